//! Flow analysis: every path of the interview, explored once.
//!
//! Contract: given resolved `Rules`, finds conditions that read a question not asked before
//! them on some path, questions never asked, outcomes that can never apply, and (without a
//! fallback) answers that lead to no outcome. Each finding names an example path.
//!
//! How: a depth-first walk over the questions in asking order, branching on every choice of
//! every question that is asked, stopping where a `stop` outcome fires. Two partial paths that
//! agree on every answer a later condition can still read lead to the same findings, so the
//! walk remembers such states and visits each once; that keeps the work near-linear for the
//! usual shape of rules (conditions that read a few nearby questions). The walk runs once per
//! distinct truth assignment of the dated conditions (`from:`/`before:`). It has a budget;
//! past it, `check` says the analysis is incomplete instead of hanging.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use crate::date::Date;
use crate::diag::Diagnostic;

use super::condition::{Known, Tri};
use super::model::{Condition, QuestionIdx, Rules};

/// How many walk states `check` visits before it gives up (per dated-condition class).
pub const STATE_BUDGET: usize = 2_000_000;

/// What the analysis found, besides diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// Distinct answer paths (saturating), for the largest dated class.
    pub paths: u64,
    /// Walk states visited in all.
    pub states: usize,
    /// True when the budget ran out and some findings may be missing.
    pub incomplete: bool,
}

/// Which condition a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Target {
    AskIf(usize),
    Outcome(usize),
}

struct Walk<'r> {
    rules: &'r Rules,
    as_of: Date,
    /// For each position i: the questions before i that a condition at or after i can read.
    live: Vec<Vec<QuestionIdx>>,
    stops: Vec<usize>,
    /// Questions with a choice that sets arguments.
    providers: Vec<QuestionIdx>,
    memo: HashMap<(usize, Vec<u16>), u64>,
    states: usize,
    budget: usize,
    exhausted: bool,
    answers: Vec<Known>,
    findings: &'r mut Findings,
}

/// Facts gathered over all walks.
#[derive(Default)]
struct Findings {
    asked: Vec<bool>,
    reachable: Vec<bool>,
    /// (target, skipped question read) -> example path
    skipped_reads: HashMap<(Target, usize), String>,
    no_outcome: Option<String>,
    /// Per question / outcome: the argument names set on every path that reaches it.
    question_args: Vec<Option<BTreeSet<String>>>,
    outcome_args: Vec<Option<BTreeSet<String>>>,
}

/// Intersects `slot` with the argument names set by the answers so far.
fn narrow(slot: &mut Option<BTreeSet<String>>, now: BTreeSet<String>) {
    *slot = Some(match slot.take() {
        None => now,
        Some(before) => before.intersection(&now).cloned().collect(),
    });
}

const SKIPPED: u16 = u16::MAX;
const OPEN: u16 = u16::MAX - 1;

impl Walk<'_> {
    fn known(&self) -> impl Fn(QuestionIdx) -> Known + '_ {
        move |q| self.answers[usize::from(q)]
    }

    /// Example path: the answers given so far to questions some condition reads.
    fn witness(&self) -> String {
        let read: BTreeSet<QuestionIdx> = self.live.iter().flatten().copied().collect();
        let mut parts = Vec::new();
        for q in read {
            if let Known::Answered { choice, .. } = self.answers[usize::from(q)] {
                let question = self.rules.question(q);
                parts.push(format!(
                    "{}={}",
                    question.id,
                    question.choices[usize::from(choice)].id
                ));
            }
        }
        if parts.len() > 8 {
            parts.truncate(8);
            parts.push("…".into());
        }
        let mut text = if parts.is_empty() {
            "any answers".to_string()
        } else {
            parts.join(", ")
        };
        if self.rules.has_dated_conditions() {
            // The first class stands for every day before the earliest date in the rules.
            let earliest = self.rules.condition_dates().into_iter().next();
            match earliest {
                Some(first) if self.as_of < first => text.push_str(&format!(" (before {first})")),
                _ => text.push_str(&format!(" (as of {})", self.as_of)),
            }
        }
        text
    }

    /// The argument names the answers so far set.
    fn args_now(&self) -> BTreeSet<String> {
        let mut names = BTreeSet::new();
        for &q in &self.providers {
            if let Known::Answered { choice, .. } = self.answers[usize::from(q)] {
                let choice = &self.rules.question(q).choices[usize::from(choice)];
                names.extend(choice.args.iter().map(|(n, _)| n.clone()));
            }
        }
        names
    }

    /// The first question read by `cond` that is skipped on the current path.
    fn skipped_in(&self, cond: &Condition) -> Option<usize> {
        let mut reads = Vec::new();
        cond.questions(&mut reads);
        reads
            .into_iter()
            .find(|&q| self.answers[usize::from(q)] == Known::Skipped)
            .map(usize::from)
    }

    fn eval(&mut self, target: Target, cond: &Condition) -> Tri {
        let result = cond.eval(self.as_of, &self.known());
        match result {
            Some(t) => t,
            None => {
                if let Some(q) = self.skipped_in(cond)
                    && !self.findings.skipped_reads.contains_key(&(target, q))
                {
                    let w = self.witness();
                    self.findings.skipped_reads.insert((target, q), w);
                }
                // At run time a skipped question reads as unknown.
                Tri::Unknown
            }
        }
    }

    /// Number of distinct paths from position `i` with the current answers.
    fn visit(&mut self, i: usize) -> u64 {
        if self.exhausted {
            return 0;
        }
        if i == self.rules.questions.len() {
            self.leaf();
            return 1;
        }
        let key = (
            i,
            self.live[i]
                .iter()
                .map(|&q| match self.answers[usize::from(q)] {
                    Known::Answered { choice, .. } => choice,
                    Known::Skipped => SKIPPED,
                    Known::Open => OPEN,
                })
                .collect::<Vec<_>>(),
        );
        if let Some(&paths) = self.memo.get(&key) {
            return paths;
        }
        self.states += 1;
        if self.states > self.budget {
            self.exhausted = true;
            return 0;
        }
        let rules = self.rules;
        let question = &rules.questions[i];
        let paths = if self.eval(Target::AskIf(i), &question.ask_if) == Tri::False {
            self.answers[i] = Known::Skipped;
            let p = self.visit(i + 1);
            self.answers[i] = Known::Open;
            p
        } else {
            self.findings.asked[i] = true;
            let now = self.args_now();
            narrow(&mut self.findings.question_args[i], now);
            let mut total: u64 = 0;
            for (c, choice) in question.choices.iter().enumerate() {
                self.answers[i] = Known::Answered {
                    choice: c as u16,
                    unknown: choice.unknown,
                };
                let stopped = self.fire_stops();
                total = total.saturating_add(if stopped { 1 } else { self.visit(i + 1) });
            }
            self.answers[i] = Known::Open;
            total
        };
        self.memo.insert(key, paths);
        paths
    }

    /// After an answer: does a `stop` outcome now certainly apply?
    fn fire_stops(&mut self) -> bool {
        let mut fired = false;
        let fallback = self.rules.fallback.map(usize::from);
        for &s in &self.stops {
            if self.rules.outcomes[s].when.eval(self.as_of, &self.known()) == Some(Tri::True) {
                self.findings.reachable[s] = true;
                let now = self.args_now();
                narrow(&mut self.findings.outcome_args[s], now.clone());
                // A stop whose programme is closed shows the fallback beside it.
                if let Some(f) = fallback {
                    narrow(&mut self.findings.outcome_args[f], now);
                }
                fired = true;
            }
        }
        fired
    }

    /// The end of a path: which outcomes apply?
    fn leaf(&mut self) {
        let rules = self.rules;
        let mut any = false;
        for (o, outcome) in rules.outcomes.iter().enumerate() {
            if outcome.is_fallback {
                continue;
            }
            if self.eval(Target::Outcome(o), &outcome.when) != Tri::False {
                self.findings.reachable[o] = true;
                let now = self.args_now();
                narrow(&mut self.findings.outcome_args[o], now);
                any = true;
            }
        }
        // The fallback can show beside closed or upcoming outcomes too, so its messages may
        // only use what every path sets.
        if let Some(f) = rules.fallback {
            let now = self.args_now();
            narrow(&mut self.findings.outcome_args[usize::from(f)], now);
        }
        if !any && rules.fallback.is_none() && self.findings.no_outcome.is_none() {
            self.findings.no_outcome = Some(self.witness());
        }
    }
}

impl Rules {
    /// Whether any condition depends on the as-of date.
    pub fn has_dated_conditions(&self) -> bool {
        !self.condition_dates().is_empty()
    }

    /// Every date used by a `from:` or `before:` condition.
    pub fn condition_dates(&self) -> BTreeSet<Date> {
        fn collect(c: &Condition, out: &mut BTreeSet<Date>) {
            match c {
                Condition::From(d) | Condition::Before(d) | Condition::UncertainFrom(d) => {
                    out.insert(*d);
                }
                Condition::All(parts) | Condition::Any(parts) => {
                    parts.iter().for_each(|p| collect(p, out))
                }
                Condition::Not(inner) => collect(inner, out),
                Condition::True | Condition::Is { .. } | Condition::Uncertain(_) => {}
            }
        }
        let mut out = BTreeSet::new();
        for q in &self.questions {
            collect(&q.ask_if, &mut out);
        }
        for o in &self.outcomes {
            collect(&o.when, &mut out);
        }
        out
    }
}

/// What the flow analysis found.
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
    /// Per question: the argument names set on every path that asks it (`None`: never asked,
    /// or the analysis was incomplete).
    pub question_args: Vec<Option<BTreeSet<String>>>,
    /// Per outcome: the argument names set on every path where it applies.
    pub outcome_args: Vec<Option<BTreeSet<String>>>,
}

/// Runs the flow analysis.
pub fn analyse(file: &Path, rules: &Rules, budget: usize) -> Analysis {
    let mut diagnostics = order_errors(file, rules);
    if !diagnostics.is_empty() {
        // A condition that reads a later question makes the walk meaningless; fix that first.
        return Analysis {
            diagnostics,
            ..Analysis::default()
        };
    }
    let n = rules.questions.len();
    let providers: Vec<QuestionIdx> = (0..n)
        .filter(|&i| {
            rules.questions[i]
                .choices
                .iter()
                .any(|c| !c.args.is_empty())
        })
        .map(|i| i as QuestionIdx)
        .collect();
    // Answers that set arguments change what later messages can show, so they are part of
    // the state too.
    let outcome_reads: BTreeSet<QuestionIdx> = rules
        .outcomes
        .iter()
        .flat_map(|o| o.when.reads())
        .chain(providers.iter().copied())
        .collect();
    let mut live = vec![Vec::new(); n + 1];
    let mut future: BTreeSet<QuestionIdx> = outcome_reads;
    for i in (0..=n).rev() {
        if i < n {
            future.extend(rules.questions[i].ask_if.reads());
        }
        live[i] = future.range(..i as QuestionIdx).copied().collect();
    }
    let stops: Vec<usize> = (0..rules.outcomes.len())
        .filter(|&o| rules.outcomes[o].stop)
        .collect();

    let mut findings = Findings {
        asked: vec![false; n],
        reachable: vec![false; rules.outcomes.len()],
        question_args: vec![None; n],
        outcome_args: vec![None; rules.outcomes.len()],
        ..Findings::default()
    };
    let mut coverage = Coverage::default();
    for as_of in date_classes(rules) {
        let mut walk = Walk {
            rules,
            as_of,
            live: live.clone(),
            stops: stops.clone(),
            providers: providers.clone(),
            memo: HashMap::new(),
            states: 0,
            budget,
            exhausted: false,
            answers: vec![Known::Open; n],
            findings: &mut findings,
        };
        // The engine looks for a firing `stop` before the first question too (a stop that
        // depends only on the date).
        let paths = if walk.fire_stops() { 1 } else { walk.visit(0) };
        coverage.paths = coverage.paths.max(paths);
        coverage.states += walk.states;
        coverage.incomplete |= walk.exhausted;
    }

    let mut skipped: Vec<_> = findings.skipped_reads.into_iter().collect();
    skipped.sort();
    for ((target, q), witness) in skipped {
        let (what, cond) = match target {
            Target::AskIf(i) => (
                format!("`ask_if` of question `{}`", rules.questions[i].id),
                &rules.questions[i].ask_if,
            ),
            Target::Outcome(o) => (
                format!("`when` of outcome `{}`", rules.outcomes[o].id),
                &rules.outcomes[o].when,
            ),
        };
        let pos =
            atom_span(cond, q as QuestionIdx).map_or(rules.questions[q].span.start, |s| s.start);
        diagnostics.push(
            Diagnostic::error(
                file,
                pos,
                format!(
                    "{what} reads `{}`, which is not asked on some paths",
                    rules.questions[q].id
                ),
            )
            .with_help(format!(
                "it is skipped after {witness}; add the condition that asks `{}` in front of it",
                rules.questions[q].id
            )),
        );
    }
    if !coverage.incomplete {
        for (i, q) in rules.questions.iter().enumerate() {
            if !findings.asked[i] {
                diagnostics.push(
                    Diagnostic::error(file, q.span.start, format!("question `{}` is never asked", q.id))
                        .with_help("its `ask_if` is false for every combination of earlier answers, or a `stop` outcome always ends the interview before it"),
                );
            }
        }
        for (o, outcome) in rules.outcomes.iter().enumerate() {
            if !outcome.is_fallback && !findings.reachable[o] {
                diagnostics.push(
                    Diagnostic::error(
                        file,
                        outcome.span.start,
                        format!("outcome `{}` can never apply", outcome.id),
                    )
                    .with_help("no combination of answers makes its `when` true or unknown"),
                );
            }
        }
        if let Some(witness) = findings.no_outcome {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    rules.spans.outcomes.start,
                    "some answers lead to no outcome",
                )
                .with_help(format!(
                    "for example {witness}; add a `fallback:` outcome or an outcome for this case"
                )),
            );
        }
    } else {
        diagnostics.push(
            Diagnostic::warning(
                file,
                rules.spans.questions.start,
                format!("too many answer combinations to check every path (stopped after {budget} states)"),
            )
            .with_help("unreachable questions and outcomes are not reported; split the file or make conditions read nearby questions"),
        );
    }
    let complete = !coverage.incomplete;
    Analysis {
        diagnostics,
        coverage,
        question_args: if complete {
            findings.question_args
        } else {
            vec![None; n]
        },
        outcome_args: if complete {
            findings.outcome_args
        } else {
            vec![None; rules.outcomes.len()]
        },
    }
}

/// A condition may only read questions asked before the one it belongs to.
fn order_errors(file: &Path, rules: &Rules) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, q) in rules.questions.iter().enumerate() {
        let mut reads = Vec::new();
        q.ask_if.questions(&mut reads);
        for r in reads {
            if usize::from(r) >= i {
                let pos = atom_span(&q.ask_if, r).map_or(q.span.start, |s| s.start);
                let message = if usize::from(r) == i {
                    format!("`ask_if` of question `{}` reads its own answer", q.id)
                } else {
                    format!(
                        "`ask_if` of question `{}` reads `{}`, which is asked after it",
                        q.id,
                        rules.question(r).id
                    )
                };
                out.push(Diagnostic::error(file, pos, message).with_help(
                    "questions are asked top to bottom; a condition can only read earlier answers",
                ));
            }
        }
    }
    out
}

/// Where `cond` first tests question `q`.
fn atom_span(cond: &Condition, q: QuestionIdx) -> Option<crate::yaml::Span> {
    match cond {
        Condition::Is { question, span, .. } if *question == q => Some(*span),
        Condition::All(parts) | Condition::Any(parts) => parts.iter().find_map(|p| atom_span(p, q)),
        Condition::Not(inner) => atom_span(inner, q),
        _ => None,
    }
}

/// One representative as-of date per distinct truth assignment of the dated conditions.
fn date_classes(rules: &Rules) -> Vec<Date> {
    let dates = rules.condition_dates();
    let mut candidates =
        vec![Date::new(1900, 1, 1).unwrap_or_else(|| Date::from_days_since_epoch(0))];
    candidates.extend(dates.iter().copied());
    let mut seen = BTreeSet::new();
    candidates
        .into_iter()
        .filter(|&d| seen.insert(dates.iter().map(|&x| d >= x).collect::<Vec<_>>()))
        .collect()
}
