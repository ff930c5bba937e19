//! Reads the Fluent AST of one file: which entries it defines, where, and what each pattern
//! reads (variables) or refers to (messages, terms, functions).
//!
//! fluent-syntax 0.12 keeps no positions in its AST, but every identifier it returns is a
//! sub-slice of the source text, so a position is recovered from the slice's address.

use std::collections::BTreeSet;

use fluent_syntax::ast;
use fluent_syntax::parser::{ErrorKind, ParserError};

use crate::diag::Pos;

/// The one function bundles get (from `add_builtins`).
pub(super) const NUMBER: &str = "NUMBER";

/// A problem found while reading one file, before its path is attached.
#[derive(Debug)]
pub(super) struct Problem {
    pub pos: Pos,
    pub message: String,
    pub help: Option<String>,
}

/// What a reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RefKind {
    Message,
    Term,
    Function,
}

/// One `{ msg }`, `{ msg.attr }`, `{ -term(...) }` or `{ FUNC(...) }` inside a pattern.
#[derive(Debug)]
pub(super) struct Reference {
    pub kind: RefKind,
    /// The name without the leading `-` of a term.
    pub id: String,
    pub attribute: Option<String>,
    /// Names of the named call arguments (only terms and functions have them).
    pub named_args: BTreeSet<String>,
    pub pos: Pos,
}

/// What one pattern (a message value, a term value or an attribute) reads directly.
#[derive(Debug, Default)]
pub(super) struct PatternFacts {
    /// Every `$var` the pattern reads itself, anywhere (selectors, variants, call arguments).
    pub vars: BTreeSet<String>,
    /// `$var`s written out as text (not only selected on). Inside a term these come from the
    /// call site's named arguments; Fluent prints `{$var}` without an error when one is absent.
    pub printed: BTreeSet<String>,
    /// `$var`s given to `NUMBER()`. Fluent prints `NUMBER()` without an error when such a
    /// variable holds text, so formatting checks these are numbers.
    pub numeric: BTreeSet<String>,
    pub refs: Vec<Reference>,
}

/// One message or term of a file.
#[derive(Debug)]
pub(super) struct EntryFacts {
    /// The identifier; for a term without its leading `-`.
    pub name: String,
    pub is_term: bool,
    /// Its index among the entries of its resource (comments and junk count).
    pub index: usize,
    /// Where the entry starts (its identifier, or the `-` of a term).
    pub pos: Pos,
    pub value: Option<PatternFacts>,
    pub attributes: Vec<AttributeFacts>,
}

impl EntryFacts {
    /// How the entry is written in a file: `name` or `-name`.
    pub fn display_name(&self) -> String {
        if self.is_term {
            format!("-{}", self.name)
        } else {
            self.name.clone()
        }
    }

    pub fn attribute(&self, name: &str) -> Option<&AttributeFacts> {
        self.attributes.iter().find(|a| a.name == name)
    }
}

/// One `.attr = …` of an entry.
#[derive(Debug)]
pub(super) struct AttributeFacts {
    pub name: String,
    pub pos: Pos,
    pub facts: PatternFacts,
}

/// Everything learnt from one file.
#[derive(Debug, Default)]
pub(super) struct FileFacts {
    pub entries: Vec<EntryFacts>,
    pub problems: Vec<Problem>,
}

/// Byte offset → 1-based line and character column, for many lookups in one text.
struct Locator<'s> {
    source: &'s str,
    /// Byte offset at which each line starts.
    line_starts: Vec<usize>,
}

impl<'s> Locator<'s> {
    fn new(source: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Locator {
            source,
            line_starts,
        }
    }

    fn pos_of_offset(&self, offset: usize) -> Pos {
        let offset = offset.min(self.source.len());
        // The last line that starts at or before `offset`.
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        // Pos::of_offset on the line alone counts the characters of the column.
        let col = Pos::of_offset(&self.source[start..], offset - start).col;
        Pos::new(u32::try_from(line).unwrap_or(u32::MAX), col)
    }

    /// The byte offset of `part`, which must be a slice of the source (the parser returns
    /// such slices). Falls back to a text search should it ever be a copy.
    fn offset_of(&self, part: &str) -> usize {
        let base = self.source.as_ptr() as usize;
        let at = part.as_ptr() as usize;
        if at >= base && at + part.len() <= base + self.source.len() {
            at - base
        } else {
            self.source.find(part).unwrap_or(0)
        }
    }

    fn pos_of(&self, part: &str) -> Pos {
        self.pos_of_offset(self.offset_of(part))
    }

    /// The position of a term's `-`, given its identifier (which excludes the `-`).
    fn pos_of_term(&self, name: &str) -> Pos {
        let offset = self.offset_of(name);
        let dash = offset
            .checked_sub(1)
            .filter(|&o| self.source.as_bytes().get(o) == Some(&b'-'));
        self.pos_of_offset(dash.unwrap_or(offset))
    }
}

/// Reads one parsed file. `source` must be the text the entries were parsed from (the
/// resource's own copy), `errors` its parse errors.
pub(super) fn file<'s>(
    source: &'s str,
    entries: impl Iterator<Item = &'s ast::Entry<&'s str>>,
    errors: &[ParserError],
) -> FileFacts {
    let at = Locator::new(source);
    let mut out = FileFacts {
        // Entries are large and a file can have tens of thousands: no regrowing.
        entries: Vec::with_capacity(entries.size_hint().0),
        problems: Vec::new(),
    };
    for error in errors {
        out.problems.push(parse_problem(&at, error));
    }
    for (index, entry) in entries.enumerate() {
        match entry {
            ast::Entry::Message(m) => {
                let pos = at.pos_of(m.id.name);
                let value = m.value.as_ref().map(|p| pattern(&at, p, &mut out.problems));
                let attributes = attributes(&at, &m.attributes, &mut out.problems);
                out.entries.push(EntryFacts {
                    name: m.id.name.to_string(),
                    is_term: false,
                    index,
                    pos,
                    value,
                    attributes,
                });
            }
            ast::Entry::Term(t) => {
                let pos = at.pos_of_term(t.id.name);
                let value = Some(pattern(&at, &t.value, &mut out.problems));
                let attributes = attributes(&at, &t.attributes, &mut out.problems);
                out.entries.push(EntryFacts {
                    name: t.id.name.to_string(),
                    is_term: true,
                    index,
                    pos,
                    value,
                    attributes,
                });
            }
            ast::Entry::Junk { content } => {
                // Every Junk entry comes with a parse error whose slice covers it. Should one
                // ever come alone, it is still fatal: a translator's text would vanish.
                let offset = at.offset_of(content);
                let covered = errors.iter().any(|e| {
                    e.slice
                        .as_ref()
                        .is_some_and(|s| s.start <= offset && offset < s.end.max(s.start + 1))
                });
                if !covered {
                    out.problems.push(Problem {
                        pos: at.pos_of_offset(offset),
                        message: "this text is not valid Fluent and would be ignored".into(),
                        help: None,
                    });
                }
            }
            ast::Entry::Comment(_)
            | ast::Entry::GroupComment(_)
            | ast::Entry::ResourceComment(_) => {}
        }
    }
    out
}

fn attributes(
    at: &Locator<'_>,
    list: &[ast::Attribute<&str>],
    problems: &mut Vec<Problem>,
) -> Vec<AttributeFacts> {
    let mut out: Vec<AttributeFacts> = Vec::new();
    for attr in list {
        let pos = at.pos_of(attr.id.name);
        if let Some(first) = out.iter().find(|a| a.name == attr.id.name) {
            // Fluent silently uses the first one; the translator meant one of them.
            problems.push(Problem {
                pos,
                message: format!("attribute `.{}` is defined twice", attr.id.name),
                help: Some(format!("first defined at line {}", first.pos.line)),
            });
            continue;
        }
        out.push(AttributeFacts {
            name: attr.id.name.to_string(),
            pos,
            facts: pattern(at, &attr.value, problems),
        });
    }
    out
}

fn pattern(at: &Locator<'_>, p: &ast::Pattern<&str>, problems: &mut Vec<Problem>) -> PatternFacts {
    let mut facts = PatternFacts::default();
    let mut walker = Walker {
        at,
        facts: &mut facts,
        problems,
    };
    walker.pattern(p);
    facts
}

/// Collects facts while walking one pattern.
struct Walker<'a, 's> {
    at: &'a Locator<'s>,
    facts: &'a mut PatternFacts,
    problems: &'a mut Vec<Problem>,
}

/// Where an expression stands, which decides whether its variable is printed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Written out as text.
    Printed,
    /// Only compared (selector) or handed on (call argument).
    Read,
}

impl Walker<'_, '_> {
    fn pattern(&mut self, p: &ast::Pattern<&str>) {
        for element in &p.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                self.expression(expression);
            }
        }
    }

    fn expression(&mut self, e: &ast::Expression<&str>) {
        match e {
            ast::Expression::Inline(inline) => self.inline(inline, Place::Printed),
            ast::Expression::Select { selector, variants } => {
                self.inline(selector, Place::Read);
                for variant in variants {
                    self.pattern(&variant.value);
                }
            }
        }
    }

    fn inline(&mut self, e: &ast::InlineExpression<&str>, place: Place) {
        match e {
            ast::InlineExpression::StringLiteral { .. }
            | ast::InlineExpression::NumberLiteral { .. } => {}
            ast::InlineExpression::VariableReference { id } => {
                self.facts.vars.insert(id.name.to_string());
                if place == Place::Printed {
                    self.facts.printed.insert(id.name.to_string());
                }
            }
            ast::InlineExpression::MessageReference { id, attribute } => {
                self.facts.refs.push(Reference {
                    kind: RefKind::Message,
                    id: id.name.to_string(),
                    attribute: attribute.as_ref().map(|a| a.name.to_string()),
                    named_args: BTreeSet::new(),
                    pos: self.at.pos_of(id.name),
                });
            }
            ast::InlineExpression::TermReference {
                id,
                attribute,
                arguments,
            } => {
                let named_args = arguments
                    .as_ref()
                    .map(|a| a.named.iter().map(|n| n.name.name.to_string()).collect())
                    .unwrap_or_default();
                self.facts.refs.push(Reference {
                    kind: RefKind::Term,
                    id: id.name.to_string(),
                    attribute: attribute.as_ref().map(|a| a.name.to_string()),
                    named_args,
                    pos: self.at.pos_of_term(id.name),
                });
                if let Some(arguments) = arguments {
                    self.arguments(arguments);
                }
            }
            ast::InlineExpression::FunctionReference { id, arguments } => {
                let pos = self.at.pos_of(id.name);
                if id.name == NUMBER {
                    self.number_argument(arguments.positional.first(), pos);
                }
                self.facts.refs.push(Reference {
                    kind: RefKind::Function,
                    id: id.name.to_string(),
                    attribute: None,
                    named_args: arguments
                        .named
                        .iter()
                        .map(|n| n.name.name.to_string())
                        .collect(),
                    pos,
                });
                self.arguments(arguments);
            }
            ast::InlineExpression::Placeable { expression } => self.expression(expression),
        }
    }

    /// NUMBER() turns anything but a number into the text `NUMBER()` without reporting an
    /// error, so only a variable (checked when formatting) or a number literal is accepted.
    fn number_argument(&mut self, first: Option<&ast::InlineExpression<&str>>, pos: Pos) {
        match first {
            Some(ast::InlineExpression::VariableReference { id }) => {
                self.facts.numeric.insert(id.name.to_string());
            }
            Some(ast::InlineExpression::NumberLiteral { .. }) => {}
            _ => self.problems.push(Problem {
                pos,
                message: "`NUMBER` needs a variable or a number as its first argument".into(),
                help: Some("write it as `NUMBER($count)`".into()),
            }),
        }
    }

    fn arguments(&mut self, arguments: &ast::CallArguments<&str>) {
        for positional in &arguments.positional {
            self.inline(positional, Place::Read);
        }
        for named in &arguments.named {
            self.inline(&named.value, Place::Read);
        }
    }
}

/// A parse error as a short lowercase message at the parser's position, with advice for the
/// usual mistakes.
fn parse_problem(at: &Locator<'_>, error: &ParserError) -> Problem {
    let pos = at.pos_of_offset(error.pos.start);
    let (message, help) = match &error.kind {
        ErrorKind::ExpectedToken(c) => {
            let message = format!("expected a token starting with `{}`", c.escape_default());
            let help = match c {
                // The parser notices a missing `}` only where the next line starts, so point
                // the reader at the brace that was left open.
                '}' => unclosed_brace(at, error)
                    .map(|open| format!("the `{{` at {}:{} is never closed", open.line, open.col)),
                '=' => Some("a message is written `name = text`".into()),
                _ => None,
            };
            (message, help)
        }
        ErrorKind::ExpectedCharRange { range } => match range.as_str() {
            "a-zA-Z" => (
                "expected a message name starting with a letter".into(),
                Some(
                    "names start at the beginning of a line; continuation lines are indented"
                        .into(),
                ),
            ),
            "\n | \r\n" => (
                "expected a line break".into(),
                Some("each variant of a `->` selection goes on its own line".into()),
            ),
            other => (
                format!("expected one of `{}`", other.escape_default()),
                None,
            ),
        },
        ErrorKind::ExpectedMessageField { entry_id } => (
            format!("message `{entry_id}` has no text"),
            Some("write the text after `=`, or give it attributes".into()),
        ),
        ErrorKind::ExpectedTermField { entry_id } => {
            (format!("term `-{entry_id}` has no text"), None)
        }
        ErrorKind::ForbiddenCallee => (
            "function names must be written in capitals".into(),
            Some("only `NUMBER(…)` is available".into()),
        ),
        ErrorKind::MissingDefaultVariant => (
            "the selection has no default variant".into(),
            Some("mark one variant with `*`, for example `*[other]`".into()),
        ),
        ErrorKind::MissingValue => ("expected a value".into(), None),
        ErrorKind::MultipleDefaultVariants => (
            "the selection has more than one default variant".into(),
            Some("keep `*` on one variant only".into()),
        ),
        ErrorKind::MessageReferenceAsSelector => ("a message cannot be selected on".into(), None),
        ErrorKind::TermReferenceAsSelector => (
            "a term cannot be selected on, only its attributes".into(),
            None,
        ),
        ErrorKind::MessageAttributeAsSelector => {
            ("a message attribute cannot be selected on".into(), None)
        }
        ErrorKind::TermAttributeAsPlaceable => (
            "a term attribute can only be selected on, not printed".into(),
            None,
        ),
        ErrorKind::UnterminatedStringLiteral => ("unterminated string literal".into(), None),
        ErrorKind::PositionalArgumentFollowsNamed => (
            "positional arguments must come before named arguments".into(),
            None,
        ),
        ErrorKind::DuplicatedNamedArgument(name) => {
            (format!("the argument `{name}` appears twice"), None)
        }
        ErrorKind::UnknownEscapeSequence(_) => {
            // The kind holds a number, not the text; show the text at the position instead.
            let seq: String = at.source[error.pos.start.min(at.source.len())..]
                .chars()
                .take(2)
                .collect();
            (
                format!("unknown escape sequence `{seq}`"),
                Some("inside quotes only `\\\\`, `\\\"`, `\\uXXXX` and `\\UXXXXXX` work".into()),
            )
        }
        ErrorKind::InvalidUnicodeEscapeSequence(seq) => {
            (format!("invalid unicode escape sequence `{seq}`"), None)
        }
        ErrorKind::UnbalancedClosingBrace => (
            "unbalanced closing brace `}`".into(),
            Some("write a literal brace as `{ \"}\" }`".into()),
        ),
        ErrorKind::ExpectedInlineExpression => ("expected an expression inside `{ }`".into(), None),
        ErrorKind::ExpectedSimpleExpressionAsSelector => {
            ("expected a variable or a literal before `->`".into(), None)
        }
        ErrorKind::ExpectedLiteral => (
            "expected a string or number literal".into(),
            Some("named arguments take only literals, such as `case: \"genitive\"`".into()),
        ),
    };
    Problem { pos, message, help }
}

/// The last `{` left open between the start of the broken entry and the error.
fn unclosed_brace(at: &Locator<'_>, error: &ParserError) -> Option<Pos> {
    let start = error.slice.as_ref().map_or(0, |s| s.start);
    let end = error.pos.start.min(at.source.len());
    let text = at.source.get(start..end)?;
    let mut open = Vec::new();
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' => open.push(start + i),
            b'}' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.last().map(|&o| at.pos_of_offset(o))
}
