//! `rumbo test`: scenario files, answers in and expected outcomes out.
//!
//! The file format is a contract that NGOs and other tools write (docs/rules.md, "Scenario
//! tests"):
//!
//! ```yaml
//! as_of: 2023-11-01        # optional, default today
//! locale: es               # optional; every case is also rendered in it (all locales if omitted)
//! cases:
//!   - name: Venezuelan in Colombia before the cutoff
//!     answers: { age: adult, location: colombia, nationality: venezuela,
//!                arrived_by_cutoff: "yes", host_status: regular }
//!     expect:
//!       open: [smo_colombia]   # each list compared as a set; an omitted list must be empty
//!       asked: [age, location, nationality, arrived_by_cutoff, host_status]  # optional: exact order
//! ```
//!
//! A case drives the real engine from the first question, answering each question asked from
//! `answers`, confirming the review screen, and compares the result. Every screen is rendered
//! in the case's locales, so a missing message fails a test, not a migrant.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::check::RuleSet;
use crate::date::Date;
use crate::diag::{Diagnostic, Pos, suggest};
use crate::engine::{self, Input, Reply, Status};
use crate::render::Renderer;
use crate::rules::resolve::yaml_diagnostic;
use crate::yaml::{self, NodeRef, Spanned};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    as_of: Option<Date>,
    locale: Option<Spanned<String>>,
    cases: Vec<NodeRef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: Spanned<String>,
    #[serde(default)]
    answers: BTreeMap<Spanned<String>, Spanned<String>>,
    expect: RawExpect,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    open: Option<Vec<Spanned<String>>>,
    maybe: Option<Vec<Spanned<String>>>,
    upcoming: Option<Vec<Spanned<String>>>,
    closed: Option<Vec<Spanned<String>>>,
    asked: Option<Vec<Spanned<String>>>,
}

/// One scenario file.
#[derive(Debug)]
pub struct Suite {
    pub path: PathBuf,
    pub as_of: Date,
    /// Locales to render in; empty means every locale.
    pub locale: Option<String>,
    pub cases: Vec<Case>,
}

/// One case of a scenario file.
#[derive(Debug)]
pub struct Case {
    pub name: String,
    pub pos: Pos,
    answers: BTreeMap<Spanned<String>, Spanned<String>>,
    expect: RawExpect,
}

/// The outcome of one case.
#[derive(Debug)]
pub struct CaseResult {
    pub problems: Vec<String>,
    /// Answers the case gave to questions that were never asked.
    pub unasked: Vec<String>,
    /// The answers given, in asking order, and the result (for `rumbo test --coverage`).
    pub path: Vec<(crate::rules::QuestionIdx, crate::rules::ChoiceIdx)>,
    pub verdict: Option<engine::Verdict>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Reads a scenario file; `today` is the default as-of date.
pub fn parse(path: &Path, bytes: &[u8], today: Date) -> Result<Suite, Vec<Diagnostic>> {
    let doc = yaml::parse_bytes(bytes, &yaml::Limits::default()).map_err(|errors| {
        errors
            .into_iter()
            .map(|e| yaml_diagnostic(path, e))
            .collect::<Vec<_>>()
    })?;
    let raw: RawSuite =
        yaml::from_node(&doc, doc.root()).map_err(|e| vec![yaml_diagnostic(path, e)])?;
    let mut errors = Vec::new();
    let mut cases = Vec::with_capacity(raw.cases.len());
    for node in raw.cases {
        match yaml::from_node::<RawCase>(&doc, node.id) {
            Ok(c) => cases.push(Case {
                name: c.name.value,
                pos: c.name.span.start,
                answers: c.answers,
                expect: c.expect,
            }),
            Err(e) => errors.push(yaml_diagnostic(path, e)),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Suite {
        path: path.to_path_buf(),
        as_of: raw.as_of.unwrap_or(today),
        locale: raw.locale.map(|l| l.value),
        cases,
    })
}

/// Runs one case against checked rules.
pub fn run(set: &RuleSet, suite: &Suite, case: &Case) -> CaseResult {
    let rules = &set.rules;
    let mut problems = Vec::new();
    let locales: Vec<String> = match &suite.locale {
        Some(l) => vec![l.clone()],
        None => set.locales.languages(),
    };
    for l in &locales {
        if !set.locales.languages().contains(l) {
            problems.push(format!("locale `{l}` does not exist"));
        }
    }
    // Answers by question index; unknown ids fail the case at once.
    let mut given = BTreeMap::new();
    for (q, c) in &case.answers {
        let Some(qi) = rules.question_index(q) else {
            let ids = rules.questions.iter().map(|x| x.id.as_str());
            problems.push(with_suggestion(
                format!("answers name an unknown question `{}`", q.value),
                suggest(q, ids),
            ));
            continue;
        };
        let question = rules.question(qi);
        match question.choice_index(c) {
            Some(ci) => {
                given.insert(qi, ci);
            }
            None => problems.push(with_suggestion(
                format!("question `{}` has no choice `{}`", q.value, c.value),
                suggest(c, question.choices.iter().map(|x| x.id.as_str())),
            )),
        }
    }
    for list in [
        &case.expect.open,
        &case.expect.maybe,
        &case.expect.upcoming,
        &case.expect.closed,
    ]
    .into_iter()
    .flatten()
    {
        for o in list {
            if rules.outcome_index(o).is_none() {
                let ids = rules.outcomes.iter().map(|x| x.id.as_str());
                problems.push(with_suggestion(
                    format!("expect names an unknown outcome `{}`", o.value),
                    suggest(o, ids),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return CaseResult {
            problems,
            unasked: Vec::new(),
            path: Vec::new(),
            verdict: None,
        };
    }

    let as_of = suite.as_of;
    let (mut session, mut step) = engine::start(rules, as_of);
    let mut asked = Vec::new();
    let mut path = Vec::new();
    // Each question is answered once and the review confirmed once; more steps mean a loop.
    let limit = 2 * rules.questions.len() + 4;
    let verdict = loop {
        for lang in &locales {
            let renderer = Renderer::new(rules, &set.locales, lang, as_of);
            if let Err(e) = renderer.step(&step, &session) {
                problems.push(format!("rendering in `{lang}` failed: {e}"));
            }
        }
        if asked.len() > limit {
            problems.push("the interview did not end".into());
            break None;
        }
        let input = match &step.reply {
            Reply::Ask { question, .. } => {
                let id = &rules.question(*question).id;
                asked.push(id.clone());
                match given.get(question) {
                    Some(&choice) => {
                        path.push((*question, choice));
                        Input::Answer {
                            question: *question,
                            choice,
                        }
                    }
                    None => {
                        problems.push(format!(
                            "question `{id}` was asked, but the case gives no answer for it"
                        ));
                        break None;
                    }
                }
            }
            Reply::Review { .. } => Input::Confirm,
            Reply::Result(v) => break Some(v.clone()),
        };
        (session, step) = engine::step(rules, &session, input, as_of);
    };
    let unasked = given
        .keys()
        .filter(|q| !asked.contains(&rules.question(**q).id))
        .map(|q| rules.question(*q).id.clone())
        .collect();
    if let Some(verdict) = &verdict {
        let expectations = [
            (Status::Open, &case.expect.open),
            (Status::Maybe, &case.expect.maybe),
            (Status::Upcoming, &case.expect.upcoming),
            (Status::Closed, &case.expect.closed),
        ];
        for (status, expected) in expectations {
            let expected: BTreeSet<&str> = expected
                .iter()
                .flatten()
                .map(|s| s.value.as_str())
                .collect();
            let got: BTreeSet<&str> = verdict
                .matches
                .iter()
                .filter(|m| m.status == status)
                .map(|m| rules.outcome(m.outcome).id.as_str())
                .collect();
            if expected != got {
                problems.push(set_diff(status.name(), &expected, &got));
            }
        }
        if let Some(expected) = &case.expect.asked {
            let expected: Vec<&str> = expected.iter().map(|s| s.value.as_str()).collect();
            if expected != asked {
                problems.push(format!(
                    "asked: expected [{}], got [{}]",
                    expected.join(", "),
                    asked.join(", ")
                ));
            }
        }
    }
    CaseResult {
        problems,
        unasked,
        path,
        verdict,
    }
}

fn with_suggestion(message: String, suggestion: Option<String>) -> String {
    match suggestion {
        Some(s) => format!("{message} ({s})"),
        None => message,
    }
}

fn set_diff(name: &str, expected: &BTreeSet<&str>, got: &BTreeSet<&str>) -> String {
    let list = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
    let missing: BTreeSet<&str> = expected.difference(got).copied().collect();
    let extra: BTreeSet<&str> = got.difference(expected).copied().collect();
    let mut text = format!("{name}: expected [{}], got [{}]", list(expected), list(got));
    let mut notes = Vec::new();
    if !missing.is_empty() {
        notes.push(format!("missing {}", list(&missing)));
    }
    if !extra.is_empty() {
        notes.push(format!("unexpected {}", list(&extra)));
    }
    let _ = write!(text, " ({})", notes.join("; "));
    text
}
