//! Phase 2: the checked rules, ready for the engine.
//!
//! Contract: a `Rules` value only exists when its file had no errors. Every reference is an
//! index that is known to be valid, every condition reads only questions asked before it, and
//! the struct never changes after loading (it is shared behind an `Arc`).

use crate::date::{Date, Day};
use crate::yaml::Span;

use super::compiled::Compiled;

/// Index of a question in `Rules::questions` (also its place in the asking order).
pub type QuestionIdx = u16;
/// Index of a choice within its question.
pub type ChoiceIdx = u16;
/// Index of an outcome in `Rules::outcomes`.
pub type OutcomeIdx = u16;

/// A checked rules file.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The file's own short name.
    pub id: String,
    /// A content hash of the rules file and its locales (16 hex digits).
    pub version: String,
    /// When a person last checked the file against its sources.
    pub reviewed: Date,
    pub review_every_days: Option<u32>,
    pub default_locale: String,
    pub questions: Vec<Question>,
    /// Every outcome, the fallback (if any) last.
    pub outcomes: Vec<Outcome>,
    pub fallback: Option<OutcomeIdx>,
    pub sources: Vec<Source>,
    pub links: Vec<Link>,
    /// What the anonymous statistics count beyond the defaults.
    pub report: Report,
    /// Where the file's main parts are, for diagnostics about the file as a whole.
    pub spans: RulesSpans,
    /// The conditions of `questions` and `outcomes` compiled for the engine (made with them,
    /// at load, by `resolve`).
    pub(crate) compiled: Compiled,
}

/// The rules' `report:` block, resolved.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Questions whose answers break results down (`result_by`), at most [`MAX_DIMENSIONS`].
    pub dimensions: Vec<QuestionIdx>,
    /// Deep-link codes counted by name, lowercase; any other code is counted as `other`.
    pub sources: Vec<String>,
}

/// How many questions results may be broken down by: every combination is a counter, and
/// more dimensions make cells too small to print (and easier to tie to a person).
pub const MAX_DIMENSIONS: usize = 2;

/// Places in the rules file that diagnostics about the whole file point at.
#[derive(Debug, Clone, Copy, Default)]
pub struct RulesSpans {
    pub reviewed: Span,
    /// The `default_locale:` value, or the `reviewed:` one when it is not written.
    pub default_locale: Span,
    pub questions: Span,
    pub outcomes: Span,
}

/// A question with a fixed set of choices.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub span: Span,
    pub choices: Vec<Choice>,
    /// Asked unless this is certainly false.
    pub ask_if: Condition,
    pub count_choices: bool,
}

/// One button of a question.
#[derive(Debug, Clone)]
pub struct Choice {
    pub id: String,
    pub span: Span,
    /// "I don't know": a condition testing this question becomes unknown.
    pub unknown: bool,
    /// Text arguments this choice provides to later messages.
    pub args: Vec<(String, ArgValue)>,
}

pub use crate::i18n::ArgValue;

/// What a result card can say.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    pub span: Span,
    pub when: Condition,
    /// Ends the interview as soon as `when` is certainly true.
    pub stop: bool,
    pub window: Window,
    pub sources: Vec<usize>,
    pub links: Vec<usize>,
    pub is_fallback: bool,
}

/// The days a programme took applications: from `opens` (inclusive) to `closes` (the first
/// day it no longer did). When a source gives only the month, the window is read so that the
/// bot never says "open" when it may not have been: open from the month after `opens`,
/// closed from the first day of the `closes` month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    pub opens: Option<Day>,
    pub closes: Option<Day>,
}

impl Window {
    /// Not yet open on `as_of`.
    pub fn upcoming(&self, as_of: Date) -> bool {
        self.opens.is_some_and(|d| as_of < d.surely_after())
    }

    /// Already closed on `as_of`.
    pub fn closed(&self, as_of: Date) -> bool {
        self.closes.is_some_and(|d| as_of >= d.earliest())
    }
}

/// Where a claim comes from.
#[derive(Debug, Clone)]
pub struct Source {
    pub tag: String,
    pub span: Span,
    /// How far the source can be trusted: primary, news, law or weak.
    pub kind: Option<SourceKind>,
    pub url: String,
    pub title: Option<String>,
    pub published: Option<Date>,
    pub read: Option<Date>,
}

pub use super::raw::SourceKindName as SourceKind;

/// An official link, shown to users as a URL button labelled by the message `link-<id>`.
#[derive(Debug, Clone)]
pub struct Link {
    pub id: String,
    pub span: Span,
    pub url: String,
}

/// A condition over answers and the as-of date, evaluated in three values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Always true (no condition written).
    True,
    /// The answer to `question` is one of `choices`.
    Is {
        question: QuestionIdx,
        choices: Vec<ChoiceIdx>,
        span: Span,
    },
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// The as-of date is on or after this day.
    From(Date),
    /// The as-of date is before this day.
    Before(Date),
    /// The as-of date is on or after this day; before it, what this guards is *upcoming*
    /// rather than false (see `Condition::opening`).
    Opens(Date),
    /// Always unknown: the sources disagree or are silent on this criterion. The text says
    /// why, for reviewers.
    Uncertain(String),
    /// True before this day, unknown from it on: the sources say the criterion may have
    /// changed around then, without a day.
    UncertainFrom(Date),
}

impl Condition {
    /// Every question this condition reads, in the order written (with repeats).
    pub fn questions(&self, out: &mut Vec<QuestionIdx>) {
        match self {
            Condition::Is { question, .. } => out.push(*question),
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().for_each(|p| p.questions(out))
            }
            Condition::Not(inner) => inner.questions(out),
            Condition::True
            | Condition::From(_)
            | Condition::Before(_)
            | Condition::Opens(_)
            | Condition::Uncertain(_)
            | Condition::UncertainFrom(_) => {}
        }
    }

    /// The questions read, sorted and without repeats.
    pub fn reads(&self) -> Vec<QuestionIdx> {
        let mut out = Vec::new();
        self.questions(&mut out);
        out.sort_unstable();
        out.dedup();
        out
    }
}

impl Rules {
    pub fn question_index(&self, id: &str) -> Option<QuestionIdx> {
        self.questions
            .iter()
            .position(|q| q.id == id)
            .map(|i| i as QuestionIdx)
    }

    pub fn outcome_index(&self, id: &str) -> Option<OutcomeIdx> {
        self.outcomes
            .iter()
            .position(|o| o.id == id)
            .map(|i| i as OutcomeIdx)
    }

    pub fn question(&self, q: QuestionIdx) -> &Question {
        &self.questions[usize::from(q)]
    }

    pub fn outcome(&self, o: OutcomeIdx) -> &Outcome {
        &self.outcomes[usize::from(o)]
    }

    /// The first 8 hex digits of the version: enough to tell versions apart in a button.
    pub fn short_version(&self) -> &str {
        &self.version[..8.min(self.version.len())]
    }
}

impl Question {
    pub fn choice_index(&self, id: &str) -> Option<ChoiceIdx> {
        self.choices
            .iter()
            .position(|c| c.id == id)
            .map(|i| i as ChoiceIdx)
    }
}

/// Message ids are derived from rule ids, so authors never write them by hand.
pub mod message_id {
    /// The question's text; its attribute `.short` names it on the review screen.
    pub fn question(question: &str) -> String {
        format!("q-{question}")
    }

    /// A choice's button label.
    pub fn choice(question: &str, choice: &str) -> String {
        format!("q-{question}-{choice}")
    }

    /// An outcome's one-line title.
    pub fn outcome(outcome: &str) -> String {
        format!("o-{outcome}")
    }

    /// An outcome's next steps.
    pub fn outcome_next(outcome: &str) -> String {
        format!("o-{outcome}-next")
    }

    /// A link button's label.
    pub fn link(link: &str) -> String {
        format!("link-{link}")
    }

    /// The attribute of a question message that names it on the review screen.
    pub const SHORT: &str = "short";
}
