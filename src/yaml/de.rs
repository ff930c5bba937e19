//! A serde Deserializer over one node of the tree (YAML 1.2 core schema), whose errors carry the
//! position of the innermost node involved.
//!
//! How positions work: an error is created without a position (serde's `Error::custom` and
//! friends cannot know one); every `deserialize_*` method passes the visitor's result through
//! `place`, which gives a position-less error the position of the node being deserialized. Errors
//! from deeper nodes were placed by the deeper call first, so they keep their deeper position.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, EnumAccess, IntoDeserializer, MapAccess, SeqAccess, Unexpected,
    VariantAccess, Visitor,
};

use super::scalar::{self, Plain};
use super::spanned::{NODEREF_MAGIC, SPANNED_MAGIC};
use super::{Document, Node, NodeId, NodeKind, Pos, ScalarStyle, YamlError};

/// The serde error: a message, optional advice, and the position once a node claims it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(super) struct Error {
    pos: Option<Pos>,
    message: String,
    help: Option<String>,
}

impl Error {
    fn new(message: impl Into<String>) -> Self {
        Error {
            pos: None,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn into_yaml(self, fallback: Pos) -> YamlError {
        YamlError {
            pos: self.pos.unwrap_or(fallback),
            message: self.message,
            help: self.help,
        }
    }
}

/// `` `a`, `b`, `c` `` for advice lists.
fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Advice for a name that is not one of `expected`: the closest one, or the whole list.
fn choose_help(name: &str, expected: &'static [&'static str]) -> String {
    if expected.is_empty() {
        return "nothing is expected here".to_owned();
    }
    crate::diag::suggest(name, expected.iter().copied())
        .unwrap_or_else(|| format!("expected one of {}", backticked(expected)))
}

/// serde's `Unexpected` in the words a rules author would use.
fn describe_unexpected(unexp: &Unexpected<'_>) -> String {
    match unexp {
        Unexpected::Bool(b) => format!("`{b}`"),
        Unexpected::Unsigned(n) => format!("`{n}`"),
        Unexpected::Signed(n) => format!("`{n}`"),
        Unexpected::Float(n) => format!("`{n}`"),
        Unexpected::Char(c) => format!("`{c}`"),
        Unexpected::Str(s) => format!("`{}`", shorten(s)),
        Unexpected::Unit | Unexpected::Option => "nothing".to_owned(),
        Unexpected::Seq => "a list".to_owned(),
        Unexpected::Map => "a mapping".to_owned(),
        other => other.to_string(),
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(msg.to_string())
    }

    fn invalid_type(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::new(format!(
            "expected {exp}, found {}",
            describe_unexpected(&unexp)
        ))
    }

    fn invalid_value(unexp: Unexpected<'_>, exp: &dyn de::Expected) -> Self {
        Error::new(format!(
            "expected {exp}, found {}",
            describe_unexpected(&unexp)
        ))
    }

    fn invalid_length(len: usize, exp: &dyn de::Expected) -> Self {
        Error::new(format!("expected {exp}, found {len} items"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(format!("unknown variant `{variant}`")).help(choose_help(variant, expected))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(format!("unknown field `{field}`")).help(choose_help(field, expected))
    }

    fn missing_field(field: &'static str) -> Self {
        Error::new(format!("missing field `{field}`"))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::new(format!("duplicate field `{field}`"))
            .help("a field may be given only once (maybe under another name)")
    }
}

/// Long values are cut in messages so one bad line does not flood the output.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

pub(super) fn from_node<T: de::DeserializeOwned>(
    doc: &Document,
    id: NodeId,
) -> Result<T, YamlError> {
    let Some(node) = doc.try_node(id) else {
        return Err(YamlError::new(
            Pos::new(1, 1),
            format!("node {} is not in this document", id.0),
        ));
    };
    T::deserialize(NodeDe { doc, node, id }).map_err(|e| e.into_yaml(node.span.start))
}

/// Deserializes one node.
#[derive(Clone, Copy)]
struct NodeDe<'de> {
    doc: &'de Document,
    node: &'de Node,
    id: NodeId,
}

impl<'de> NodeDe<'de> {
    /// A deserializer for another node of the same document. Ids inside a document always point
    /// into it; should one not, the error says so instead of panicking.
    fn at(&self, id: NodeId) -> Result<NodeDe<'de>, Error> {
        match self.doc.try_node(id) {
            Some(node) => Ok(NodeDe {
                doc: self.doc,
                node,
                id,
            }),
            None => Err(self.error(format!("node {} is not in this document", id.0))),
        }
    }

    fn pos(&self) -> Pos {
        self.node.span.start
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error {
            pos: Some(self.pos()),
            ..Error::new(message)
        }
    }

    /// Gives a position-less error (from a visitor) the position of this node.
    fn place<T>(&self, result: Result<T, Error>) -> Result<T, Error> {
        result.map_err(|mut e| {
            if e.pos.is_none() {
                e.pos = Some(self.pos());
            }
            e
        })
    }

    /// The node in words, for "expected X, found Y".
    fn found(&self) -> String {
        match &self.node.kind {
            NodeKind::Seq(_) => "a list".to_owned(),
            NodeKind::Map(_) => "a mapping".to_owned(),
            NodeKind::Scalar { text, style } => match style {
                ScalarStyle::Plain if text.is_empty() => "nothing".to_owned(),
                ScalarStyle::Plain => format!("`{}`", shorten(text)),
                ScalarStyle::Quoted => format!("`\"{}\"`", shorten(text)),
                ScalarStyle::Block => "a block of text".to_owned(),
            },
        }
    }

    fn mismatch(&self, expected: &str) -> Error {
        let e = self.error(format!("expected {expected}, found {}", self.found()));
        match self.node.kind {
            NodeKind::Scalar {
                style: ScalarStyle::Quoted,
                ..
            } if expected != "text" => e.help("remove the quotes: quoted values are always text"),
            _ => e,
        }
    }

    fn plain(&self) -> Option<&'de str> {
        match &self.node.kind {
            NodeKind::Scalar {
                text,
                style: ScalarStyle::Plain,
            } => Some(text),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.plain().is_some_and(scalar::is_null)
    }

    /// A core-schema integer, or an error at this node.
    fn integer(&self) -> Result<i128, Error> {
        const EXPECTED: &str = "a whole number";
        let text = self.plain().ok_or_else(|| self.mismatch(EXPECTED))?;
        match scalar::int_of(text) {
            Some(Some(n)) => Ok(n),
            Some(None) => Err(self.error(format!(
                "`{}` is too {} for this field",
                shorten(text),
                if text.starts_with('-') {
                    "small"
                } else {
                    "large"
                }
            ))),
            None => Err(self.mismatch(EXPECTED)),
        }
    }

    fn out_of_range(&self, n: i128, min: i128, max: i128) -> Error {
        let text = self.plain().unwrap_or_default();
        self.error(format!(
            "`{}` is too {} for this field",
            shorten(text),
            if n < min { "small" } else { "large" }
        ))
        .help(format!("use a whole number from {min} to {max}"))
    }

    fn float(&self) -> Result<f64, Error> {
        self.plain()
            .and_then(scalar::float_of)
            .ok_or_else(|| self.mismatch("a number"))
    }

    fn text(&self) -> Result<&'de str, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => Ok(text),
            _ => Err(self.mismatch("text")),
        }
    }

    fn visit_seq<V: Visitor<'de>>(self, visitor: V, what: &str) -> Result<V::Value, Error> {
        let NodeKind::Seq(items) = &self.node.kind else {
            return Err(self.mismatch(what));
        };
        let mut access = Seq {
            de: self,
            items,
            next: 0,
        };
        let value = self.place(visitor.visit_seq(&mut access))?;
        // A visitor that stopped early (a tuple) leaves items over: name the first one.
        if let Some(&extra) = items.get(access.next) {
            let at = self.at(extra)?;
            return Err(at.error(format!(
                "expected {} items, found {}",
                access.next,
                items.len()
            )));
        }
        Ok(value)
    }

    fn visit_map<V: Visitor<'de>>(self, visitor: V, what: &str) -> Result<V::Value, Error> {
        let NodeKind::Map(entries) = &self.node.kind else {
            return Err(self.mismatch(what));
        };
        let mut access = Map {
            de: self,
            entries,
            next: 0,
            value: None,
        };
        let value = self.place(visitor.visit_map(&mut access))?;
        if let Some(&(extra, _)) = entries.get(access.next) {
            let at = self.at(extra)?;
            return Err(at.error(format!("unexpected key `{}`", at.found_text())));
        }
        Ok(value)
    }

    fn found_text(&self) -> String {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => shorten(text),
            _ => String::new(),
        }
    }

    /// The magic answer for `Spanned<T>` / `NodeRef`: span numbers, then the value or the id.
    fn visit_magic<V: Visitor<'de>>(self, visitor: V, node_ref: bool) -> Result<V::Value, Error> {
        let span = self.node.span;
        let numbers = [span.start.line, span.start.col, span.end.line, span.end.col];
        let access = Magic {
            numbers,
            next: 0,
            tail: Some(if node_ref {
                Tail::Id(self.id.0)
            } else {
                Tail::Value(self)
            }),
        };
        self.place(visitor.visit_seq(access))
    }
}

macro_rules! deserialize_integer {
    ($($method:ident => $ty:ty, $visit:ident;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let n = self.integer()?;
            let v = <$ty>::try_from(n)
                .map_err(|_| self.out_of_range(n, <$ty>::MIN as i128, <$ty>::MAX as i128))?;
            self.place(visitor.$visit(v))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDe<'de> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Seq(_) => self.visit_seq(visitor, "a list"),
            NodeKind::Map(_) => self.visit_map(visitor, "a mapping"),
            NodeKind::Scalar { text, style } => {
                let result = if *style != ScalarStyle::Plain {
                    visitor.visit_borrowed_str(text)
                } else {
                    match scalar::resolve(text) {
                        Plain::Null => visitor.visit_unit(),
                        Plain::Bool(b) => visitor.visit_bool(b),
                        Plain::Int(n) => match (i64::try_from(n), u64::try_from(n)) {
                            (_, Ok(u)) => visitor.visit_u64(u),
                            (Ok(i), _) => visitor.visit_i64(i),
                            // Beyond 64 bits: the nearest float, as JSON readers do.
                            _ => visitor.visit_f64(n as f64),
                        },
                        Plain::BigInt => visitor.visit_f64(text.parse().unwrap_or(f64::INFINITY)),
                        Plain::Float(f) => visitor.visit_f64(f),
                        Plain::Text => visitor.visit_borrowed_str(text),
                    }
                };
                self.place(result)
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(b) = self.plain().and_then(scalar::bool_of) {
            return self.place(visitor.visit_bool(b));
        }
        let error = self.error(format!(
            "expected `true` or `false`, found {}",
            self.found()
        ));
        let looks_like_yes_no = match &self.node.kind {
            NodeKind::Scalar { text, .. } => matches!(
                text.to_lowercase().as_str(),
                "yes" | "no" | "on" | "off" | "y" | "n"
            ),
            _ => false,
        };
        Err(if looks_like_yes_no {
            error.help("in rules files `yes` and `no` are plain text; write true or false")
        } else if matches!(
            self.node.kind,
            NodeKind::Scalar {
                style: ScalarStyle::Quoted,
                ..
            }
        ) {
            error.help("remove the quotes: quoted values are always text")
        } else {
            error
        })
    }

    deserialize_integer! {
        deserialize_i8 => i8, visit_i8;
        deserialize_i16 => i16, visit_i16;
        deserialize_i32 => i32, visit_i32;
        deserialize_i64 => i64, visit_i64;
        deserialize_i128 => i128, visit_i128;
        deserialize_u8 => u8, visit_u8;
        deserialize_u16 => u16, visit_u16;
        deserialize_u32 => u32, visit_u32;
        deserialize_u64 => u64, visit_u64;
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let n = self.integer()?;
        let v = u128::try_from(n).map_err(|_| self.out_of_range(n, 0, i128::MAX))?;
        self.place(visitor.visit_u128(v))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let f = self.float()?;
        if f.is_finite() && f.abs() > f64::from(f32::MAX) {
            let text = self.plain().unwrap_or_default();
            return Err(self.error(format!("`{}` is too large for this field", shorten(text))));
        }
        self.place(visitor.visit_f32(f as f32))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let f = self.float()?;
        self.place(visitor.visit_f64(f))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let text = self.text()?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => self.place(visitor.visit_char(c)),
            _ => Err(self.mismatch("a single character")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let text = self.text()?;
        self.place(visitor.visit_borrowed_str(text))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            NodeKind::Scalar { text, .. } => {
                self.place(visitor.visit_borrowed_bytes(text.as_bytes()))
            }
            NodeKind::Seq(_) => self.visit_seq(visitor, "a list"),
            NodeKind::Map(_) => Err(self.mismatch("text or a list of bytes")),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            self.place(visitor.visit_none())
        } else {
            self.place(visitor.visit_some(self))
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.is_null() {
            self.place(visitor.visit_unit())
        } else {
            Err(self.mismatch("nothing (an empty value or `null`)"))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        if name == SPANNED_MAGIC {
            return self.visit_magic(visitor, false);
        }
        if name == NODEREF_MAGIC {
            return self.visit_magic(visitor, true);
        }
        self.place(visitor.visit_newtype_struct(self))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_seq(visitor, "a list")
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.visit_seq(visitor, "a list")
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.visit_seq(visitor, "a list")
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.visit_map(visitor, "a mapping")
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.visit_map(visitor, "a mapping")
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let access = match &self.node.kind {
            // `kind: text` — a unit variant.
            NodeKind::Scalar { .. } => Enum {
                variant: self,
                content: None,
            },
            // `kind: {date: 2024-01-01}` — a variant with content.
            NodeKind::Map(entries) => match entries.as_slice() {
                [(key, value)] => Enum {
                    variant: self.at(*key)?,
                    content: Some(self.at(*value)?),
                },
                _ => {
                    return Err(self
                        .error(format!(
                            "expected one `name: value` pair here, found {} keys",
                            entries.len()
                        ))
                        .help("this value is one choice: write a single name, or `name:` with its details"));
                }
            },
            NodeKind::Seq(_) => return Err(self.mismatch("a name or a single `name: value` pair")),
        };
        self.place(visitor.visit_enum(access))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        // Nothing to check in a value that is thrown away.
        self.place(visitor.visit_unit())
    }
}

struct Seq<'de> {
    de: NodeDe<'de>,
    items: &'de [NodeId],
    next: usize,
}

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(&id) = self.items.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        let item = self.de.at(id)?;
        item.place(seed.deserialize(item)).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len().saturating_sub(self.next))
    }
}

struct Map<'de> {
    de: NodeDe<'de>,
    entries: &'de [(NodeId, NodeId)],
    next: usize,
    value: Option<NodeId>,
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some(&(key, value)) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.value = Some(value);
        let key = self.de.at(key)?;
        key.place(seed.deserialize(key)).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let Some(id) = self.value.take() else {
            return Err(self.de.error("a value was asked for before its key"));
        };
        let value = self.de.at(id)?;
        value.place(seed.deserialize(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len().saturating_sub(self.next))
    }
}

struct Enum<'de> {
    /// The node naming the variant: the scalar itself, or the single key.
    variant: NodeDe<'de>,
    /// The value under that key, if written as a mapping.
    content: Option<NodeDe<'de>>,
}

impl<'de> EnumAccess<'de> for Enum<'de> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<(T::Value, Self), Error> {
        let variant = self.variant;
        let value = variant.place(seed.deserialize(variant))?;
        Ok((value, self))
    }
}

impl<'de> Enum<'de> {
    /// The content a data-carrying variant needs, or an error at the variant name.
    fn content(&self) -> Result<NodeDe<'de>, Error> {
        self.content.ok_or_else(|| {
            let name = self.variant.found_text();
            self.variant
                .error(format!("`{name}` needs details"))
                .help(format!("write it as `{name}:` followed by its details"))
        })
    }
}

impl<'de> VariantAccess<'de> for Enum<'de> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.content {
            // `{name: }` or `{name: null}` is tolerated as a unit variant.
            Some(content) if !content.is_null() => {
                let name = self.variant.found_text();
                Err(content
                    .error(format!("`{name}` takes no details"))
                    .help(format!("write just `{name}`")))
            }
            _ => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, Error> {
        let content = self.content()?;
        content.place(seed.deserialize(content))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_tuple(self.content()?, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_struct(self.content()?, "", fields, visitor)
    }
}

/// What follows the span numbers in the magic sequence.
enum Tail<'de> {
    Value(NodeDe<'de>),
    Id(u32),
}

struct Magic<'de> {
    numbers: [u32; 4],
    next: usize,
    tail: Option<Tail<'de>>,
}

impl<'de> SeqAccess<'de> for Magic<'de> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        if let Some(&n) = self.numbers.get(self.next) {
            self.next += 1;
            return seed.deserialize(n.into_deserializer()).map(Some);
        }
        match self.tail.take() {
            Some(Tail::Value(node)) => node.place(seed.deserialize(node)).map(Some),
            Some(Tail::Id(id)) => seed.deserialize(id.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }
}
