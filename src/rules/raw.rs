//! Phase 1 of loading: the rules file as written, deserialized with serde.
//!
//! Contract: these types mirror the YAML one to one and check only shapes (unknown fields,
//! wrong types). Every id and reference keeps its span so that phase 2 (`resolve`) can point at
//! it. Parts that are checked one by one (questions, choices, outcomes, conditions) are kept as
//! `NodeRef`s so that one broken question does not hide the problems of the next.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::date::{Date, Day};
use crate::yaml::{NodeRef, Spanned};

/// The top of a rules file. Its fields are read one by one (`resolve::top_level`), so that a
/// bad field does not hide the problems of the others.
#[derive(Debug)]
pub struct RawRules {
    /// The format version; only `1` exists.
    pub rumbo: Spanned<u32>,
    /// A short name for the file, used in statistics and reports.
    pub id: Spanned<String>,
    /// When a person last checked the whole file against its sources.
    pub reviewed: Spanned<Date>,
    /// How many days a review stays fresh; `check` warns after that.
    pub review_every_days: Option<Spanned<u32>>,
    /// Which locale a user gets when their language is not available.
    pub default_locale: Option<Spanned<String>>,
    /// Source catalogue: tag -> where a claim comes from.
    pub sources: BTreeMap<Spanned<String>, NodeRef>,
    /// Official links shown as buttons: id -> URL.
    pub links: BTreeMap<Spanned<String>, Spanned<String>>,
    pub questions: Spanned<Vec<NodeRef>>,
    pub outcomes: Spanned<Vec<NodeRef>>,
    /// The outcome shown when no other outcome is open or may apply.
    pub fallback: Option<NodeRef>,
    /// What the anonymous statistics may break results down by.
    pub report: Option<Spanned<RawReport>>,
}

impl RawRules {
    /// Every top-level field, for "did you mean".
    pub const FIELDS: &'static [&'static str] = &[
        "rumbo",
        "id",
        "reviewed",
        "review_every_days",
        "default_locale",
        "sources",
        "links",
        "questions",
        "outcomes",
        "fallback",
        "report",
    ];
}

/// `report:`: what the statistics may count beyond the defaults.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    /// At most two question ids: results are also counted per combination of their answers.
    #[serde(default)]
    pub dimensions: Vec<Spanned<String>>,
    /// Deep-link codes (`t.me/<bot>?start=<code>`) counted by name; any other code is `other`.
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
}

/// Where a claim in the rules comes from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub url: Spanned<String>,
    /// For reviewers only; never shown to users.
    pub title: Option<String>,
    /// The date the source gives (publication or update).
    pub published: Option<Spanned<Date>>,
    /// When a person last read it.
    pub read: Option<Spanned<Date>>,
    /// primary, news, law or weak.
    pub kind: Option<Spanned<SourceKindName>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKindName {
    Primary,
    News,
    Law,
    Weak,
}

/// One question: a fixed set of choices, asked when `ask_if` is not false.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: Spanned<String>,
    pub choices: Spanned<Vec<NodeRef>>,
    pub ask_if: Option<NodeRef>,
    /// Statistics may count answers per choice unless this is false.
    pub count_choices: Option<bool>,
    /// Why the question exists, for reviewers (not shown to users).
    pub note: Option<String>,
}

/// The long form of a choice (the short form is its id alone).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub id: Spanned<String>,
    /// "I don't know": conditions on this question become unknown.
    #[serde(default)]
    pub unknown: bool,
    /// Text arguments made available to later messages when this choice is picked.
    #[serde(default)]
    pub args: BTreeMap<Spanned<String>, NodeRef>,
}

/// An outcome: a result card shown when its condition is not false.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutcome {
    pub id: Spanned<String>,
    pub when: Option<NodeRef>,
    /// End the interview as soon as `when` is certainly true.
    #[serde(default)]
    pub stop: bool,
    pub window: Option<Spanned<RawWindow>>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub links: Vec<Spanned<String>>,
    pub note: Option<String>,
}

/// When a programme took applications: `opens` is its first day, `closes` the first day it
/// no longer did. Either may be missing.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWindow {
    pub opens: Option<Spanned<Day>>,
    pub closes: Option<Spanned<Day>>,
}
