//! The rules-file YAML reader: YAML text → a spanned tree → serde types, with precise errors.
//!
//! Why not serde_yaml: rules files are written by hand by NGO staff, so every mistake must be
//! reported at `file:line:col`, a repeated key must be an error (not "last one wins"), `yes`/`no`
//! must stay text (YAML 1.2), and a hostile file must not be able to exhaust memory, time or the
//! stack. So we read saphyr-parser events into our own arena tree ([`Document`]), rejecting
//! anchors, aliases, tags and extra documents on the way, and then deserialize serde types from
//! that tree with our own Deserializer ([`from_node`]), which knows where every value came from.
//!
//! Typical use: `let doc = parse_bytes(&bytes, &Limits::default())?;` then
//! `let rules: Rules = from_node(&doc, doc.root())?;` where `Rules` derives `Deserialize` (with
//! `#[serde(deny_unknown_fields)]`) and uses [`Spanned`] for values whose place later checks must
//! report, and [`NodeRef`] for parts to deserialize one by one so that every error is collected.

mod de;
mod scalar;
mod spanned;
mod tree;

#[cfg(test)]
mod tests;

use std::path::Path;

pub use crate::diag::Pos;
pub use spanned::{NodeRef, Spanned};

/// Where a node sits in the text: `start` is its first character, `end` is just past its last
/// character (both 1-based, columns in characters). Block collections end at their last child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// The first character of the node (for a block scalar: its first content line).
    pub start: Pos,
    /// Just past the node's last character.
    pub end: Pos,
}

/// The index of a node in its [`Document`]'s arena. Only meaningful for the document that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeId(pub u32);

/// Bounds on what a rules file may cost to read; every one is checked before the cost is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes; checked before any parsing.
    pub max_bytes: usize,
    /// Deepest accepted nesting of lists and mappings (the root collection is level 1). Flow
    /// nesting (`[[[…`) is in any case capped at 255 by saphyr-parser, and the deserializer
    /// recurses once per level, so keep this modest.
    pub max_depth: usize,
    /// Most nodes (scalars, lists, mappings, keys included) one file may hold.
    pub max_nodes: usize,
}

impl Default for Limits {
    /// 4 MiB, 64 levels, 500,000 nodes: far above any real rules file, far below trouble.
    fn default() -> Self {
        Limits {
            max_bytes: 4 * 1024 * 1024,
            max_depth: 64,
            max_nodes: 500_000,
        }
    }
}

/// How a scalar was written, which decides how it may be read (YAML 1.2 core schema: only a plain
/// scalar can be a number, a boolean or null).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarStyle {
    /// Unquoted text, e.g. `yes`, `12`, `null`.
    Plain,
    /// `'single'` or `"double"` quoted text.
    Quoted,
    /// A `|` literal or `>` folded block.
    Block,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// A scalar with its text after YAML unescaping and folding.
    Scalar {
        /// The scalar's text.
        text: String,
        /// How it was written.
        style: ScalarStyle,
    },
    /// A list, in order.
    Seq(Vec<NodeId>),
    /// A mapping, in file order; keys are always scalars and never repeat.
    Map(Vec<(NodeId, NodeId)>),
}

/// One node of the tree with its place in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the node was written.
    pub span: Span,
    /// What it holds.
    pub kind: NodeKind,
}

/// One parsed rules file: an arena of nodes with a root. Only error-free files become documents,
/// so every map key is a scalar and unique, and there are no anchors, aliases or tags.
#[derive(Debug, Clone)]
pub struct Document {
    nodes: Vec<Node>,
    root: NodeId,
}

impl Document {
    /// The top node (an empty plain scalar for an empty file).
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// The node `id`. Panics if `id` did not come from this document, like slice indexing.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    /// The node `id`, or `None` if `id` did not come from this document.
    pub fn try_node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.0 as usize)
    }

    /// How many nodes the document holds (keys included).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false (a document has at least its root); here because clippy pairs it with `len`.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// For a Map node: the value node of key `key` (keys are scalars). `None` for other nodes.
    pub fn get(&self, map: NodeId, key: &str) -> Option<NodeId> {
        match &self.try_node(map)?.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| self.text(*k) == Some(key))
                .map(|&(_, v)| v),
            _ => None,
        }
    }

    /// The text of a scalar node; `None` for lists and mappings.
    pub fn text(&self, id: NodeId) -> Option<&str> {
        match &self.try_node(id)?.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// One problem in a rules file: where, what, and optionally one line of advice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{pos}: {message}")]
pub struct YamlError {
    /// 1-based line and column (characters) of the problem.
    pub pos: Pos,
    /// Short, lowercase, names the thing in backticks.
    pub message: String,
    /// One line of advice in plain words.
    pub help: Option<String>,
}

impl YamlError {
    /// An error without advice.
    pub fn new(pos: Pos, message: impl Into<String>) -> Self {
        YamlError {
            pos,
            message: message.into(),
            help: None,
        }
    }

    /// Adds one line of advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The same problem as a diagnostic about `file`, ready for `diag::sort` and printing.
    pub fn into_diagnostic(self, file: impl AsRef<Path>) -> crate::diag::Diagnostic {
        let d = crate::diag::Diagnostic::error(file, self.pos, self.message);
        match self.help {
            Some(help) => d.with_help(help),
            None => d,
        }
    }
}

/// Reads a rules file from raw bytes: size check (before anything else, so a huge file costs
/// nothing), UTF-8 check (error at the first invalid byte), strips a byte order mark, then
/// [`parse`]. Positions after a byte order mark do not count it, as editors do not show it.
pub fn parse_bytes(bytes: &[u8], limits: &Limits) -> Result<Document, Vec<YamlError>> {
    if bytes.len() > limits.max_bytes {
        return Err(vec![too_big(bytes.len(), limits)]);
    }
    const BOM: &[u8] = "\u{feff}".as_bytes();
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => parse(text, limits),
        Err(e) => {
            // The prefix up to `valid_up_to` is valid UTF-8 by definition; fall back to 1:1
            // rather than trust that with an unwrap.
            let pos = std::str::from_utf8(&bytes[..e.valid_up_to()])
                .map(|valid| Pos::of_offset(valid, valid.len()))
                .unwrap_or(Pos::new(1, 1));
            Err(vec![
                YamlError::new(pos, "file is not valid UTF-8")
                    .with_help("save the file as UTF-8 text"),
            ])
        }
    }
}

/// Parses one rules file into a [`Document`], or returns every error found (in file order, at
/// most about 100: past that the file is hopeless and listing more only costs time).
pub fn parse(text: &str, limits: &Limits) -> Result<Document, Vec<YamlError>> {
    if text.len() > limits.max_bytes {
        return Err(vec![too_big(text.len(), limits)]);
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    tree::build(text, limits)
}

/// The reader may stop at the limit, so the message does not claim an exact size.
fn too_big(_len: usize, limits: &Limits) -> YamlError {
    YamlError::new(
        Pos::new(1, 1),
        format!(
            "file is larger than {} bytes, the limit for rules files",
            limits.max_bytes
        ),
    )
    .with_help("a rules file is a few hundred kilobytes at most; check that this is the right file")
}

/// Deserializes any serde type from node `id` of `doc`. The error sits at the innermost node
/// involved: an unknown field at its key, a bad value at the value, a missing field at the mapping.
pub fn from_node<T: serde::de::DeserializeOwned>(
    doc: &Document,
    id: NodeId,
) -> Result<T, YamlError> {
    de::from_node(doc, id)
}
