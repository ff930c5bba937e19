//! Flow analysis: every path of the interview, explored once.
//!
//! Contract: given resolved `Rules`, finds conditions that read a question not asked before
//! them on some path, questions never asked, outcomes that can never apply, and (without a
//! fallback) answers that lead to no outcome; and, per question and outcome, the text
//! arguments set on every path that reaches it. Each finding names an example path.
//!
//! How: a depth-first walk over the questions in asking order, branching on every choice of
//! every question that is asked, stopping where a `stop` outcome fires. Two partial paths lead
//! to the same findings when they agree on (a) every answer a condition still to be evaluated
//! can read, (b) the argument names set so far, and (c) the outcomes that already apply. So
//! each outcome is evaluated as soon as the last question it reads is behind (its answers can
//! no longer change), which drops those answers from the state; the walk remembers states and
//! visits each once. That keeps the work near-linear for the usual shape of rules (conditions
//! that read a few nearby questions). The walk uses an explicit stack (a file may have tens
//! of thousands of questions) and runs once per distinct truth assignment of the dated
//! conditions. It has a budget; past it, `check` says the analysis is incomplete and falls
//! back to conservative answers instead of hanging.

use std::collections::{BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::date::Date;
use crate::diag::Diagnostic;

use super::condition::{At, Known, Tri};
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

/// A multiplicative hash for the walk's small integer keys: the default SipHash costs more
/// than the rest of a state's work.
#[derive(Default)]
struct FastHasher(u64);

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Sets of small numbers (argument names), each stored once and named by an id, so a walk
/// state holds one number per set and set operations are table lookups.
struct SetTable {
    sets: Vec<Vec<u64>>,
    ids: FastMap<Vec<u64>, u32>,
    /// (set, element) -> the set with that element added.
    added: FastMap<(u32, u32), u32>,
    /// (smaller id, larger id, intersection?) -> the result.
    combined: FastMap<(u32, u32, bool), u32>,
}

impl SetTable {
    /// A table holding only the empty set, as id 0.
    fn new() -> SetTable {
        let mut ids = FastMap::default();
        ids.insert(Vec::new(), 0);
        SetTable {
            sets: vec![Vec::new()],
            ids,
            added: FastMap::default(),
            combined: FastMap::default(),
        }
    }

    /// The id of `words` (trailing zero words removed), storing it if new.
    fn intern(&mut self, mut words: Vec<u64>) -> u32 {
        while words.last() == Some(&0) {
            words.pop();
        }
        if let Some(&id) = self.ids.get(&words) {
            return id;
        }
        let id = self.sets.len() as u32;
        self.sets.push(words.clone());
        self.ids.insert(words, id);
        id
    }

    /// `set` with `element` added.
    fn add(&mut self, set: u32, element: u32) -> u32 {
        if let Some(&id) = self.added.get(&(set, element)) {
            return id;
        }
        let mut words = self.sets[set as usize].clone();
        let word = element as usize / 64;
        if words.len() <= word {
            words.resize(word + 1, 0);
        }
        words[word] |= 1 << (element % 64);
        let id = self.intern(words);
        self.added.insert((set, element), id);
        id
    }

    /// The union (`both == false`) or intersection (`both == true`) of two sets.
    fn combine(&mut self, a: u32, b: u32, both: bool) -> u32 {
        if a == b {
            return a;
        }
        let key = (a.min(b), a.max(b), both);
        if let Some(&id) = self.combined.get(&key) {
            return id;
        }
        let (x, y) = (&self.sets[a as usize], &self.sets[b as usize]);
        let len = if both {
            x.len().min(y.len())
        } else {
            x.len().max(y.len())
        };
        let words = (0..len)
            .map(|w| {
                let (p, q) = (
                    x.get(w).copied().unwrap_or(0),
                    y.get(w).copied().unwrap_or(0),
                );
                if both { p & q } else { p | q }
            })
            .collect();
        let id = self.intern(words);
        self.combined.insert(key, id);
        id
    }

    fn words(&self, set: u32) -> &[u64] {
        &self.sets[set as usize]
    }
}

/// What every walk shares: derived once from the rules.
struct Plan {
    /// For each position i: the questions before i that a condition not yet evaluated at i
    /// can read (an `ask_if` at or after i, or an outcome whose last read is at or after i).
    live: Vec<Vec<QuestionIdx>>,
    /// For each position i: the outcomes evaluated on reaching it (every question they read
    /// is before i). The fallback is not among them.
    due: Vec<Vec<usize>>,
    /// For each question: the `stop` outcomes whose last read it is (they can fire once it is
    /// answered, and never later).
    stops_after: Vec<Vec<usize>>,
    /// `stop` outcomes that read no question (checked before the first one).
    stops_at_start: Vec<usize>,
    /// Argument names, numbered.
    arg_names: Vec<String>,
    /// For each question and choice: the numbers of the argument names it sets.
    choice_args: Vec<Vec<Vec<u32>>>,
    /// Every question some condition reads (for example paths).
    read_anywhere: Vec<QuestionIdx>,
}

impl Plan {
    fn new(rules: &Rules) -> Plan {
        let n = rules.questions.len();
        let outcomes = &rules.outcomes;
        let mut due = vec![Vec::new(); n + 1];
        let mut stops_after = vec![Vec::new(); n];
        let mut stops_at_start = Vec::new();
        // Outcomes still to be evaluated at position i read their questions then.
        let mut pending_reads: Vec<Vec<QuestionIdx>> = vec![Vec::new(); n + 1];
        for (o, outcome) in outcomes.iter().enumerate() {
            if outcome.is_fallback {
                continue;
            }
            let reads = outcome.when.reads();
            let at = reads.last().map_or(0, |&q| usize::from(q) + 1);
            due[at].push(o);
            if outcome.stop {
                match reads.last() {
                    Some(&q) => stops_after[usize::from(q)].push(o),
                    None => stops_at_start.push(o),
                }
            }
            // Needed in the state at every position up to (not including) `at`.
            if at > 0 {
                pending_reads[at - 1].extend(reads);
            }
        }
        let mut live = vec![Vec::new(); n + 1];
        let mut future: BTreeSet<QuestionIdx> = BTreeSet::new();
        for i in (0..=n).rev() {
            if i < n {
                future.extend(rules.questions[i].ask_if.reads());
            }
            future.extend(pending_reads[i].iter().copied());
            live[i] = future.range(..i as QuestionIdx).copied().collect();
        }
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        let mut arg_names = Vec::new();
        let choice_args = rules
            .questions
            .iter()
            .map(|q| {
                q.choices
                    .iter()
                    .map(|c| {
                        c.args
                            .iter()
                            .map(|(name, _)| {
                                *numbers.entry(name.as_str()).or_insert_with(|| {
                                    arg_names.push(name.clone());
                                    (arg_names.len() - 1) as u32
                                })
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let mut read_anywhere: BTreeSet<QuestionIdx> = BTreeSet::new();
        for q in &rules.questions {
            read_anywhere.extend(q.ask_if.reads());
        }
        for o in outcomes {
            read_anywhere.extend(o.when.reads());
        }
        Plan {
            live,
            due,
            stops_after,
            stops_at_start,
            arg_names,
            choice_args,
            read_anywhere: read_anywhere.into_iter().collect(),
        }
    }
}

/// A walk state's identity: packed in one number when it fits (nearly always: conditions
/// usually read a few recent answers), else spelled out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Packed(u128),
    Spelled(Box<[u16]>),
}

/// What the rest of the interview from one state holds, the same for every path reaching
/// that state.
#[derive(Debug, Clone, Copy)]
struct Rest {
    /// Distinct paths (saturating).
    paths: u64,
    /// The argument names set by the answers still to come on every path that reaches the
    /// end (not stopped early); `None` when every path stops early.
    sets: Option<u32>,
}

/// A question the walk is at, waiting for its branches.
struct Frame {
    i: usize,
    key: Key,
    /// Argument names set on reaching the question.
    args: u32,
    /// Some outcome applies already (only tracked without a fallback).
    any: bool,
    /// Outcomes that apply from here on, credited once the rest is known.
    applying: Vec<usize>,
    asked: bool,
    /// The next choice to try (for a skipped question: 0 before its one branch, 1 after).
    next: usize,
    /// The names the branch being walked set by its own answer.
    own: u32,
    rest: Rest,
}

struct Walk<'r> {
    rules: &'r Rules,
    plan: &'r Plan,
    as_of: Date,
    memo: FastMap<Key, Rest>,
    /// Sets of argument-name numbers.
    arg_sets: SetTable,
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
    /// Per question / outcome: the argument names (as bits of their numbers) set on every
    /// path that reaches it; `None` while no path has.
    question_args: Vec<Option<Vec<u64>>>,
    outcome_args: Vec<Option<Vec<u64>>>,
}

impl Findings {
    fn new(rules: &Rules) -> Findings {
        let n = rules.questions.len();
        Findings {
            asked: vec![false; n],
            reachable: vec![false; rules.outcomes.len()],
            question_args: vec![None; n],
            outcome_args: vec![None; rules.outcomes.len()],
            ..Findings::default()
        }
    }

    /// Adds what a later walk found: example paths already found are kept, as a later walk
    /// would not have replaced them.
    fn absorb(&mut self, later: Findings) {
        for (mine, theirs) in self.asked.iter_mut().zip(later.asked) {
            *mine |= theirs;
        }
        for (mine, theirs) in self.reachable.iter_mut().zip(later.reachable) {
            *mine |= theirs;
        }
        for (key, witness) in later.skipped_reads {
            self.skipped_reads.entry(key).or_insert(witness);
        }
        if self.no_outcome.is_none() {
            self.no_outcome = later.no_outcome;
        }
        let pairs = (self.question_args.iter_mut().zip(later.question_args))
            .chain(self.outcome_args.iter_mut().zip(later.outcome_args));
        for (mine, theirs) in pairs {
            if let Some(words) = theirs {
                narrow(mine, &words);
            }
        }
    }
}

/// Intersects `slot` with the set `now` (bits of argument-name numbers).
fn narrow(slot: &mut Option<Vec<u64>>, now: &[u64]) {
    match slot {
        None => *slot = Some(now.to_vec()),
        Some(before) => {
            before.truncate(now.len());
            for (b, n) in before.iter_mut().zip(now) {
                *b &= n;
            }
        }
    }
}

/// The numbers whose bits are set.
fn bit_numbers(words: &[u64]) -> impl Iterator<Item = u32> + '_ {
    words.iter().enumerate().flat_map(|(w, &bits)| {
        (0..64)
            .filter(move |b| bits & (1 << b) != 0)
            .map(move |b| (w * 64 + b) as u32)
    })
}

const SKIPPED: u16 = u16::MAX;
const OPEN: u16 = u16::MAX - 1;

impl Walk<'_> {
    fn known(&self) -> impl Fn(QuestionIdx) -> Known + '_ {
        move |q| self.answers[usize::from(q)]
    }

    /// Example path: the answers given so far to questions some condition reads.
    fn witness(&self) -> String {
        let mut parts = Vec::new();
        for &q in &self.plan.read_anywhere {
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

    /// The first question read by `cond` that is skipped on the current path.
    fn skipped_in(&self, cond: &Condition) -> Option<usize> {
        let mut reads = Vec::new();
        cond.questions(&mut reads);
        reads
            .into_iter()
            .find(|&q| self.answers[usize::from(q)] == Known::Skipped)
            .map(usize::from)
    }

    fn eval(&mut self, target: Target, cond: &Condition, at: At) -> Tri {
        let result = cond.eval_at(at, &self.known());
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

    /// Whether outcome `o` shows on the current path: it applies (or might), now or once
    /// the branch it guards opens.
    fn shows(&mut self, o: usize) -> bool {
        let when = &self.rules.outcomes[o].when;
        self.eval(Target::Outcome(o), when, At::now(self.as_of)) != Tri::False
            || (when.has_openings()
                && self.eval(Target::Outcome(o), when, At::all_opened(self.as_of)) != Tri::False)
    }

    /// Does a `stop` outcome among `stops` now certainly apply? Then the interview ends here.
    fn fire_stops(&mut self, stops: &[usize], args: u32) -> bool {
        let mut fired = false;
        let fallback = self.rules.fallback.map(usize::from);
        for &s in stops {
            if self.rules.outcomes[s].when.eval(self.as_of, &self.known()) == Some(Tri::True) {
                self.findings.reachable[s] = true;
                narrow(
                    &mut self.findings.outcome_args[s],
                    self.arg_sets.words(args),
                );
                // A stop whose programme is closed shows the fallback beside it.
                if let Some(f) = fallback {
                    narrow(
                        &mut self.findings.outcome_args[f],
                        self.arg_sets.words(args),
                    );
                }
                fired = true;
            }
        }
        fired
    }

    /// Credits outcomes that apply on a path from a state whose rest is `rest`: they show
    /// wherever that path reaches the end, with the arguments set by then.
    fn credit(&mut self, applying: &[usize], args: u32, rest: Rest) {
        let Some(later) = rest.sets else {
            return;
        };
        let at_end = self.arg_sets.combine(args, later, false);
        for &o in applying {
            self.findings.reachable[o] = true;
            narrow(
                &mut self.findings.outcome_args[o],
                self.arg_sets.words(at_end),
            );
        }
    }

    /// The end of a path (no stop fired).
    fn end(&mut self, args: u32, any: bool) {
        // The fallback can show beside closed or upcoming outcomes too, so its messages may
        // only use what every path sets.
        if let Some(f) = self.rules.fallback {
            narrow(
                &mut self.findings.outcome_args[usize::from(f)],
                self.arg_sets.words(args),
            );
        }
        if !any && self.rules.fallback.is_none() && self.findings.no_outcome.is_none() {
            self.findings.no_outcome = Some(self.witness());
        }
    }

    /// The memo key of the state at position `i`.
    fn key(&self, i: usize, args: u32, any: bool) -> Key {
        let answer = |q: &QuestionIdx| match self.answers[usize::from(*q)] {
            Known::Answered { choice, .. } => choice,
            Known::Skipped => SKIPPED,
            Known::Open => OPEN,
        };
        let live = &self.plan.live[i];
        // 16 bits of position, 24 of argument set, 1 for `any`, 8 per answer (two values
        // reserved).
        let fits = i < 1 << 16
            && args < 1 << 24
            && live.len() <= 8
            && live.iter().all(|q| {
                let a = answer(q);
                a < 254 || a == SKIPPED || a == OPEN
            });
        if fits {
            let mut packed = i as u128 | u128::from(args) << 16 | u128::from(any) << 40;
            for (k, q) in live.iter().enumerate() {
                let byte = match answer(q) {
                    SKIPPED => 255,
                    OPEN => 254,
                    a => a,
                };
                packed |= u128::from(byte) << (64 + 8 * k);
            }
            return Key::Packed(packed);
        }
        let mut spelled = vec![i as u16, (i >> 16) as u16, u16::from(any)];
        spelled.extend(live.iter().map(answer));
        spelled.extend([args as u16, (args >> 16) as u16]);
        Key::Spelled(spelled.into())
    }

    /// Reaches position `i`: evaluates the outcomes due there, then either knows the rest
    /// (the end, a remembered state, the budget) or pushes a frame to branch on.
    fn enter(&mut self, i: usize, args: u32, any: bool, stack: &mut Vec<Frame>) -> Option<Rest> {
        let plan = self.plan;
        let mut applying = Vec::new();
        for &o in &plan.due[i] {
            if self.shows(o) {
                applying.push(o);
            }
        }
        // Only needed to find paths without an outcome.
        let any = self.rules.fallback.is_none() && (any || !applying.is_empty());
        if i == self.rules.questions.len() {
            self.end(args, any);
            let rest = Rest {
                paths: 1,
                sets: Some(0),
            };
            self.credit(&applying, args, rest);
            return Some(rest);
        }
        let key = self.key(i, args, any);
        if let Some(&rest) = self.memo.get(&key) {
            self.credit(&applying, args, rest);
            return Some(rest);
        }
        self.states += 1;
        if self.states > self.budget {
            self.exhausted = true;
            return Some(Rest {
                paths: 0,
                sets: None,
            });
        }
        let question = &self.rules.questions[i];
        let asked = self.eval(
            Target::AskIf(i),
            &question.ask_if,
            At::all_opened(self.as_of),
        ) != Tri::False;
        if asked {
            self.findings.asked[i] = true;
            narrow(
                &mut self.findings.question_args[i],
                self.arg_sets.words(args),
            );
        } else {
            self.answers[i] = Known::Skipped;
        }
        stack.push(Frame {
            i,
            key,
            args,
            any,
            applying,
            asked,
            next: 0,
            own: 0,
            rest: Rest {
                paths: 0,
                sets: None,
            },
        });
        None
    }

    /// Adds a branch's rest to its question's: `sets` are the names the branch's own
    /// answer set (`with` minus what was set before) plus those set later.
    fn join(&mut self, rest: &mut Rest, branch: Rest, own: u32) {
        rest.paths = rest.paths.saturating_add(branch.paths);
        if let Some(later) = branch.sets {
            let here = self.arg_sets.combine(own, later, false);
            rest.sets = Some(match rest.sets {
                None => here,
                Some(before) => self.arg_sets.combine(before, here, true),
            });
        }
    }

    /// Counts the distinct paths from the first question, recording findings on the way.
    fn run(&mut self) -> u64 {
        // The engine looks for a firing `stop` before the first question too (a stop that
        // depends only on the date).
        let plan = self.plan;
        if self.fire_stops(&plan.stops_at_start, 0) {
            return 1;
        }
        let mut stack: Vec<Frame> = Vec::new();
        if let Some(rest) = self.enter(0, 0, false, &mut stack) {
            return rest.paths;
        }
        let mut result = 0;
        while let Some(top) = stack.last_mut() {
            if self.exhausted {
                return 0;
            }
            let i = top.i;
            let choices = &self.rules.questions[i].choices;
            let (args, any) = (top.args, top.any);
            // The branch to walk next, with the names its own answer sets.
            let branch = if !top.asked && top.next == 0 {
                top.next = 1;
                Some((args, 0))
            } else if top.asked && top.next < choices.len() {
                let c = top.next;
                top.next += 1;
                self.answers[i] = Known::Answered {
                    choice: c as u16,
                    unknown: choices[c].unknown,
                };
                let (mut with, mut own) = (args, 0);
                for &a in &plan.choice_args[i][c] {
                    with = self.arg_sets.add(with, a);
                    own = self.arg_sets.add(own, a);
                }
                if self.fire_stops(&plan.stops_after[i], with) {
                    top.rest.paths = top.rest.paths.saturating_add(1);
                    None
                } else {
                    Some((with, own))
                }
            } else {
                // Every branch done: credit, remember, and return to the question before.
                let done = stack
                    .pop()
                    .unwrap_or_else(|| unreachable!("the loop holds a frame"));
                self.answers[i] = Known::Open;
                self.credit(&done.applying, done.args, done.rest);
                self.memo.insert(done.key, done.rest);
                match stack.last_mut() {
                    Some(parent) => {
                        let own = parent.own;
                        let mut rest = parent.rest;
                        self.join(&mut rest, done.rest, own);
                        if let Some(parent) = stack.last_mut() {
                            parent.rest = rest;
                        }
                    }
                    None => result = done.rest.paths,
                }
                continue;
            };
            if let Some((with, own)) = branch {
                top.own = own;
                if let Some(rest) = self.enter(i + 1, with, any, &mut stack) {
                    let frame = stack.len() - 1;
                    let mut sum = stack[frame].rest;
                    self.join(&mut sum, rest, own);
                    stack[frame].rest = sum;
                }
            }
        }
        result
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
                Condition::From(d)
                | Condition::Before(d)
                | Condition::Opens(d)
                | Condition::UncertainFrom(d) => {
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
    let plan = Plan::new(rules);
    let classes = date_classes(rules);
    let walked = walk_classes(rules, &plan, &classes, budget);
    // Merged in date order, up to the first class that ran out of budget (the later ones
    // would not have been walked one after another): the findings, example paths included,
    // are those of walking the classes in turn.
    let mut findings = Findings::new(rules);
    let mut coverage = Coverage::default();
    for class in walked {
        findings.absorb(class.findings);
        coverage.paths = coverage.paths.max(class.paths);
        coverage.states += class.states;
        coverage.incomplete |= class.exhausted;
        if class.exhausted {
            break;
        }
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
            .with_help("unreachable questions and outcomes are not reported, and messages may only use arguments every path surely sets; split the file or make conditions read nearby questions"),
        );
        if rules.fallback.is_none() {
            diagnostics.push(
                Diagnostic::error(
                    file,
                    rules.spans.outcomes.start,
                    "cannot check that every answer leads to an outcome",
                )
                .with_help(
                    "the file has too many answer combinations to check; add a `fallback:` outcome",
                ),
            );
        }
    }
    let names = |set: Option<Vec<u64>>| {
        set.map(|words| {
            bit_numbers(&words)
                .map(|a| plan.arg_names[a as usize].clone())
                .collect()
        })
    };
    let (question_args, outcome_args) = if coverage.incomplete {
        // Without every path, only what is surely set can be relied on: messages using
        // anything else are reported, so an unchecked file never shows a missing value.
        let sure = surely_set(rules, &plan);
        (
            (0..n).map(|i| Some(sure[i].clone())).collect(),
            vec![Some(sure[n].clone()); rules.outcomes.len()],
        )
    } else {
        (
            findings.question_args.into_iter().map(names).collect(),
            findings.outcome_args.into_iter().map(names).collect(),
        )
    };
    Analysis {
        diagnostics,
        coverage,
        question_args,
        outcome_args,
    }
}

/// One date class walked.
struct ClassWalk {
    findings: Findings,
    paths: u64,
    states: usize,
    exhausted: bool,
}

/// Walks every date class, on as many threads as there are cores (the classes are
/// independent: each has its own memo and findings), and returns them in date order. A class
/// after one that ran out of budget is not needed and may be left out.
fn walk_classes(rules: &Rules, plan: &Plan, classes: &[Date], budget: usize) -> Vec<ClassWalk> {
    let next = AtomicUsize::new(0);
    // The first class known to have run out of budget: later ones are not merged.
    let first_exhausted = AtomicUsize::new(usize::MAX);
    let worker = || {
        let mut done = Vec::new();
        // Kept between classes so the table grows once, not once per class.
        let mut memo = FastMap::default();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= classes.len() || k > first_exhausted.load(Ordering::Relaxed) {
                return done;
            }
            let class = walk_class(rules, plan, classes[k], budget, &mut memo);
            if class.exhausted {
                first_exhausted.fetch_min(k, Ordering::Relaxed);
            }
            done.push((k, class));
        }
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(classes.len());
    let mut walked: Vec<(usize, ClassWalk)> = if threads > 1 {
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(worker)).collect();
            let mut all = worker();
            for helper in helpers {
                match helper.join() {
                    Ok(done) => all.extend(done),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            all
        })
    } else {
        worker()
    };
    walked.sort_unstable_by_key(|&(k, _)| k);
    walked.into_iter().map(|(_, class)| class).collect()
}

/// Walks the paths of one date class.
fn walk_class(
    rules: &Rules,
    plan: &Plan,
    as_of: Date,
    budget: usize,
    memo: &mut FastMap<Key, Rest>,
) -> ClassWalk {
    let n = rules.questions.len();
    memo.clear();
    // Sized for a typical file up front: growing a large table costs more than filling it.
    memo.reserve((4 * n).min(budget));
    let mut findings = Findings::new(rules);
    let mut walk = Walk {
        rules,
        plan,
        as_of,
        memo: std::mem::take(memo),
        arg_sets: SetTable::new(),
        states: 0,
        budget,
        exhausted: false,
        answers: vec![Known::Open; n],
        findings: &mut findings,
    };
    let paths = walk.run();
    let (states, exhausted) = (walk.states, walk.exhausted);
    *memo = walk.memo;
    ClassWalk {
        findings,
        paths,
        states,
        exhausted,
    }
}

/// For each position (and the end): the argument names that every path sets before it,
/// without walking paths. Used when the walk could not finish: a question asked on every
/// path (no `ask_if`) whose every choice sets a name sets it surely.
fn surely_set(rules: &Rules, plan: &Plan) -> Vec<BTreeSet<String>> {
    let mut sure = BTreeSet::new();
    let mut out = Vec::with_capacity(rules.questions.len() + 1);
    for (i, question) in rules.questions.iter().enumerate() {
        out.push(sure.clone());
        if question.ask_if == Condition::True {
            let mut every: Option<BTreeSet<u32>> = None;
            for numbers in &plan.choice_args[i] {
                let here: BTreeSet<u32> = numbers.iter().copied().collect();
                every = Some(match every {
                    None => here,
                    Some(before) => before.intersection(&here).copied().collect(),
                });
            }
            sure.extend(
                every
                    .into_iter()
                    .flatten()
                    .map(|a| plan.arg_names[a as usize].clone()),
            );
        }
    }
    out.push(sure);
    out
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

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::rules::resolve;

    const HEAD: &str = "rumbo: 1\nid: t\nreviewed: 2026-11-27\ndefault_locale: es\nsources:\n  s1:\n    url: https://example.org/\nquestions:\n";

    fn rules(body: &str) -> Rules {
        let text = format!("{HEAD}{body}");
        resolve::resolve(Path::new("t.yaml"), text.as_bytes())
            .unwrap_or_else(|e| panic!("{e:?}\n{text}"))
    }

    fn errors(found: &Analysis) -> Vec<String> {
        found.diagnostics.iter().map(|d| d.to_string()).collect()
    }

    /// `n` yes/no questions; a "no" to any of them ends the interview with its own outcome.
    fn chain(n: usize) -> String {
        let mut body = String::new();
        for i in 0..n {
            let _ = writeln!(body, "  - id: q{i}\n    choices: [\"yes\", \"no\"]");
        }
        body.push_str("outcomes:\n");
        for i in 0..n {
            let _ = writeln!(
                body,
                "  - id: o{i}\n    when: {{ q{i}: \"no\" }}\n    stop: true"
            );
        }
        body.push_str("fallback:\n  id: none\n");
        body
    }

    #[test]
    fn a_long_chain_is_walked_without_recursion() {
        // Test threads have 2 MiB of stack; a recursive walk overflowed long before this.
        let rules = rules(&chain(20_000));
        let found = analyse(Path::new("t.yaml"), &rules, STATE_BUDGET);
        assert!(!found.coverage.incomplete);
        assert_eq!(
            found.diagnostics.len(),
            0,
            "{:?}",
            found.diagnostics.first()
        );
        // Stop at q0..q19999 on "no", or all "yes": 20,001 paths.
        assert_eq!(found.coverage.paths, 20_001);
    }

    #[test]
    fn outcomes_are_settled_once_their_last_question_is_behind() {
        // 40 independent questions, each read only by its own outcome: 2^40 answer paths.
        // Keeping every answer in the state would visit them all; settling each outcome
        // right after its question keeps the walk linear.
        let mut body = String::new();
        for i in 0..40 {
            let _ = writeln!(body, "  - id: q{i}\n    choices: [\"yes\", \"no\"]");
        }
        body.push_str("outcomes:\n");
        for i in 0..40 {
            let _ = writeln!(body, "  - id: o{i}\n    when: {{ q{i}: \"yes\" }}");
        }
        let rules = rules(&body);
        let found = analyse(Path::new("t.yaml"), &rules, STATE_BUDGET);
        assert!(!found.coverage.incomplete);
        assert_eq!(found.coverage.paths, 1 << 40);
        assert!(found.coverage.states < 10_000, "{}", found.coverage.states);
        // Without a fallback, "no" to everything leads nowhere; the example path says so.
        let errors = errors(&found);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("some answers lead to no outcome"));
        assert!(errors[0].contains("q0=no, q1=no"), "{}", errors[0]);
    }

    #[test]
    fn an_exhausted_budget_is_reported_and_answered_conservatively() {
        let body = "  - id: place
    choices:
      - id: here
        args: { cutoff: 2023-06-11 }
      - id: there
        args: { cutoff: 2023-10-18 }
  - id: kind
    ask_if: { place: here }
    choices:
      - id: a
        args: { office: one }
      - id: b
        args: { office: two }
  - id: last
    choices: [\"yes\", \"no\"]
outcomes:
  - id: done
    when: { last: \"yes\" }
";
        let rules = rules(body);
        let full = analyse(Path::new("t.yaml"), &rules, STATE_BUDGET);
        assert!(!full.coverage.incomplete);
        let set = |names: &[&str]| Some(names.iter().map(|s| s.to_string()).collect());
        assert_eq!(full.question_args[2], set(&["cutoff"]));

        let cut = analyse(Path::new("t.yaml"), &rules, 1);
        assert!(cut.coverage.incomplete);
        let messages = errors(&cut);
        assert!(
            messages
                .iter()
                .any(|m| m.contains("warning: too many answer combinations"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("error: cannot check that every answer leads to an outcome"))
        );
        // `cutoff` is set by every choice of a question always asked; `office` only on some
        // paths. Without the whole walk only the first can be relied on.
        assert_eq!(cut.question_args[2], set(&["cutoff"]));
        assert_eq!(cut.outcome_args[0], set(&["cutoff"]));
    }

    #[test]
    fn an_outcome_that_only_opens_later_is_reachable() {
        let body = "  - id: who
    choices: [a, b]
outcomes:
  - id: programme
    when:
      any:
        - { who: a }
        - { who: b, opens: 2030-01-01 }
  - id: for_a_only
    when: { who: a, before: 2000-01-01 }
";
        let rules = rules(body);
        let found = analyse(Path::new("t.yaml"), &rules, STATE_BUDGET);
        // `b` before 2030 shows `programme` as upcoming: no path is without an outcome.
        assert_eq!(errors(&found), Vec::<String>::new());
    }

    type Names = Option<BTreeSet<String>>;

    /// Every path, walked without memory: the arguments set on every path where each
    /// question is asked and each outcome shows.
    fn brute_force(rules: &Rules) -> (Vec<Names>, Vec<Names>) {
        struct Oracle<'r> {
            rules: &'r Rules,
            as_of: Date,
            answers: Vec<Known>,
            questions: Vec<Option<BTreeSet<String>>>,
            outcomes: Vec<Option<BTreeSet<String>>>,
        }
        fn meet(slot: &mut Option<BTreeSet<String>>, now: &BTreeSet<String>) {
            *slot = Some(match slot.take() {
                None => now.clone(),
                Some(before) => before.intersection(now).cloned().collect(),
            });
        }
        impl Oracle<'_> {
            fn args(&self) -> BTreeSet<String> {
                let mut names = BTreeSet::new();
                for (q, known) in self.answers.iter().enumerate() {
                    if let Known::Answered { choice, .. } = known {
                        let choice = &self.rules.questions[q].choices[usize::from(*choice)];
                        names.extend(choice.args.iter().map(|(n, _)| n.clone()));
                    }
                }
                names
            }
            fn eval(&self, c: &Condition, at: At) -> Tri {
                let answers = &self.answers;
                c.eval_at(at, &|q| answers[usize::from(q)])
                    .unwrap_or(Tri::Unknown)
            }
            fn stopped(&mut self) -> bool {
                let mut fired = false;
                for (o, outcome) in self.rules.outcomes.iter().enumerate() {
                    if outcome.stop && self.eval(&outcome.when, At::now(self.as_of)) == Tri::True {
                        let args = self.args();
                        meet(&mut self.outcomes[o], &args);
                        if let Some(f) = self.rules.fallback {
                            meet(&mut self.outcomes[usize::from(f)], &args);
                        }
                        fired = true;
                    }
                }
                fired
            }
            fn walk(&mut self, i: usize) {
                if i == self.rules.questions.len() {
                    let args = self.args();
                    for (o, outcome) in self.rules.outcomes.iter().enumerate() {
                        let shows = outcome.is_fallback
                            || self.eval(&outcome.when, At::now(self.as_of)) != Tri::False
                            || self.eval(&outcome.when, At::all_opened(self.as_of)) != Tri::False;
                        if shows {
                            meet(&mut self.outcomes[o], &args);
                        }
                    }
                    return;
                }
                let question = &self.rules.questions[i];
                if self.eval(&question.ask_if, At::all_opened(self.as_of)) == Tri::False {
                    self.answers[i] = Known::Skipped;
                    self.walk(i + 1);
                } else {
                    let args = self.args();
                    meet(&mut self.questions[i], &args);
                    for (c, choice) in question.choices.iter().enumerate() {
                        self.answers[i] = Known::Answered {
                            choice: c as u16,
                            unknown: choice.unknown,
                        };
                        if !self.stopped() {
                            self.walk(i + 1);
                        }
                    }
                }
                self.answers[i] = Known::Open;
            }
        }
        let mut oracle = Oracle {
            rules,
            as_of: Date::MAX,
            answers: vec![Known::Open; rules.questions.len()],
            questions: vec![None; rules.questions.len()],
            outcomes: vec![None; rules.outcomes.len()],
        };
        for as_of in date_classes(rules) {
            oracle.as_of = as_of;
            if !oracle.stopped() {
                oracle.walk(0);
            }
        }
        (oracle.questions, oracle.outcomes)
    }

    #[test]
    fn the_remembered_walk_agrees_with_walking_every_path() {
        for seed in 0..40 {
            let input = crate::generate::rules(seed, 9);
            let rules = resolve::resolve(&input.rules_path, &input.rules_bytes)
                .unwrap_or_else(|e| panic!("seed {seed}: {e:?}"));
            let found = analyse(&input.rules_path, &rules, STATE_BUDGET);
            assert!(!found.coverage.incomplete);
            let (questions, outcomes) = brute_force(&rules);
            assert_eq!(found.question_args, questions, "seed {seed}: questions");
            assert_eq!(found.outcome_args, outcomes, "seed {seed}: outcomes");
        }
    }
}
