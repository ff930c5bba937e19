//! Conditions: how they are written, and how they are evaluated in three values.
//!
//! Written forms (YAML):
//! - `{ location: colombia }`, `{ nationality: [cuba, haiti] }`: the answer is one of these;
//! - a mapping with several keys: all of them hold;
//! - `{ all: [...] }`, `{ any: [...] }`, `{ not: ... }`;
//! - `{ from: 2024-08-23 }` (the as-of date is on or after) and `{ before: 2024-08-23 }`;
//! - `{ opens: 2023-01-06 }`: like `from`, but before that day the branch it guards is not
//!   false but *upcoming* (a programme that opened on different days for different people);
//! - `{ uncertain: why }` (always unknown: the sources disagree) and
//!   `{ uncertain_from: 2024-11 }` (true before that day, unknown from it).
//!
//! Evaluation is Kleene's three-valued logic: an "I don't know" answer, or a question not yet
//! answered, is unknown; `all` is false as soon as one part is false, `any` true as soon as one
//! part is true. A question that was skipped (its `ask_if` was false) poisons the result unless
//! the result does not depend on it; `check` uses that to prove conditions never read
//! skipped questions.

use std::collections::HashMap;
use std::path::Path;

use crate::date::{Date, Day};
use crate::diag::{Diagnostic, suggest};
use crate::yaml::{Document, NodeId, NodeKind, Span};

use super::model::{ChoiceIdx, Condition, QuestionIdx};

/// Words that cannot be question ids because conditions use them as keys.
pub const RESERVED: [&str; 8] = [
    "all",
    "any",
    "not",
    "from",
    "before",
    "opens",
    "uncertain",
    "uncertain_from",
];

/// A three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tri {
    False,
    Unknown,
    True,
}

/// What is known about one question's answer while evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Answered with this choice; `unknown` is the choice's "I don't know" flag.
    Answered { choice: ChoiceIdx, unknown: bool },
    /// Not answered (yet): could be anything.
    Open,
    /// Not asked on this path.
    Skipped,
}

/// The days a condition is evaluated against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    /// The as-of date, for `from:`, `before:` and `uncertain_from:`.
    pub today: Date,
    /// The day `opens:` compares with: `today` to ask "does it apply now?", a later day to ask
    /// "will it apply once that branch opens?", `Date::MAX` for "once everything has opened".
    pub opened_by: Date,
}

impl At {
    /// Everything as of `today`: an `opens:` not yet reached is false.
    pub fn now(today: Date) -> At {
        At {
            today,
            opened_by: today,
        }
    }

    /// As of `today`, but as if every `opens:` day had come.
    pub fn all_opened(today: Date) -> At {
        At {
            today,
            opened_by: Date::MAX,
        }
    }
}

impl Condition {
    /// Evaluates as of `as_of`. `None` means the result depends on a skipped question.
    pub fn eval(&self, as_of: Date, known: &impl Fn(QuestionIdx) -> Known) -> Option<Tri> {
        self.eval_at(At::now(as_of), known)
    }

    /// Evaluates against `at`. An `opens:` under `not:` is read as of `today` (a negated
    /// opening is just a date), so a later `opened_by` can only make a condition truer.
    pub fn eval_at(&self, at: At, known: &impl Fn(QuestionIdx) -> Known) -> Option<Tri> {
        Some(match self {
            Condition::True => Tri::True,
            Condition::Is {
                question, choices, ..
            } => match known(*question) {
                Known::Answered { choice, unknown } => {
                    if choices.contains(&choice) {
                        Tri::True
                    } else if unknown {
                        Tri::Unknown
                    } else {
                        Tri::False
                    }
                }
                Known::Open => Tri::Unknown,
                Known::Skipped => return None,
            },
            Condition::All(parts) => {
                let mut result = Some(Tri::True);
                for part in parts {
                    match part.eval_at(at, known) {
                        Some(Tri::False) => return Some(Tri::False),
                        None => result = None,
                        Some(Tri::Unknown) if result.is_some() => result = Some(Tri::Unknown),
                        _ => {}
                    }
                }
                return result;
            }
            Condition::Any(parts) => {
                let mut result = Some(Tri::False);
                for part in parts {
                    match part.eval_at(at, known) {
                        Some(Tri::True) => return Some(Tri::True),
                        None => result = None,
                        Some(Tri::Unknown) if result.is_some() => result = Some(Tri::Unknown),
                        _ => {}
                    }
                }
                return result;
            }
            Condition::Not(inner) => match inner.eval_at(At::now(at.today), known)? {
                Tri::True => Tri::False,
                Tri::False => Tri::True,
                Tri::Unknown => Tri::Unknown,
            },
            Condition::From(day) => tri(at.today >= *day),
            Condition::Before(day) => tri(at.today < *day),
            Condition::Opens(day) => tri(at.opened_by >= *day),
            Condition::Uncertain(_) => Tri::Unknown,
            Condition::UncertainFrom(day) if at.today >= *day => Tri::Unknown,
            Condition::UncertainFrom(_) => Tri::True,
        })
    }

    /// The first `opens:` day after `today` on which this condition, false today, would no
    /// longer be false: the day a branch of the programme opens for these answers.
    pub fn opening(&self, today: Date, known: &impl Fn(QuestionIdx) -> Known) -> Option<Date> {
        // A later `opened_by` only makes a condition truer: false with every day come, it
        // opens on none (the common case, decided without listing the days).
        if self
            .eval_at(At::all_opened(today), known)
            .unwrap_or(Tri::Unknown)
            == Tri::False
        {
            return None;
        }
        let mut days = Vec::new();
        self.opens_days(&mut days);
        days.sort_unstable();
        days.dedup();
        days.into_iter().filter(|&d| d > today).find(|&d| {
            let at = At {
                today,
                opened_by: d,
            };
            self.eval_at(at, known).unwrap_or(Tri::Unknown) != Tri::False
        })
    }

    /// Every `opens:` day, outside `not:` (where they count as plain dates).
    pub fn opens_days(&self, out: &mut Vec<Date>) {
        match self {
            Condition::Opens(day) => out.push(*day),
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().for_each(|p| p.opens_days(out))
            }
            _ => {}
        }
    }

    /// Whether some branch opens on a later day than others.
    pub fn has_openings(&self) -> bool {
        // Without collecting the days: `check` asks this for every outcome at every state.
        match self {
            Condition::Opens(_) => true,
            Condition::All(parts) | Condition::Any(parts) => parts.iter().any(Self::has_openings),
            _ => false,
        }
    }
}

fn tri(b: bool) -> Tri {
    if b { Tri::True } else { Tri::False }
}

/// What the condition parser needs to resolve names.
pub struct Names<'a> {
    pub file: &'a Path,
    pub doc: &'a Document,
    /// question id -> (index, its choice ids)
    pub questions: &'a HashMap<String, (QuestionIdx, Vec<String>)>,
    /// question ids in file order, for suggestions
    pub question_order: &'a [String],
    /// ids of questions that failed to load (already reported)
    pub broken: &'a [String],
}

impl Names<'_> {
    fn error(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, span.start, message)
    }

    fn span(&self, node: NodeId) -> Span {
        self.doc.node(node).span
    }

    fn scalar(&self, node: NodeId) -> Option<&str> {
        match &self.doc.node(node).kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Parses a condition, adding every problem to `errors`; returns `None` if any part failed.
    pub fn condition(&self, node: NodeId, errors: &mut Vec<Diagnostic>) -> Option<Condition> {
        match &self.doc.node(node).kind {
            NodeKind::Map(entries) if !entries.is_empty() => {
                let mut parts = Vec::with_capacity(entries.len());
                let mut ok = true;
                for &(key, value) in entries {
                    match self.entry(key, value, errors) {
                        Some(c) => parts.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Some(if parts.len() == 1 {
                    parts.pop().unwrap_or(Condition::True)
                } else {
                    Condition::All(parts)
                })
            }
            NodeKind::Map(_) => {
                errors.push(self.error(self.span(node), "empty condition").with_help(
                    "write a condition such as `{ location: colombia }`, or remove the field",
                ));
                None
            }
            NodeKind::Seq(_) => {
                errors.push(
                    self.error(self.span(node), "a list is not a condition")
                        .with_help("write `all: [...]` if every item must hold, or `any: [...]` if one is enough"),
                );
                None
            }
            NodeKind::Scalar { text, .. } => {
                errors.push(
                    self.error(self.span(node), format!("`{text}` is not a condition"))
                        .with_help("a condition is a mapping such as `{ location: colombia }`"),
                );
                None
            }
        }
    }

    fn entry(&self, key: NodeId, value: NodeId, errors: &mut Vec<Diagnostic>) -> Option<Condition> {
        let name = self.scalar(key).unwrap_or_default();
        match name {
            "all" | "any" => {
                let NodeKind::Seq(items) = &self.doc.node(value).kind else {
                    errors.push(
                        self.error(
                            self.span(value),
                            format!("`{name}` takes a list of conditions"),
                        )
                        .with_help(format!("write `{name}: [ {{ a: x }}, {{ b: y }} ]`")),
                    );
                    return None;
                };
                if items.is_empty() {
                    errors
                        .push(self.error(self.span(value), format!("`{name}` has no conditions")));
                    return None;
                }
                let mut parts = Vec::with_capacity(items.len());
                let mut ok = true;
                for &item in items {
                    match self.condition(item, errors) {
                        Some(c) => parts.push(c),
                        None => ok = false,
                    }
                }
                ok.then(|| {
                    if name == "all" {
                        Condition::All(parts)
                    } else {
                        Condition::Any(parts)
                    }
                })
            }
            "not" => self
                .condition(value, errors)
                .map(|c| Condition::Not(Box::new(c))),
            "from" | "before" | "opens" => {
                let Some(text) = self.scalar(value).filter(|t| !t.trim().is_empty()) else {
                    errors.push(
                        self.error(self.span(value), format!("`{name}` takes a date"))
                            .with_help(format!("write it as `{name}: 2024-08-23`")),
                    );
                    return None;
                };
                match text.parse::<Date>() {
                    Ok(day) if name == "from" => Some(Condition::From(day)),
                    Ok(day) if name == "opens" => Some(Condition::Opens(day)),
                    Ok(day) => Some(Condition::Before(day)),
                    Err(e) => {
                        errors.push(self.error(self.span(value), e.to_string()));
                        None
                    }
                }
            }
            "uncertain" => match self.scalar(value).map(str::trim) {
                Some(why) if !why.is_empty() => Some(Condition::Uncertain(why.to_string())),
                _ => {
                    errors.push(
                        self.error(self.span(value), "`uncertain` takes a short reason")
                            .with_help("say what the sources disagree on, e.g. `uncertain: the office did not say whether refugees count`"),
                    );
                    None
                }
            },
            "uncertain_from" => {
                let Some(text) = self.scalar(value).filter(|t| !t.trim().is_empty()) else {
                    errors.push(
                        self.error(self.span(value), "`uncertain_from` takes a date")
                            .with_help("write it as `uncertain_from: 2024-11-01`, or `2024-11` for a month"),
                    );
                    return None;
                };
                match text.parse::<Day>() {
                    // A month alone: unknown from its first day, so nothing is promised in it.
                    Ok(day) => Some(Condition::UncertainFrom(day.earliest())),
                    Err(e) => {
                        let message = if text.len() == 10 {
                            e.to_string()
                        } else {
                            format!(
                                "`{text}` is not a date; write YYYY-MM-DD, or YYYY-MM when the sources give only the month"
                            )
                        };
                        errors.push(self.error(self.span(value), message));
                        None
                    }
                }
            }
            question => self.answer_is(key, question, value, errors),
        }
    }

    fn answer_is(
        &self,
        key: NodeId,
        question: &str,
        value: NodeId,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<Condition> {
        let span = self.span(key);
        let Some((index, choice_ids)) = self.questions.get(question) else {
            if self.broken.iter().any(|b| b == question) {
                return None;
            }
            let mut d = self.error(span, format!("unknown question `{question}`"));
            let names = self
                .question_order
                .iter()
                .map(String::as_str)
                .chain(RESERVED);
            if let Some(help) = suggest(question, names) {
                d = d.with_help(help);
            }
            errors.push(d);
            return None;
        };
        let items: Vec<NodeId> = match &self.doc.node(value).kind {
            NodeKind::Seq(items) => items.clone(),
            NodeKind::Scalar { .. } => vec![value],
            NodeKind::Map(_) => {
                errors.push(
                    self.error(
                        self.span(value),
                        format!("`{question}` takes a choice or a list of choices"),
                    )
                    .with_help(format!(
                        "write `{question}: a_choice` or `{question}: [one, another]`"
                    )),
                );
                return None;
            }
        };
        if items.is_empty() {
            errors.push(self.error(
                self.span(value),
                format!("no choices listed for `{question}`"),
            ));
            return None;
        }
        let mut choices = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            let Some(text) = self.scalar(item) else {
                errors.push(self.error(self.span(item), "expected a choice id"));
                ok = false;
                continue;
            };
            match choice_ids.iter().position(|c| c == text) {
                Some(c) => {
                    let c = c as ChoiceIdx;
                    if choices.contains(&c) {
                        errors.push(
                            self.error(self.span(item), format!("choice `{text}` is listed twice")),
                        );
                        ok = false;
                    }
                    choices.push(c);
                }
                None => {
                    let mut d = self.error(
                        self.span(item),
                        format!("question `{question}` has no choice `{text}`"),
                    );
                    d = d.with_help(
                        suggest(text, choice_ids.iter().map(String::as_str)).unwrap_or_else(|| {
                            format!(
                                "its choices are {}",
                                choice_ids
                                    .iter()
                                    .map(|c| format!("`{c}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }),
                    );
                    errors.push(d);
                    ok = false;
                }
            }
        }
        ok.then_some(Condition::Is {
            question: *index,
            choices,
            span,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn is(q: QuestionIdx, c: &[ChoiceIdx]) -> Condition {
        Condition::Is {
            question: q,
            choices: c.to_vec(),
            span: Span::default(),
        }
    }

    #[test]
    fn three_valued_answers() {
        let today = day("2023-11-01");
        let answered = |choice, unknown| move |_| Known::Answered { choice, unknown };
        assert_eq!(
            is(0, &[1]).eval(today, &answered(1, false)),
            Some(Tri::True)
        );
        assert_eq!(
            is(0, &[1]).eval(today, &answered(2, false)),
            Some(Tri::False)
        );
        assert_eq!(
            is(0, &[1]).eval(today, &answered(2, true)),
            Some(Tri::Unknown)
        );
        // Naming the "I don't know" choice itself is a definite test.
        assert_eq!(is(0, &[2]).eval(today, &answered(2, true)), Some(Tri::True));
        assert_eq!(
            is(0, &[1]).eval(today, &|_| Known::Open),
            Some(Tri::Unknown)
        );
        assert_eq!(is(0, &[1]).eval(today, &|_| Known::Skipped), None);
    }

    #[test]
    fn kleene_connectives_short_circuit_over_skipped_questions() {
        let today = day("2023-11-01");
        // q0 answered 0, q1 skipped.
        let known = |q| {
            if q == 0 {
                Known::Answered {
                    choice: 0,
                    unknown: false,
                }
            } else {
                Known::Skipped
            }
        };
        let all = Condition::All(vec![is(0, &[1]), is(1, &[0])]);
        assert_eq!(all.eval(today, &known), Some(Tri::False));
        let all = Condition::All(vec![is(0, &[0]), is(1, &[0])]);
        assert_eq!(all.eval(today, &known), None);
        let any = Condition::Any(vec![is(1, &[0]), is(0, &[0])]);
        assert_eq!(any.eval(today, &known), Some(Tri::True));
        let not = Condition::Not(Box::new(is(0, &[0])));
        assert_eq!(not.eval(today, &known), Some(Tri::False));
        let unknown_and_false =
            Condition::All(vec![is(0, &[0]), Condition::Before(day("2020-01-01"))]);
        assert_eq!(
            unknown_and_false.eval(today, &|_| Known::Open),
            Some(Tri::False)
        );
    }

    #[test]
    fn uncertain_criteria_are_unknown_never_true() {
        let open = |_| Known::Open;
        let why = Condition::Uncertain("sources disagree".into());
        assert_eq!(why.eval(day("2023-11-01"), &open), Some(Tri::Unknown));
        // Unknown and false is false: an uncertain criterion never rescues a failed one.
        let and_false = Condition::All(vec![why.clone(), Condition::Before(day("2020-01-01"))]);
        assert_eq!(and_false.eval(day("2023-11-01"), &open), Some(Tri::False));
        let from = Condition::UncertainFrom(day("2024-11-01"));
        assert_eq!(from.eval(day("2024-10-31"), &open), Some(Tri::True));
        assert_eq!(from.eval(day("2024-11-01"), &open), Some(Tri::Unknown));
    }

    #[test]
    fn dated_conditions_are_inclusive_from_and_exclusive_before() {
        let from = Condition::From(day("2024-08-23"));
        let before = Condition::Before(day("2024-08-23"));
        let open = |_| Known::Open;
        assert_eq!(from.eval(day("2024-08-22"), &open), Some(Tri::False));
        assert_eq!(from.eval(day("2024-08-23"), &open), Some(Tri::True));
        assert_eq!(before.eval(day("2024-08-22"), &open), Some(Tri::True));
        assert_eq!(before.eval(day("2024-08-23"), &open), Some(Tri::False));
    }
}
