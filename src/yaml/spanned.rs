//! `Spanned<T>` and `NodeRef`: values that carry their place in the file through serde.
//!
//! serde has no way to pass a position to a `Deserialize` impl, so (like the toml crate's
//! Spanned) each asks for a newtype struct with a private "magic" name. Our Deserializer
//! recognises the name and answers with a sequence of numbers (the span, and the node id) followed
//! by the value; any other deserializer treats it as an ordinary newtype, so `Spanned<T>` still
//! reads its `T` (with a default span) and `NodeRef`, which only means something for our tree,
//! fails with a clear error.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

use super::{NodeId, Pos, Span};

/// The newtype name `Spanned<T>` asks for; only our Deserializer knows it.
pub(super) const SPANNED_MAGIC: &str = "$__rumbo_yaml_private_Spanned";
/// The newtype name `NodeRef` asks for; only our Deserializer knows it.
pub(super) const NODEREF_MAGIC: &str = "$__rumbo_yaml_private_NodeRef";

/// A value with the span of the node it came from, so later checks (unknown question ids, bad
/// dates…) can point at the exact place. Compares, hashes and orders by value only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Spanned<T> {
    /// Where the value was written.
    pub span: Span,
    /// The value.
    pub value: T,
}

impl<T> Spanned<T> {
    /// A value with its span.
    pub fn new(span: Span, value: T) -> Self {
        Spanned { span, value }
    }

    /// The value, dropping the span.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Where the value starts.
    pub fn pos(&self) -> Pos {
        self.span.start
    }
}

impl<T> Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Spanned<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T: Eq> Eq for Spanned<T> {}

impl<T: Hash> Hash for Spanned<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T: PartialOrd> PartialOrd for Spanned<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

impl<T: Ord> Ord for Spanned<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    /// Serializes the value alone: the span belongs to the source file, not to the data.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// Reads the four span numbers our Deserializer sends first.
fn read_span<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    expected: &dyn de::Expected,
) -> Result<Span, A::Error> {
    let mut n = [0u32; 4];
    for (i, slot) in n.iter_mut().enumerate() {
        *slot = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(i, expected))?;
    }
    Ok(Span {
        start: Pos::new(n[0], n[1]),
        end: Pos::new(n[2], n[3]),
    })
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SpannedVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for SpannedVisitor<T> {
            type Value = Spanned<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }

            // Our Deserializer: span numbers, then the value.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let span = read_span(&mut seq, &self)?;
                let value = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(4, &self))?;
                Ok(Spanned { span, value })
            }

            // Any other deserializer: best effort, the value with a default span. Most formats
            // call this for a newtype struct…
            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                T::deserialize(deserializer).map(unspanned)
            }

            // …while serde's own value deserializers forward it to `deserialize_any`, which lands
            // in one of these. (A list from those cannot be told from our magic sequence.)
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(unspanned)
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(unspanned)
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(unspanned)
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(unspanned)
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(unspanned)
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                T::deserialize(BorrowedStrDeserializer::new(v)).map(unspanned)
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(unspanned)
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                T::deserialize(().into_deserializer()).map(unspanned)
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                T::deserialize(().into_deserializer()).map(unspanned)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                T::deserialize(d).map(unspanned)
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(unspanned)
            }
        }

        fn unspanned<T>(value: T) -> Spanned<T> {
            Spanned {
                span: Span::default(),
                value,
            }
        }

        deserializer.deserialize_newtype_struct(SPANNED_MAGIC, SpannedVisitor(PhantomData))
    }
}

/// A node captured without being deserialized, so a caller can deserialize parts one by one (with
/// [`super::from_node`]) and collect every error instead of stopping at the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeRef {
    /// The node, in the document being deserialized.
    pub id: NodeId,
    /// Where the node was written.
    pub span: Span,
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NodeRefVisitor;

        impl<'de> Visitor<'de> for NodeRefVisitor {
            type Value = NodeRef;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a node of a rules file")
            }

            // Our Deserializer: span numbers, then the node id.
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let span = read_span(&mut seq, &self)?;
                let id = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(4, &self))?;
                Ok(NodeRef {
                    id: NodeId(id),
                    span,
                })
            }

            fn visit_newtype_struct<D: Deserializer<'de>>(
                self,
                _deserializer: D,
            ) -> Result<Self::Value, D::Error> {
                Err(de::Error::custom(
                    "a NodeRef can only be read from a rules-file YAML tree",
                ))
            }
        }

        deserializer.deserialize_newtype_struct(NODEREF_MAGIC, NodeRefVisitor)
    }
}
