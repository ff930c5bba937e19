//! Phase 2 of loading: from the YAML tree to checked `Rules`, collecting every problem.
//!
//! Contract: `resolve` never stops at the first problem. Each question, choice, outcome and
//! condition is deserialized on its own, so a broken one does not hide the next. It returns
//! `Rules` only when there is no error; flow analysis (`analysis.rs`) runs afterwards.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::date::Date;
use crate::diag::{Diagnostic, suggest};
use crate::i18n::ArgValue;
use crate::yaml::{self, Document, NodeId, NodeKind, NodeRef, ScalarStyle, Span, Spanned};

use super::compiled::Compiled;
use super::condition::{Names, RESERVED};
use super::model::{
    Choice, Condition, Link, MAX_DIMENSIONS, Outcome, Question, QuestionIdx, Report, Rules,
    RulesSpans, Source, Window,
};
use super::raw::{RawChoice, RawOutcome, RawQuestion, RawReport, RawRules, RawSource};

/// Most choices one question may have: more buttons than this do not fit a phone screen.
pub const MAX_CHOICES: usize = 12;
/// Most questions and outcomes a file may have (indices are 16-bit).
pub const MAX_ITEMS: usize = 60_000;

struct Resolver<'a> {
    file: &'a Path,
    doc: &'a Document,
    errors: Vec<Diagnostic>,
}

/// Parses and resolves a rules file. `Err` holds every error (and any warnings found on the
/// way); `Ok` holds the rules and the warnings.
pub fn resolve(file: &Path, bytes: &[u8]) -> Result<Rules, Vec<Diagnostic>> {
    let doc = yaml::parse_bytes(bytes, &yaml::Limits::default()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| yaml_diagnostic(file, e))
            .collect::<Vec<_>>()
    })?;
    let mut r = Resolver {
        file,
        doc: &doc,
        errors: Vec::new(),
    };
    let rules = r.top_level().and_then(|raw| r.rules(raw));
    if r.errors.is_empty() {
        rules.ok_or_else(Vec::new)
    } else {
        Err(r.errors)
    }
}

/// A YAML-layer error as a diagnostic of `file`.
pub fn yaml_diagnostic(file: &Path, e: yaml::YamlError) -> Diagnostic {
    let d = Diagnostic::error(file, e.pos, e.message);
    match e.help {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// Rule ids are lowercase ASCII words joined by underscores: they appear in message ids,
/// button data and statistics, and must be easy to type.
fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && id.len() <= 40
}

impl Resolver<'_> {
    fn error(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.errors
            .push(Diagnostic::error(self.file, span.start, message));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn part<T: serde::de::DeserializeOwned>(&mut self, node: NodeId) -> Option<T> {
        match yaml::from_node(self.doc, node) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(yaml_diagnostic(self.file, e));
                None
            }
        }
    }

    fn check_id(&mut self, what: &str, id: &Spanned<String>) {
        self.check_id_at(what, &id.value, id.span);
    }

    fn check_id_at(&mut self, what: &str, id: &str, span: Span) {
        if !valid_id(id) {
            self.error(span, format!("{what} id `{id}` is not a valid id"))
                .help = Some(
                "use lowercase letters, digits and `_`, starting with a letter, at most 40 characters"
                    .into(),
            );
        }
    }

    /// The top-level fields, each deserialized on its own so that one bad field does not hide
    /// the problems of the others.
    fn top_level(&mut self) -> Option<RawRules> {
        let root = self.doc.root();
        let root_span = self.doc.node(root).span;
        let entries = match &self.doc.node(root).kind {
            NodeKind::Map(entries) => entries.clone(),
            NodeKind::Scalar { text, .. } if text.trim().is_empty() => {
                self.error(root_span, "the file is empty").help =
                    Some("a rules file starts with `rumbo: 1`; see docs/rules.md".into());
                return None;
            }
            _ => {
                self.error(root_span, "a rules file is a mapping of fields")
                    .help = Some(
                    "it starts with `rumbo: 1`, then `id:`, `reviewed:`, `questions:`, `outcomes:`"
                        .into(),
                );
                return None;
            }
        };
        let mut rumbo = None;
        let mut id = None;
        let mut reviewed = None;
        let mut review_every_days = None;
        let mut default_locale = None;
        let mut sources = None;
        let mut links = None;
        let mut questions = None;
        let mut outcomes = None;
        let mut fallback = None;
        let mut report = None;
        let mut seen = Vec::new();
        for (key, value) in entries {
            let name = self.doc.text(key).unwrap_or_default().to_string();
            seen.push(name.clone());
            match name.as_str() {
                "rumbo" => rumbo = self.part(value),
                "id" => id = self.part(value),
                "reviewed" => reviewed = self.part(value),
                "review_every_days" => review_every_days = self.part(value),
                "default_locale" => default_locale = self.part(value),
                "sources" => sources = self.part(value),
                "links" => links = self.part(value),
                "questions" => questions = self.part(value),
                "outcomes" => outcomes = self.part(value),
                "fallback" => fallback = self.part(value),
                "report" => report = self.part(value),
                _ => {
                    let span = self.doc.node(key).span;
                    let help =
                        suggest(&name, RawRules::FIELDS.iter().copied()).unwrap_or_else(|| {
                            let all: Vec<String> =
                                RawRules::FIELDS.iter().map(|f| format!("`{f}`")).collect();
                            format!("expected one of {}", all.join(", "))
                        });
                    self.error(span, format!("unknown field `{name}`")).help = Some(help);
                }
            }
        }
        // A field that is written but broken is reported where it is, not as missing.
        let mut missing = |field: &str| {
            if !seen.iter().any(|s| s == field) {
                self.error(root_span, format!("missing field `{field}`"))
                    .help = Some("see the example at the top of docs/rules.md".into());
            }
        };
        missing("rumbo");
        missing("id");
        missing("reviewed");
        missing("questions");
        missing("outcomes");
        // A bad or missing header field is already reported; stand-ins let the questions and
        // outcomes be checked too (the file is not served either way).
        let stand_in_day = Date::new(2000, 1, 1).unwrap_or_else(|| Date::from_days_since_epoch(0));
        Some(RawRules {
            rumbo: rumbo.unwrap_or_else(|| Spanned::new(root_span, 1)),
            id: id.unwrap_or_else(|| Spanned::new(root_span, "rules".into())),
            reviewed: reviewed.unwrap_or_else(|| Spanned::new(root_span, stand_in_day)),
            review_every_days,
            default_locale,
            sources: sources.unwrap_or_default(),
            links: links.unwrap_or_default(),
            questions: questions?,
            outcomes: outcomes?,
            fallback,
            report,
        })
    }

    fn rules(&mut self, raw: RawRules) -> Option<Rules> {
        if *raw.rumbo != 1 {
            self.error(
                raw.rumbo.span,
                format!("unknown format version `{}`", raw.rumbo.value),
            )
            .help = Some("this version of rumbo reads `rumbo: 1`".into());
        }
        self.check_id("file", &raw.id);
        if let Some(days) = &raw.review_every_days
            && days.value == 0
        {
            self.error(days.span, "`review_every_days` must be at least 1");
        }

        let sources = self.sources(&raw.sources);
        let links = self.links(&raw.links);
        // Tags as written, even of sources that failed to parse, so a reference to a broken
        // source is not also reported as unknown.
        let source_tags: Vec<String> = raw.sources.keys().map(|t| t.value.clone()).collect();
        let link_ids: Vec<String> = links.iter().map(|l| l.id.clone()).collect();

        // Questions: first their ids and choices, so conditions can refer to any of them.
        let mut raw_questions = Vec::new();
        if raw.questions.is_empty() {
            self.error(raw.questions.span, "no questions").help =
                Some("a rules file asks at least one question".into());
        }
        if raw.questions.len() > MAX_ITEMS {
            self.error(
                raw.questions.span,
                format!("more than {MAX_ITEMS} questions"),
            );
            return None;
        }
        let mut broken = Vec::new();
        for node in raw.questions.iter() {
            match self.part::<RawQuestion>(node.id) {
                Some(q) => {
                    let choices = self.choices(&q);
                    raw_questions.push((q, choices));
                }
                // Its problem is reported; references to it should not be reported again.
                None => broken.extend(
                    self.doc
                        .get(node.id, "id")
                        .and_then(|id| self.doc.text(id))
                        .map(str::to_string),
                ),
            }
        }
        let mut by_id: HashMap<String, (QuestionIdx, Vec<String>)> = HashMap::new();
        let mut first_span: HashMap<String, Span> = HashMap::new();
        let mut order = Vec::new();
        for (i, (q, choices)) in raw_questions.iter().enumerate() {
            self.check_id("question", &q.id);
            if RESERVED.contains(&q.id.as_str()) {
                self.error(
                    q.id.span,
                    format!("`{}` cannot be a question id", q.id.value),
                )
                .help = Some(format!(
                    "conditions use {} as keywords; pick another id",
                    RESERVED.map(|w| format!("`{w}`")).join(", ")
                ));
            }
            if let Some(first) = first_span.get(&q.id.value) {
                let help = format!(
                    "the first is at line {}, column {}",
                    first.start.line, first.start.col
                );
                self.error(q.id.span, format!("duplicate question `{}`", q.id.value))
                    .help = Some(help);
                continue;
            }
            first_span.insert(q.id.value.clone(), q.id.span);
            order.push(q.id.value.clone());
            let ids = choices.iter().map(|c| c.id.clone()).collect();
            by_id.insert(q.id.value.clone(), (i as QuestionIdx, ids));
        }

        let names = Names {
            file: self.file,
            doc: self.doc,
            questions: &by_id,
            question_order: &order,
            broken: &broken,
        };
        let mut questions = Vec::with_capacity(raw_questions.len());
        for (q, choices) in raw_questions {
            let ask_if = match q.ask_if {
                Some(node) => names
                    .condition(node.id, &mut self.errors)
                    .unwrap_or(Condition::True),
                None => Condition::True,
            };
            questions.push(Question {
                id: q.id.value,
                span: q.id.span,
                choices,
                ask_if,
                count_choices: q.count_choices.unwrap_or(true),
            });
        }

        let mut outcomes = Vec::new();
        let mut outcome_spans: HashMap<String, Span> = HashMap::new();
        if raw.outcomes.len() > MAX_ITEMS {
            self.error(raw.outcomes.span, format!("more than {MAX_ITEMS} outcomes"));
            return None;
        }
        let fallback_node = raw.fallback;
        let nodes = raw
            .outcomes
            .iter()
            .map(|n| (n.id, false))
            .chain(fallback_node.map(|n| (n.id, true)));
        for (node, is_fallback) in nodes {
            let Some(o) = self.part::<RawOutcome>(node) else {
                continue;
            };
            self.check_id("outcome", &o.id);
            if let Some(first) = outcome_spans.get(&o.id.value) {
                let help = format!(
                    "the first is at line {}, column {}",
                    first.start.line, first.start.col
                );
                self.error(o.id.span, format!("duplicate outcome `{}`", o.id.value))
                    .help = Some(help);
                continue;
            }
            outcome_spans.insert(o.id.value.clone(), o.id.span);
            let when = match (o.when, is_fallback) {
                (Some(node), false) => names
                    .condition(node.id, &mut self.errors)
                    .unwrap_or(Condition::True),
                (None, false) => {
                    self.error(o.id.span, format!("outcome `{}` has no `when`", o.id.value))
                        .help = Some("say when it applies, or make it the `fallback`".into());
                    Condition::True
                }
                (Some(node), true) => {
                    self.error(node.span, "the fallback takes no `when`").help =
                        Some("it is shown when no other outcome is open or may apply".into());
                    Condition::True
                }
                (None, true) => Condition::True,
            };
            if is_fallback && o.stop {
                self.error(o.id.span, "the fallback cannot `stop`");
            }
            let window = self.window(o.window.as_ref());
            let sources = self.references("source", &o.sources, &source_tags);
            let links = self.references("link", &o.links, &link_ids);
            outcomes.push(Outcome {
                id: o.id.value,
                span: o.id.span,
                when,
                stop: o.stop,
                window,
                sources,
                links,
                is_fallback,
            });
        }
        if raw.outcomes.is_empty() {
            self.error(raw.outcomes.span, "no outcomes").help =
                Some("list at least one outcome with its `when`".into());
        }
        let report = self.report(raw.report.as_ref(), &questions);
        let fallback = outcomes
            .iter()
            .position(|o| o.is_fallback)
            .map(|i| i as u16);
        let default_locale_span = raw
            .default_locale
            .as_ref()
            .map_or(raw.reviewed.span, |l| l.span);
        let default_locale = raw
            .default_locale
            .map_or_else(|| "es".to_string(), |l| l.value);

        let compiled = Compiled::new(&questions, &outcomes);
        Some(Rules {
            id: raw.id.value,
            version: String::new(),
            reviewed: raw.reviewed.value,
            review_every_days: raw.review_every_days.map(|d| d.value),
            default_locale,
            questions,
            outcomes,
            fallback,
            sources,
            links,
            report,
            spans: RulesSpans {
                reviewed: raw.reviewed.span,
                default_locale: default_locale_span,
                questions: raw.questions.span,
                outcomes: raw.outcomes.span,
            },
            compiled,
        })
    }

    fn choices(&mut self, q: &RawQuestion) -> Vec<Choice> {
        let mut choices: Vec<Choice> = Vec::with_capacity(q.choices.len());
        for node in q.choices.iter() {
            let choice = match &self.doc.node(node.id).kind {
                NodeKind::Scalar { .. } => self.part::<Spanned<String>>(node.id).map(|id| Choice {
                    id: id.value,
                    span: id.span,
                    unknown: false,
                    args: Vec::new(),
                }),
                _ => self.part::<RawChoice>(node.id).map(|c| {
                    let args = self.args(&c.args);
                    Choice {
                        id: c.id.value,
                        span: c.id.span,
                        unknown: c.unknown,
                        args,
                    }
                }),
            };
            let Some(choice) = choice else { continue };
            self.check_id_at("choice", &choice.id, choice.span);
            if let Some(first) = choices.iter().find(|c| c.id == choice.id) {
                let help = format!(
                    "the first is at line {}, column {}",
                    first.span.start.line, first.span.start.col
                );
                self.error(
                    choice.span,
                    format!(
                        "duplicate choice `{}` in question `{}`",
                        choice.id, q.id.value
                    ),
                )
                .help = Some(help);
                continue;
            }
            choices.push(choice);
        }
        if q.choices.len() < 2 {
            self.error(
                q.choices.span,
                format!("question `{}` needs at least two choices", q.id.value),
            );
        } else if q.choices.len() > MAX_CHOICES {
            self.error(
                q.choices.span,
                format!(
                    "question `{}` has {} choices; at most {MAX_CHOICES} fit a phone screen",
                    q.id.value,
                    q.choices.len()
                ),
            )
            .help = Some("split it into two questions".into());
        }
        choices
    }

    /// Choice arguments: a date (`2023-10-18`) is shown in words per language, a whole number
    /// as a number, anything else as written (phone numbers, codes; never prose, which
    /// belongs in the locales).
    fn args(&mut self, raw: &BTreeMap<Spanned<String>, NodeRef>) -> Vec<(String, ArgValue)> {
        let mut args = Vec::with_capacity(raw.len());
        for (name, node) in raw {
            if !valid_id(name) {
                self.error(
                    name.span,
                    format!("argument name `{}` is not a valid id", name.value),
                )
                .help =
                    Some("use lowercase letters, digits and `_`, as Fluent variables do".into());
            }
            let value = match &self.doc.node(node.id).kind {
                NodeKind::Scalar { text, style } => {
                    if let Ok(date) = text.parse::<Date>() {
                        ArgValue::Date(date)
                    } else if let (ScalarStyle::Plain, Ok(n)) = (style, text.parse::<i64>()) {
                        ArgValue::Number(n)
                    } else {
                        ArgValue::Text(text.clone())
                    }
                }
                _ => {
                    self.error(
                        node.span,
                        format!("argument `{}` must be a single value", name.value),
                    );
                    continue;
                }
            };
            args.push((name.value.clone(), value));
        }
        args
    }

    fn window(&mut self, raw: Option<&Spanned<super::raw::RawWindow>>) -> Window {
        let Some(raw) = raw else {
            return Window::default();
        };
        let window = Window {
            opens: raw.opens.as_ref().map(|d| d.value),
            closes: raw.closes.as_ref().map(|d| d.value),
        };
        if let (Some(opens), Some(closes)) = (window.opens, window.closes)
            && closes.earliest() <= opens.surely_after()
        {
            let span = raw.closes.as_ref().map_or(raw.span, |c| c.span);
            self.error(span, format!("the window closes ({closes}) before it opens ({opens})"))
                .help = Some("`closes` is the first day the programme no longer took applications; a month alone counts from its first day, and `opens` from the next month".into());
        }
        window
    }

    /// The `report:` block: dimensions are questions that count per choice, at most two and
    /// each once; sources are deep-link codes as Telegram allows them.
    fn report(&mut self, raw: Option<&Spanned<RawReport>>, questions: &[Question]) -> Report {
        let mut report = Report::default();
        let Some(raw) = raw else { return report };
        if raw.dimensions.len() > MAX_DIMENSIONS {
            self.error(
                raw.dimensions[MAX_DIMENSIONS].span,
                format!("at most {MAX_DIMENSIONS} report dimensions"),
            )
            .help = Some(
                "every combination of answers is a counter of its own; with more questions the \
                 counts get too small to print and easier to tie to a person"
                    .into(),
            );
        }
        for d in raw.dimensions.iter() {
            let Some(i) = questions.iter().position(|q| q.id == d.value) else {
                let help = suggest(&d.value, questions.iter().map(|q| q.id.as_str()))
                    .unwrap_or_else(|| "a dimension is the id of a question".into());
                self.error(d.span, format!("unknown question `{}`", d.value))
                    .help = Some(help);
                continue;
            };
            let i = i as QuestionIdx;
            if report.dimensions.contains(&i) {
                self.error(d.span, format!("`{}` is already a dimension", d.value));
                continue;
            }
            if !questions[usize::from(i)].count_choices {
                self.error(
                    d.span,
                    format!("question `{}` opts out of counting its choices", d.value),
                )
                .help = Some(
                    "its answers are not counted, so results cannot be broken down by them; \
                     remove `count_choices: false` or choose another question"
                        .into(),
                );
                continue;
            }
            report.dimensions.push(i);
        }
        report.dimensions.truncate(MAX_DIMENSIONS);
        for code in &raw.sources {
            let valid = !code.is_empty()
                && code.len() <= 64
                && code.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !valid {
                self.error(
                    code.span,
                    format!("`{}` is not a deep-link code", code.value),
                )
                .help = Some(
                    "use lowercase letters, digits, `_` and `-`, at most 64 characters, as in \
                     t.me/<bot>?start=flyer_bogota"
                        .into(),
                );
            } else if report.sources.contains(&code.value) {
                self.error(
                    code.span,
                    format!("source code `{}` is listed twice", code.value),
                );
            } else if matches!(code.value.as_str(), "none" | "other") {
                self.error(code.span, format!("`{}` is reserved", code.value))
                    .help = Some(
                    "`none` counts sessions started without a code and `other` unknown codes"
                        .into(),
                );
            } else {
                report.sources.push(code.value.clone());
            }
        }
        report
    }

    fn references(&mut self, what: &str, refs: &[Spanned<String>], known: &[String]) -> Vec<usize> {
        let mut out = Vec::with_capacity(refs.len());
        for r in refs {
            match known.iter().position(|k| *k == r.value) {
                Some(i) => out.push(i),
                None => {
                    let help =
                        suggest(&r.value, known.iter().map(String::as_str)).unwrap_or_else(|| {
                            format!("add it under `{what}s:` at the top of the file")
                        });
                    self.error(r.span, format!("unknown {what} `{}`", r.value))
                        .help = Some(help);
                }
            }
        }
        out
    }

    fn sources(&mut self, raw: &BTreeMap<Spanned<String>, NodeRef>) -> Vec<Source> {
        let mut sources = Vec::with_capacity(raw.len());
        for (tag, node) in raw {
            let valid = !tag.is_empty()
                && tag.len() <= 40
                && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                self.error(
                    tag.span,
                    format!("source tag `{}` is not a valid tag", tag.value),
                )
                .help = Some(
                    "use letters, digits and `_`, at most 40 characters, such as `s14`".into(),
                );
            }
            let Some(s) = self.part::<RawSource>(node.id) else {
                continue;
            };
            self.check_url(&s.url);
            sources.push(Source {
                tag: tag.value.clone(),
                span: tag.span,
                kind: s.kind.map(|k| k.value),
                url: s.url.value,
                title: s.title,
                published: s.published.map(|d| d.value),
                read: s.read.map(|d| d.value),
            });
        }
        sources
    }

    fn links(&mut self, raw: &BTreeMap<Spanned<String>, Spanned<String>>) -> Vec<Link> {
        let mut links = Vec::with_capacity(raw.len());
        for (id, url) in raw {
            self.check_id("link", id);
            self.check_url(url);
            links.push(Link {
                id: id.value.clone(),
                span: id.span,
                url: url.value.clone(),
            });
        }
        links
    }

    /// Telegram only accepts http(s) URL buttons; we ask for https so links cannot be altered
    /// on the way.
    fn check_url(&mut self, url: &Spanned<String>) {
        let rest = url.strip_prefix("https://").unwrap_or_default();
        if rest.is_empty() || rest.starts_with('/') || url.chars().any(char::is_whitespace) {
            self.error(url.span, format!("`{}` is not an https URL", url.value))
                .help = Some("write the full address, starting with https://".into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_words() {
        for good in ["a", "location", "smo_costa_rica", "q2"] {
            assert!(valid_id(good), "{good}");
        }
        for bad in [
            "",
            "2q",
            "Location",
            "costa-rica",
            "año",
            "_x",
            &"a".repeat(41),
        ] {
            assert!(!valid_id(bad), "{bad}");
        }
    }
}
