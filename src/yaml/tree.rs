//! saphyr-parser events → the spanned arena tree, with every rules-file restriction checked on the
//! way (duplicate keys, anchors/aliases, tags, one document, scalar keys, depth, node count).
//!
//! Bounding hostile input:
//! - Stack: saphyr-parser's event iterator keeps its own state stack (it does not recurse) and
//!   this builder is a loop over events with an explicit stack, so no nesting can overflow the
//!   stack. Block nesting reaches us event by event: we stop at the first node past `max_depth`.
//! - Flow collections are the exception: saphyr scans a whole flow collection ahead (to learn
//!   whether it is a key, as in `[a]: b`) and buffers its tokens (about 190 bytes each) before
//!   emitting its first event. So `[[[[…` 10,000 deep would only give saphyr's own "recursion
//!   limit exceeded" at the 256th bracket (its flow level is a u8), and a 4 MiB `[a,a,a,…]` would
//!   cost 2 s and 750 MB before our node limit could act. Hence `scan_flow`, a cheap byte scan
//!   that follows flow brackets: where they certainly break `max_depth` or `max_nodes`, we parse
//!   only the text before that point with the open brackets closed, and the builder reports the
//!   exact node that breaks the limit. The scan is approximate (it does not know block scalars),
//!   so it only ever shortens the work: when the shortened parse finds no limit error, the whole
//!   text is parsed as usual, and saphyr's own cap is handled by `past_saphyr_flow_limit`.

use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle as SaphyrStyle, ScanError};

use super::{Document, Limits, Node, NodeId, NodeKind, Pos, ScalarStyle, Span, YamlError};

/// Past this many errors we stop: the file is hopeless and a longer list only costs time.
const MAX_ERRORS: usize = 100;

/// saphyr-parser's own error text when flow nesting passes 255.
const SAPHYR_FLOW_LIMIT_MESSAGE: &str = "recursion limit exceeded";

/// saphyr-parser's flow nesting cap (its `flow_level` is a u8).
const SAPHYR_FLOW_LIMIT: usize = 255;

pub(super) fn build(text: &str, limits: &Limits) -> Result<Document, Vec<YamlError>> {
    // A cheap pass first: if flow collections certainly break a limit, parse only the text before
    // that point, closed (see the module comment), so saphyr never buffers more than that.
    if let Some((cut, closers)) = scan_flow(text, limits.max_depth, limits.max_nodes).stop {
        let outcome = Builder::new(&closed_prefix(text, cut, &closers), limits).run();
        if outcome.limit_error || outcome.capped {
            return Err(outcome.errors);
        }
        // The scan misjudged the text (it does not know block scalars, for one): read all of it.
    }
    let outcome = Builder::new(text, limits).run();
    if let Some(marker) = outcome.flow_overflow {
        return Err(past_saphyr_flow_limit(text, limits, &marker));
    }
    match outcome.document {
        Some(document) if outcome.errors.is_empty() => Ok(document),
        _ => Err(outcome.errors),
    }
}

/// `text[..cut]` followed by `closers`.
fn closed_prefix(text: &str, cut: usize, closers: &str) -> String {
    let prefix = text.get(..cut).unwrap_or(text);
    let mut closed = String::with_capacity(prefix.len() + closers.len());
    closed.push_str(prefix);
    closed.push_str(closers);
    closed
}

/// saphyr gave up at `marker`, the 256th open flow bracket, before emitting any event of the
/// outermost flow collection (our scan missed it, or `max_depth` is above 255). Parse the text
/// before it with the open brackets closed, so the depth check can find the exact node; if it
/// does not, the nesting is still certainly too deep: report that at the marker.
fn past_saphyr_flow_limit(text: &str, limits: &Limits, marker: &Marker) -> Vec<YamlError> {
    let cut = CharIndex::new(text).byte_of(text, marker.index());
    let prefix = text.get(..cut).unwrap_or(text);
    let closers = scan_flow(prefix, usize::MAX, usize::MAX).closers;
    let outcome = Builder::new(&closed_prefix(text, cut, &closers), limits).run();
    if outcome.limit_error || outcome.capped {
        return outcome.errors;
    }
    let pos = marker_pos(marker);
    // Errors before the cut are real; any later ones come from the closers we added.
    let mut errors: Vec<YamlError> = outcome.errors.into_iter().filter(|e| e.pos < pos).collect();
    errors.push(depth_error(pos, limits.max_depth.min(SAPHYR_FLOW_LIMIT)));
    errors
}

fn nodes_error(pos: Pos, max_nodes: usize) -> YamlError {
    YamlError::new(
        pos,
        format!("file has more than {max_nodes} values; rules files are limited to that"),
    )
    .with_help(
        "a rules file holds a few thousand values at most; check that this is the right file",
    )
}

fn depth_error(pos: Pos, max_depth: usize) -> YamlError {
    YamlError::new(pos, format!("nesting is deeper than {max_depth} levels"))
        .with_help("rules files need only a few levels; flatten this part")
}

/// 1-based line and character column of a saphyr marker (whose column is 0-based).
fn marker_pos(marker: &Marker) -> Pos {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Pos::new(clamp(marker.line()), clamp(marker.col()).saturating_add(1))
}

fn span_of(span: &saphyr_parser::Span) -> Span {
    Span {
        start: marker_pos(&span.start),
        end: marker_pos(&span.end),
    }
}

/// What one pass over the events produced.
struct Outcome {
    document: Option<Document>,
    errors: Vec<YamlError>,
    /// Where saphyr gave up on flow nesting, if it did.
    flow_overflow: Option<Marker>,
    /// Whether the depth or node limit stopped the pass.
    limit_error: bool,
    /// Whether the pass stopped at the error cap.
    capped: bool,
}

/// A collection being built.
enum Frame {
    Seq {
        id: NodeId,
        flow: bool,
        items: Vec<NodeId>,
    },
    Map {
        id: NodeId,
        flow: bool,
        entries: Vec<(NodeId, NodeId)>,
        /// The key read, waiting for its value.
        key: Option<NodeId>,
        /// Each key's text and where it was first seen, to report duplicates.
        seen: HashMap<String, Pos>,
    },
}

/// Why a pass stopped early.
struct Stop;

struct Builder<'t> {
    text: &'t str,
    chars: CharIndex,
    limits: &'t Limits,
    nodes: Vec<Node>,
    stack: Vec<Frame>,
    root: Option<NodeId>,
    errors: Vec<YamlError>,
    documents: usize,
    flow_overflow: Option<Marker>,
    limit_error: bool,
    capped: bool,
}

impl<'t> Builder<'t> {
    fn new(text: &'t str, limits: &'t Limits) -> Self {
        Builder {
            text,
            chars: CharIndex::new(text),
            limits,
            nodes: Vec::new(),
            stack: Vec::new(),
            root: None,
            errors: Vec::new(),
            documents: 0,
            flow_overflow: None,
            limit_error: false,
            capped: false,
        }
    }

    fn run(mut self) -> Outcome {
        let finished = self.read_events().is_ok();
        let document = if finished && self.errors.is_empty() {
            let root = match self.root {
                Some(root) => Some(root),
                // No document at all (empty file, or only comments): an empty plain scalar.
                None => self.alloc(Span::default_at_start(), empty_scalar()).ok(),
            };
            root.map(|root| Document {
                nodes: std::mem::take(&mut self.nodes),
                root,
            })
        } else {
            None
        };
        Outcome {
            document,
            errors: self.errors,
            flow_overflow: self.flow_overflow,
            limit_error: self.limit_error,
            capped: self.capped,
        }
    }

    fn read_events(&mut self) -> Result<(), Stop> {
        let mut parser = Parser::new_from_str(self.text);
        while let Some(item) = parser.next_event() {
            match item {
                Ok((event, span)) => {
                    if self.on_event(event, &span)? {
                        return Ok(());
                    }
                }
                Err(e) => {
                    self.scan_error(&e);
                    return Err(Stop);
                }
            }
        }
        Ok(())
    }

    /// Handles one event; `Ok(true)` at the end of the stream.
    fn on_event(&mut self, event: Event<'_>, span: &saphyr_parser::Span) -> Result<bool, Stop> {
        let at = span_of(span);
        match event {
            Event::StreamEnd => return Ok(true),
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    self.error(
                        YamlError::new(at.start, "a rules file holds one YAML document")
                            .with_help("remove this `---` (or `...`) and what follows, or move it to its own file"),
                    )?;
                    return Err(Stop);
                }
            }
            Event::Alias(_) => {
                self.error(anchor_error(at.start))?;
                // A stand-in value keeps keys and values paired, so later errors still make sense.
                let id = self.alloc(at, empty_scalar())?;
                self.attach(id)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.properties(at.start, anchor, tag.is_some())?;
                let style = match style {
                    SaphyrStyle::Plain => ScalarStyle::Plain,
                    SaphyrStyle::SingleQuoted | SaphyrStyle::DoubleQuoted => ScalarStyle::Quoted,
                    SaphyrStyle::Literal | SaphyrStyle::Folded => ScalarStyle::Block,
                };
                let id = self.alloc(
                    at,
                    NodeKind::Scalar {
                        text: text.into_owned(),
                        style,
                    },
                )?;
                self.attach(id)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.properties(at.start, anchor, tag.is_some())?;
                let (id, flow) = self.open(span, at, NodeKind::Seq(Vec::new()))?;
                self.stack.push(Frame::Seq {
                    id,
                    flow,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.properties(at.start, anchor, tag.is_some())?;
                let (id, flow) = self.open(span, at, NodeKind::Map(Vec::new()))?;
                self.stack.push(Frame::Map {
                    id,
                    flow,
                    entries: Vec::new(),
                    key: None,
                    seen: HashMap::new(),
                });
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(at)?,
        }
        Ok(false)
    }

    fn properties(&mut self, pos: Pos, anchor: usize, tagged: bool) -> Result<(), Stop> {
        if anchor != 0 {
            self.error(anchor_error(pos))?;
        }
        if tagged {
            self.error(
                YamlError::new(pos, "tags are not allowed in rules files")
                    .with_help("remove the `!…` tag; quote the value if it must stay text"),
            )?;
        }
        Ok(())
    }

    /// Starts a collection: depth check, then its node (filled in by `close`).
    fn open(
        &mut self,
        span: &saphyr_parser::Span,
        at: Span,
        kind: NodeKind,
    ) -> Result<(NodeId, bool), Stop> {
        if self.stack.len() + 1 > self.limits.max_depth {
            self.limit_error = true;
            let error = depth_error(at.start, self.limits.max_depth);
            let _ = self.error(error);
            return Err(Stop);
        }
        // A flow collection starts at its bracket; block ones (and `[a: b]` pairs) do not.
        let at_byte = self.chars.byte_of(self.text, span.start.index());
        let flow = self
            .text
            .get(at_byte..)
            .is_some_and(|rest| rest.starts_with(['[', '{']));
        Ok((self.alloc(at, kind)?, flow))
    }

    fn close(&mut self, at: Span) -> Result<(), Stop> {
        let Some(frame) = self.stack.pop() else {
            // saphyr never ends a collection it did not start; nothing to do if it did.
            return Ok(());
        };
        let (id, flow, kind, last) = match frame {
            Frame::Seq { id, flow, items } => {
                let last = items.last().copied();
                (id, flow, NodeKind::Seq(items), last)
            }
            Frame::Map {
                id, flow, entries, ..
            } => {
                let last = entries.last().map(|&(_, v)| v);
                (id, flow, NodeKind::Map(entries), last)
            }
        };
        // A flow collection ends after its bracket; a block one at its last child, not at the
        // next token (which may be lines below, after comments).
        let end = if flow {
            Some(at.end)
        } else {
            last.and_then(|child| self.nodes.get(child.0 as usize))
                .map(|child| child.span.end)
        };
        if let Some(node) = self.nodes.get_mut(id.0 as usize) {
            if let Some(end) = end {
                node.span.end = end;
            }
            node.kind = kind;
        }
        self.attach(id)
    }

    /// Puts a finished node into the collection being built (or makes it the root).
    fn attach(&mut self, id: NodeId) -> Result<(), Stop> {
        let Some(node) = self.nodes.get(id.0 as usize) else {
            return Ok(());
        };
        let mut problem = None;
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(id);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(id),
            Some(Frame::Map {
                entries, key, seen, ..
            }) => match key.take() {
                Some(k) => entries.push((k, id)),
                None => {
                    *key = Some(id);
                    let key_start = node.span.start;
                    match &node.kind {
                        // Only a key's text is kept (values are most of the scalars).
                        NodeKind::Scalar { text, .. } => {
                            if let Some(first) = seen.get(text.as_str()) {
                                problem = Some(
                                    YamlError::new(key_start, format!("duplicate key `{text}`"))
                                        .with_help(format!(
                                            "the first `{text}` is at line {}, column {}; a key may appear only once",
                                            first.line, first.col
                                        )),
                                );
                            } else {
                                seen.insert(text.clone(), key_start);
                            }
                        }
                        kind => {
                            let found = match kind {
                                NodeKind::Seq(_) => "a list",
                                _ => "a mapping",
                            };
                            problem = Some(
                                YamlError::new(
                                    key_start,
                                    format!("a mapping key must be text, found {found}"),
                                )
                                .with_help("write the key as a plain name, like `name:`"),
                            );
                        }
                    }
                }
            },
        }
        match problem {
            Some(error) => self.error(error),
            None => Ok(()),
        }
    }

    fn alloc(&mut self, span: Span, kind: NodeKind) -> Result<NodeId, Stop> {
        if self.nodes.len() >= self.limits.max_nodes {
            self.limit_error = true;
            let _ = self.error(nodes_error(span.start, self.limits.max_nodes));
            return Err(Stop);
        }
        let id = NodeId(u32::try_from(self.nodes.len()).map_err(|_| Stop)?);
        self.nodes.push(Node { span, kind });
        Ok(id)
    }

    fn scan_error(&mut self, e: &ScanError) {
        let pos = marker_pos(e.marker());
        if e.info() == SAPHYR_FLOW_LIMIT_MESSAGE {
            self.flow_overflow = Some(*e.marker());
        }
        // saphyr reports some mistakes where it noticed them, not where they are: a tab in the
        // indentation at the end of the line before, an unclosed bracket lines later. Point at
        // the cause when it is clearly before the place reported.
        if let Some(tab) = indentation_tab(self.text, pos.line.saturating_sub(1)..=pos.line + 1) {
            let _ = self.error(
                YamlError::new(tab, "this line is indented with a tab")
                    .with_help("indent with spaces; YAML does not allow tabs there"),
            );
            return;
        }
        if let Some(open) = scan_flow(self.text, usize::MAX, usize::MAX).unclosed {
            let at = Pos::of_offset(self.text, open);
            if at < pos {
                let bracket = if self.text.as_bytes()[open] == b'[' {
                    "["
                } else {
                    "{"
                };
                let closer = if bracket == "[" { "]" } else { "}" };
                let _ = self.error(
                    YamlError::new(at, format!("this `{bracket}` is never closed")).with_help(
                        format!("close it with `{closer}`, or write one item per line instead"),
                    ),
                );
                return;
            }
        }
        let mut error = YamlError::new(pos, e.info());
        if e.info().contains("tab") {
            error = error.with_help("indent with spaces; YAML does not allow tabs there");
        }
        let _ = self.error(error);
    }

    /// Records an error; stops the pass once there are too many.
    fn error(&mut self, error: YamlError) -> Result<(), Stop> {
        if self.errors.len() >= MAX_ERRORS {
            self.capped = true;
            let pos = error.pos;
            self.errors.push(YamlError::new(
                pos,
                format!("too many errors; stopping after {MAX_ERRORS}"),
            ));
            return Err(Stop);
        }
        self.errors.push(error);
        Ok(())
    }
}

impl Span {
    /// An empty span at 1:1, for the root of an empty file.
    fn default_at_start() -> Span {
        let start = Pos::new(1, 1);
        Span { start, end: start }
    }
}

fn empty_scalar() -> NodeKind {
    NodeKind::Scalar {
        text: String::new(),
        style: ScalarStyle::Plain,
    }
}

fn anchor_error(pos: Pos) -> YamlError {
    YamlError::new(pos, "anchors and aliases are not allowed in rules files")
        .with_help("write the value out in full")
}

/// Converts saphyr's character indexes to byte offsets without walking the whole text each time:
/// ASCII text maps one to one, other text keeps the byte offset of every 64th character.
struct CharIndex {
    ascii: bool,
    every_64th: Vec<usize>,
}

impl CharIndex {
    const STEP: usize = 64;

    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharIndex {
                ascii: true,
                every_64th: Vec::new(),
            };
        }
        let every_64th = text
            .char_indices()
            .step_by(Self::STEP)
            .map(|(offset, _)| offset)
            .collect();
        CharIndex {
            ascii: false,
            every_64th,
        }
    }

    /// The byte offset of character `index` (the text's length past its end).
    fn byte_of(&self, text: &str, index: usize) -> usize {
        if self.ascii {
            return index.min(text.len());
        }
        let Some(&base) = self.every_64th.get(index / Self::STEP) else {
            return text.len();
        };
        text.get(base..)
            .and_then(|rest| rest.char_indices().nth(index % Self::STEP))
            .map_or(text.len(), |(offset, _)| base + offset)
    }
}

/// What the flow scan is inside of.
#[derive(PartialEq)]
enum Mode {
    Plain,
    Single,
    Double,
    Comment,
}

/// The current run of non-blank characters on a line (block context), to tell whether a token
/// may start after it.
#[derive(Default)]
struct Run {
    first: u8,
    last: u8,
    len: usize,
}

impl Run {
    /// Whether a token may start after this run and a blank: after an indicator (`-`, `?`,
    /// `---`), a key (`name:`) or a property (`&a`, `!t`).
    fn allows_token(&self) -> bool {
        matches!(self.first, b'&' | b'!')
            || self.last == b':'
            || (self.len == 1 && matches!(self.first, b'-' | b'?'))
            || (self.len == 3 && self.first == b'-' && self.last == b'-')
    }

    fn push(&mut self, b: u8) {
        if self.len == 0 {
            self.first = b;
        }
        self.last = b;
        self.len += 1;
    }
}

/// The result of the approximate flow scan.
struct FlowScan {
    /// Where to cut the text because a limit is certainly broken before that point (just after
    /// the bracket that opens level `max_depth + 1`, or just before the `,` / `:` that shows more
    /// than `max_nodes` nodes), with the brackets that close every flow collection open there,
    /// innermost first.
    stop: Option<(usize, String)>,
    /// The brackets that close every flow collection open at the end of the text.
    closers: String,
    /// The byte offset of the innermost flow bracket still open at the end of the text.
    unclosed: Option<usize>,
}

/// Follows flow collections (`[…]`, `{…}`) through `text` the way the YAML scanner would, closely
/// enough to bound what saphyr must buffer: it skips quoted scalars and comments, and in block
/// context counts a bracket only where a token starts (line start, after `- `, `? `, `key: `,
/// `--- ` or a property like `&a `). Block scalars are not recognised, so a bracket at the start
/// of a block-scalar line could be miscounted; that can only matter for a file with more than
/// `max_depth` such unbalanced brackets, and the builder then re-checks whatever the scan claims.
/// Stops where flow nesting passes `max_depth`, or where the commas and `:` value indicators seen
/// in flow context reach `max_nodes` (the file then certainly has more than `max_nodes` nodes).
fn scan_flow(text: &str, max_depth: usize, max_nodes: usize) -> FlowScan {
    let bytes = text.as_bytes();
    // Open flow brackets with their byte offsets.
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut stop = None;
    let mut entries = 0usize;
    let mut mode = Mode::Plain;
    let mut prev = b'\n';
    // Block context: whether a token may start at the next non-blank character.
    let mut token_start = true;
    let mut run = Run::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match mode {
            Mode::Comment => {
                if b == b'\n' {
                    mode = Mode::Plain;
                    token_start = true;
                    run = Run::default();
                }
            }
            Mode::Single => {
                if b == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        mode = Mode::Plain;
                        run.push(b);
                    }
                }
            }
            Mode::Double => {
                if b == b'\\' {
                    i += 1;
                } else if b == b'"' {
                    mode = Mode::Plain;
                    run.push(b);
                }
            }
            Mode::Plain => {
                let blank_before = matches!(prev, b' ' | b'\t' | b'\n' | b'\r');
                let in_flow = !stack.is_empty();
                let starts_token = if in_flow {
                    blank_before || matches!(prev, b'[' | b'{' | b',' | b':')
                } else {
                    token_start
                };
                match b {
                    b'\n' => {
                        token_start = true;
                        run = Run::default();
                    }
                    b' ' | b'\t' | b'\r' => {
                        if run.len > 0 {
                            token_start = run.allows_token();
                            run = Run::default();
                        }
                    }
                    b'#' if blank_before => mode = Mode::Comment,
                    b'[' | b'{' if in_flow || starts_token => {
                        stack.push((b, i));
                        if stack.len() > max_depth {
                            // Keep this bracket in the prefix: it is the level that is too deep.
                            stop = Some(i + 1);
                            break;
                        }
                        run.push(b);
                        token_start = false;
                    }
                    // Each comma follows an entry and each value indicator precedes a value, so
                    // their count never exceeds the nodes inside the outermost flow collection.
                    b',' | b':' if in_flow && (b == b',' || is_value_indicator(bytes, i, prev)) => {
                        entries += 1;
                        if entries >= max_nodes {
                            stop = Some(i);
                            break;
                        }
                        run.push(b);
                    }
                    b']' | b'}' if in_flow => {
                        stack.pop();
                        run.push(b);
                        token_start = false;
                    }
                    b'\'' if starts_token => {
                        mode = Mode::Single;
                        token_start = false;
                    }
                    b'"' if starts_token => {
                        mode = Mode::Double;
                        token_start = false;
                    }
                    _ => {
                        run.push(b);
                        token_start = false;
                    }
                }
            }
        }
        prev = b;
        i += 1;
    }
    let closers: String = stack
        .iter()
        .rev()
        .map(|&(open, _)| if open == b'[' { ']' } else { '}' })
        .collect();
    FlowScan {
        stop: stop.map(|at| (at, closers.clone())),
        closers,
        unclosed: stack.last().map(|&(_, at)| at),
    }
}

/// The first tab in the indentation of the lines `lines` (1-based), if any.
fn indentation_tab(text: &str, lines: std::ops::RangeInclusive<u32>) -> Option<Pos> {
    let (first, last) = (*lines.start() as usize, *lines.end() as usize);
    let skip = first.saturating_sub(1);
    text.lines()
        .enumerate()
        .skip(skip)
        .take(last - skip)
        .find_map(|(i, line)| {
            let indent: &str = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            indent
                .chars()
                .position(|c| c == '\t')
                .map(|col| Pos::new(i as u32 + 1, col as u32 + 1))
        })
}

/// Whether the `:` at `i` (in flow context) separates a key from its value: followed by a blank, a
/// flow indicator or the end, or right after a quoted key (`{"a":1}`). Otherwise (`http://x`) it
/// is part of a plain scalar.
fn is_value_indicator(bytes: &[u8], i: usize, prev: u8) -> bool {
    matches!(prev, b'"' | b'\'')
        || bytes.get(i + 1).is_none_or(|next| {
            matches!(
                next,
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick path must settle limit errors by itself, without the full parse behind it.
    fn settled_by_scan(text: &str, limits: &Limits) -> Vec<YamlError> {
        let Some((cut, closers)) = scan_flow(text, limits.max_depth, limits.max_nodes).stop else {
            panic!("the scan saw no limit in {text:.60}")
        };
        let outcome = Builder::new(&closed_prefix(text, cut, &closers), limits).run();
        assert!(outcome.limit_error, "{:?}", outcome.errors);
        outcome.errors
    }

    #[test]
    fn the_scan_cuts_deep_or_big_flow_collections() {
        let limits = Limits::default();
        let deep = "[".repeat(100) + &"a, ".repeat(100_000) + &"]".repeat(100);
        assert_eq!(settled_by_scan(&deep, &limits)[0].pos, Pos::new(1, 65));
        let deep_map = "k:\n  - ".to_string() + &"{a: ".repeat(100);
        assert_eq!(
            settled_by_scan(&deep_map, &limits)[0].pos,
            Pos::new(2, 5 + 62 * 4)
        );
        let small = Limits {
            max_nodes: 10,
            ..Limits::default()
        };
        let big = "x: [".to_string() + &"a, ".repeat(1000) + "]";
        // root, `x`, the list, then 7 items fill 10 nodes: the 8th item is one too many.
        assert_eq!(settled_by_scan(&big, &small)[0].pos, Pos::new(1, 5 + 7 * 3));
        let pairs: String = (b'a'..=b'z')
            .map(|k| format!("{}: v, ", k as char))
            .collect();
        let big_map = "{".to_string() + &pairs + "}";
        // The map and 4 pairs and the 5th key fill 10 nodes: the 5th value is one too many.
        assert_eq!(
            settled_by_scan(&big_map, &small)[0].pos,
            Pos::new(1, 2 + 4 * 6 + 3)
        );
    }

    #[test]
    fn the_scan_leaves_ordinary_files_alone() {
        let limits = Limits::default();
        for text in [
            "a: [1, 2, {b: c}]\nd: \"[[[[\" # [[[[\n",
            "url: http://x.example/a,b\nlist: [http://y.example:80/]\n",
            "k: x[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
        ] {
            assert!(
                scan_flow(text, limits.max_depth, limits.max_nodes)
                    .stop
                    .is_none()
            );
        }
    }
}
