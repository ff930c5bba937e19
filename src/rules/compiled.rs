//! Conditions compiled once at load for the engine's hot path.
//!
//! `Condition` is a tree of boxed vectors, convenient to check and to print but slow to walk:
//! every interview step evaluates the `ask_if` of each question and, at the end, the `when`
//! of each outcome. Here every condition of a rules file becomes a run of one flat array of
//! small copyable operations in pre-order (a connective records how many operations it spans,
//! so a short-circuit jumps over the rest), choice lists become bit masks, dates become
//! integers, and nested `all`/`any` of the same kind are merged.
//!
//! Dated parts (`from`, `before`, `opens`, `uncertain_from`) only compare the as-of date with
//! a fixed day, so between two consecutive days named in the file (a *period*) each of them is
//! a constant. The engine evaluates in two ways only: as of today (`At::now`) and as of today
//! with every `opens:` come (`At::all_opened`); for each period and each of the two, the
//! conditions are folded once, on first use (the dated parts replaced by their value, parts
//! that cannot change the result dropped), and kept. Folding is memoisation, not state: the
//! same rules and date give the same program, whichever thread made it first.
//!
//! The result is exactly `Condition::eval_at`'s, including `None` for "depends on a skipped
//! question": `all` is false as soon as a part is false, otherwise `None` if a part is,
//! otherwise Kleene's and; `any` the same with true. Both are associative and commutative,
//! which is what makes merging, dropping neutral parts and any evaluation order safe. The
//! tests below hold compiled and folded programs to the tree on generated rules.
//!
//! Also precomputed per outcome: the questions its condition reads (for "because"), whether a
//! branch of it opens later, and the `stop` outcomes.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::date::Date;

use super::condition::{At, Known, Tri};
use super::model::{ChoiceIdx, Condition, Outcome, Question, QuestionIdx};

/// The compiled conditions of one rules file.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// Every condition, dated parts included: for any `At`.
    general: Program,
    /// Choice lists too wide for a mask, for `Op::IsList`.
    lists: Vec<ChoiceIdx>,
    /// The days the conditions name, sorted, without repeats: period `p` is the days on or
    /// after `days[p - 1]` and before `days[p]`.
    days: Vec<i64>,
    /// Per period, `general` folded as of a day in it: `[now, all_opened]`.
    periods: Box<[[OnceLock<Program>; 2]]>,
    /// The last day looked up and its period.
    last: LastPeriod,
    /// Per outcome: the questions its condition reads, sorted, without repeats.
    reads: Vec<Vec<QuestionIdx>>,
    /// Per outcome: the `opens:` days of its condition, sorted, without repeats (none: no
    /// branch opens later than others, `Condition::has_openings`).
    opens_days: Vec<Vec<Date>>,
    /// The `stop` outcomes, in file order.
    stops: Vec<u16>,
}

/// The period of the last day looked up, packed as `day << 20 | period` (days from year 0 on,
/// fewer than a million periods; other days are not remembered): every step of a day looks
/// up the same day.
#[derive(Debug)]
struct LastPeriod(AtomicU64);

impl Default for LastPeriod {
    fn default() -> LastPeriod {
        LastPeriod(AtomicU64::new(u64::MAX))
    }
}

impl Clone for LastPeriod {
    fn clone(&self) -> LastPeriod {
        LastPeriod(AtomicU64::new(self.0.load(Ordering::Relaxed)))
    }
}

impl LastPeriod {
    const BITS: u32 = 20;

    /// The period of `day`: how many of `days` (sorted) are on or before it.
    fn period(&self, day: i64, days: &[i64]) -> usize {
        let last = self.0.load(Ordering::Relaxed);
        if last != u64::MAX && (last >> Self::BITS) as i64 == day {
            return (last & ((1 << Self::BITS) - 1)) as usize;
        }
        let period = days.partition_point(|&d| d <= day);
        if (0..1 << 43).contains(&day) && period < 1 << Self::BITS {
            self.0.store(
                ((day as u64) << Self::BITS) | period as u64,
                Ordering::Relaxed,
            );
        }
        period
    }
}

/// Conditions as operations: each question's `ask_if`, then each outcome's `when`.
#[derive(Debug, Clone, Default)]
struct Program {
    ops: Vec<Op>,
    /// Where each question's `ask_if`, then each outcome's `when`, starts in `ops`.
    starts: Vec<u32>,
}

/// One operation; a connective is followed by its parts, `len` operations with itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    True,
    False,
    /// Always unknown (`uncertain:`).
    Unknown,
    /// The answer to `question` is one of the choices whose bits are set (all below 64).
    Is {
        question: QuestionIdx,
        mask: u64,
    },
    /// The answer to `question` is one of `lists[start..start + len]`.
    IsList {
        question: QuestionIdx,
        start: u32,
        len: u32,
    },
    All {
        len: u32,
    },
    Any {
        len: u32,
    },
    /// One part, read as of `today` (see `Condition::eval_at`).
    Not {
        len: u32,
    },
    From(i64),
    Before(i64),
    Opens(i64),
    UncertainFrom(i64),
}

/// A three-valued truth, or `Poison`: depends on a skipped question (`None` in the tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum V {
    False,
    Unknown,
    True,
    Poison,
}

/// A date as one integer, ordered as dates are.
fn key(d: Date) -> i64 {
    (i64::from(d.year()) << 9) | (i64::from(d.month()) << 5) | i64::from(d.day())
}

fn tri(b: bool) -> V {
    if b { V::True } else { V::False }
}

impl Compiled {
    pub fn new(questions: &[Question], outcomes: &[Outcome]) -> Compiled {
        let mut c = Compiled::default();
        let conditions = questions
            .iter()
            .map(|q| &q.ask_if)
            .chain(outcomes.iter().map(|o| &o.when));
        for condition in conditions {
            c.general.starts.push(c.general.ops.len() as u32);
            c.compile(condition);
        }
        c.general.ops.shrink_to_fit();
        c.days = c
            .general
            .ops
            .iter()
            .filter_map(|op| match *op {
                Op::From(d) | Op::Before(d) | Op::Opens(d) | Op::UncertainFrom(d) => Some(d),
                _ => None,
            })
            .collect();
        c.days.sort_unstable();
        c.days.dedup();
        c.periods = (0..=c.days.len()).map(|_| Default::default()).collect();
        for (o, outcome) in outcomes.iter().enumerate() {
            c.reads.push(outcome.when.reads());
            let mut days = Vec::new();
            outcome.when.opens_days(&mut days);
            days.sort_unstable();
            days.dedup();
            c.opens_days.push(days);
            if outcome.stop {
                c.stops.push(o as u16);
            }
        }
        c
    }

    fn compile(&mut self, condition: &Condition) {
        let ops = &mut self.general.ops;
        match condition {
            Condition::True => ops.push(Op::True),
            Condition::Uncertain(_) => ops.push(Op::Unknown),
            Condition::Is {
                question, choices, ..
            } => {
                if choices.iter().all(|&c| c < 64) {
                    let mask = choices.iter().fold(0u64, |m, &c| m | (1 << c));
                    ops.push(Op::Is {
                        question: *question,
                        mask,
                    });
                } else {
                    let start = self.lists.len() as u32;
                    self.lists.extend_from_slice(choices);
                    ops.push(Op::IsList {
                        question: *question,
                        start,
                        len: choices.len() as u32,
                    });
                }
            }
            Condition::All(parts) | Condition::Any(parts) if parts.len() == 1 => {
                // One part: the connective is the part.
                self.compile(&parts[0]);
            }
            Condition::All(parts) | Condition::Any(parts) => {
                let all = matches!(condition, Condition::All(_));
                let at = ops.len();
                ops.push(Op::True);
                self.parts(all, parts);
                let len = (self.general.ops.len() - at) as u32;
                self.general.ops[at] = if all {
                    Op::All { len }
                } else {
                    Op::Any { len }
                };
            }
            Condition::Not(inner) => {
                let at = ops.len();
                ops.push(Op::True);
                self.compile(inner);
                let len = (self.general.ops.len() - at) as u32;
                self.general.ops[at] = Op::Not { len };
            }
            Condition::From(d) => ops.push(Op::From(key(*d))),
            Condition::Before(d) => ops.push(Op::Before(key(*d))),
            Condition::Opens(d) => ops.push(Op::Opens(key(*d))),
            Condition::UncertainFrom(d) => ops.push(Op::UncertainFrom(key(*d))),
        }
    }

    /// The parts of a connective, those of nested connectives of the same kind inlined.
    fn parts(&mut self, all: bool, parts: &[Condition]) {
        for part in parts {
            match part {
                Condition::All(inner) if all => self.parts(all, inner),
                Condition::Any(inner) if !all => self.parts(all, inner),
                _ => self.compile(part),
            }
        }
    }

    /// The conditions as evaluated against `at` (look it up once, evaluate many).
    pub fn at(&self, at: At) -> Conditions<'_> {
        Conditions {
            program: self.program(at),
            lists: &self.lists,
            outcomes_from: self.general.starts.len() - self.reads.len(),
            today: key(at.today),
            opened_by: key(at.opened_by),
        }
    }

    /// The questions outcome `o`'s condition reads, sorted (`Condition::reads`).
    pub fn reads(&self, o: usize) -> &[QuestionIdx] {
        &self.reads[o]
    }

    /// As `Condition::opening` for outcome `o`: the first `opens:` day after `today` on
    /// which its condition, false today, would no longer be false.
    pub fn opening(&self, o: usize, today: Date, known: &[Known]) -> Option<Date> {
        let days = &self.opens_days[o];
        if days.is_empty() || self.at(At::all_opened(today)).when(o, known) == Some(Tri::False) {
            return None;
        }
        days.iter().copied().filter(|&d| d > today).find(|&d| {
            let at = At {
                today,
                opened_by: d,
            };
            self.at(at).when(o, known) != Some(Tri::False)
        })
    }

    /// The `stop` outcomes, in file order.
    pub fn stops(&self) -> impl Iterator<Item = usize> + '_ {
        self.stops.iter().map(|&o| usize::from(o))
    }

    /// The program for `at`: folded for its period when `at` is one of the engine's two.
    fn program(&self, at: At) -> &Program {
        let today = key(at.today);
        let mode = if at.opened_by == at.today {
            0
        } else if at.opened_by == Date::MAX {
            1
        } else {
            return &self.general;
        };
        let period = self.last.period(today, &self.days);
        self.periods[period][mode].get_or_init(|| self.fold(today, key(at.opened_by)))
    }

    /// `general` with every dated part replaced by its value as of `today` (`opened_by` for
    /// `opens:`), and the parts that then cannot change a result dropped.
    fn fold(&self, today: i64, opened_by: i64) -> Program {
        let mut folder = Folder {
            from: &self.general.ops,
            ops: Vec::with_capacity(self.general.ops.len()),
            today,
        };
        let mut starts = Vec::with_capacity(self.general.starts.len());
        for &start in &self.general.starts {
            starts.push(folder.ops.len() as u32);
            if let Some(value) = folder.fold(start as usize, opened_by) {
                folder.ops.push(match value {
                    V::True => Op::True,
                    V::False => Op::False,
                    _ => Op::Unknown,
                });
            }
        }
        let mut ops = folder.ops;
        ops.shrink_to_fit();
        Program { ops, starts }
    }
}

/// The compiled conditions against one `At`.
#[derive(Clone, Copy)]
pub struct Conditions<'a> {
    program: &'a Program,
    lists: &'a [ChoiceIdx],
    /// Where the outcomes' conditions start in `program.starts`.
    outcomes_from: usize,
    today: i64,
    opened_by: i64,
}

impl Conditions<'_> {
    /// Question `q`'s `ask_if`, as `Condition::eval_at`.
    pub fn ask_if(&self, q: usize, known: &[Known]) -> Option<Tri> {
        self.run(q, known)
    }

    /// Outcome `o`'s `when`, as `Condition::eval_at`.
    pub fn when(&self, o: usize, known: &[Known]) -> Option<Tri> {
        self.run(self.outcomes_from + o, known)
    }

    fn run(&self, condition: usize, known: &[Known]) -> Option<Tri> {
        let eval = Eval {
            ops: &self.program.ops,
            lists: self.lists,
            today: self.today,
            known,
        };
        match eval.eval(self.program.starts[condition] as usize, self.opened_by) {
            V::False => Some(Tri::False),
            V::Unknown => Some(Tri::Unknown),
            V::True => Some(Tri::True),
            V::Poison => None,
        }
    }
}

/// Folds a general program as of a day (see `Compiled::fold`).
struct Folder<'a> {
    from: &'a [Op],
    ops: Vec<Op>,
    today: i64,
}

impl Folder<'_> {
    /// Folds the operation at `i` of `from`: its value when it does not depend on answers
    /// (nothing written), otherwise `None` with its folded operations written.
    fn fold(&mut self, i: usize, opened_by: i64) -> Option<V> {
        let today = self.today;
        match self.from[i] {
            Op::True => Some(V::True),
            Op::False => Some(V::False),
            Op::Unknown => Some(V::Unknown),
            op @ (Op::Is { .. } | Op::IsList { .. }) => {
                self.ops.push(op);
                None
            }
            Op::From(d) => Some(tri(today >= d)),
            Op::Before(d) => Some(tri(today < d)),
            Op::Opens(d) => Some(tri(opened_by >= d)),
            Op::UncertainFrom(d) if today >= d => Some(V::Unknown),
            Op::UncertainFrom(_) => Some(V::True),
            Op::Not { .. } => {
                let at = self.ops.len();
                self.ops.push(Op::True);
                match self.fold(i + 1, today) {
                    Some(value) => {
                        self.ops.truncate(at);
                        Some(match value {
                            V::True => V::False,
                            V::False => V::True,
                            other => other,
                        })
                    }
                    None => {
                        let len = (self.ops.len() - at) as u32;
                        self.ops[at] = Op::Not { len };
                        None
                    }
                }
            }
            Op::All { len } | Op::Any { len } => {
                let all = matches!(self.from[i], Op::All { .. });
                // The value that decides alone (false for `all`) and the neutral one.
                let (decides, neutral) = if all {
                    (V::False, V::True)
                } else {
                    (V::True, V::False)
                };
                let at = self.ops.len();
                self.ops.push(Op::True);
                let (mut parts, mut unknown) = (0, false);
                let end = i + len as usize;
                let mut j = i + 1;
                while j < end {
                    match self.fold(j, opened_by) {
                        Some(value) if value == decides => {
                            self.ops.truncate(at);
                            return Some(decides);
                        }
                        Some(value) if value == neutral => {}
                        // A constant unknown stays one part (it is not a skipped question).
                        Some(_) => unknown = true,
                        None => parts += 1,
                    }
                    j = end_of(self.from, j);
                }
                if unknown {
                    self.ops.push(Op::Unknown);
                    parts += 1;
                }
                match parts {
                    0 => {
                        self.ops.truncate(at);
                        Some(neutral)
                    }
                    1 if !unknown => {
                        // One part left: the connective is the part.
                        self.ops.remove(at);
                        None
                    }
                    1 => {
                        // Only the unknown constant is left.
                        self.ops.truncate(at);
                        Some(V::Unknown)
                    }
                    _ => {
                        // Tests of one answer first: they are cheap, and often decide.
                        let body: Vec<Op> = self.ops.drain(at + 1..).collect();
                        let mut rest = Vec::new();
                        let mut k = 0;
                        while k < body.len() {
                            let e = end_of(&body, k);
                            if e == k + 1 {
                                self.ops.push(body[k]);
                            } else {
                                rest.extend_from_slice(&body[k..e]);
                            }
                            k = e;
                        }
                        self.ops.extend(rest);
                        let len = (self.ops.len() - at) as u32;
                        self.ops[at] = if all {
                            Op::All { len }
                        } else {
                            Op::Any { len }
                        };
                        None
                    }
                }
            }
        }
    }
}

/// Where the operation at `i` and its parts end.
fn end_of(ops: &[Op], i: usize) -> usize {
    match ops[i] {
        Op::All { len } | Op::Any { len } | Op::Not { len } => i + len as usize,
        _ => i + 1,
    }
}

struct Eval<'a> {
    ops: &'a [Op],
    lists: &'a [ChoiceIdx],
    today: i64,
    known: &'a [Known],
}

impl Eval<'_> {
    /// Where the operation at `i` and its parts end.
    fn end(&self, i: usize) -> usize {
        end_of(self.ops, i)
    }

    fn eval(&self, i: usize, opened_by: i64) -> V {
        match self.ops[i] {
            Op::All { len } => {
                let end = i + len as usize;
                let mut result = V::True;
                let mut j = i + 1;
                while j < end {
                    match self.part(j, opened_by) {
                        V::False => return V::False,
                        V::Poison => result = V::Poison,
                        V::Unknown if result != V::Poison => result = V::Unknown,
                        _ => {}
                    }
                    j = self.end(j);
                }
                result
            }
            Op::Any { len } => {
                let end = i + len as usize;
                let mut result = V::False;
                let mut j = i + 1;
                while j < end {
                    match self.part(j, opened_by) {
                        V::True => return V::True,
                        V::Poison => result = V::Poison,
                        V::Unknown if result != V::Poison => result = V::Unknown,
                        _ => {}
                    }
                    j = self.end(j);
                }
                result
            }
            Op::Not { .. } => match self.part(i + 1, self.today) {
                V::True => V::False,
                V::False => V::True,
                other => other,
            },
            op => self.leaf(op, opened_by),
        }
    }

    /// A part of a connective: a leaf without a call.
    #[inline(always)]
    fn part(&self, j: usize, opened_by: i64) -> V {
        match self.ops[j] {
            Op::All { .. } | Op::Any { .. } | Op::Not { .. } => self.eval(j, opened_by),
            op => self.leaf(op, opened_by),
        }
    }

    #[inline(always)]
    fn leaf(&self, op: Op, opened_by: i64) -> V {
        match op {
            Op::True => V::True,
            Op::False => V::False,
            Op::Unknown => V::Unknown,
            Op::Is { question, mask } => self.is(question, |c| c < 64 && mask & (1 << c) != 0),
            Op::IsList {
                question,
                start,
                len,
            } => self.is(question, |c| {
                self.lists[start as usize..(start + len) as usize].contains(&c)
            }),
            Op::From(d) => tri(self.today >= d),
            Op::Before(d) => tri(self.today < d),
            Op::Opens(d) => tri(opened_by >= d),
            Op::UncertainFrom(d) if self.today >= d => V::Unknown,
            Op::UncertainFrom(_) => V::True,
            Op::All { .. } | Op::Any { .. } | Op::Not { .. } => self.eval_connective(op),
        }
    }

    #[cold]
    fn eval_connective(&self, _: Op) -> V {
        unreachable!("connectives are evaluated by `eval`")
    }

    /// The answer to `question` is one of those `hit` accepts.
    #[inline(always)]
    fn is(&self, question: QuestionIdx, hit: impl Fn(ChoiceIdx) -> bool) -> V {
        match self.known[usize::from(question)] {
            Known::Answered { choice, unknown } => {
                if hit(choice) {
                    V::True
                } else if unknown {
                    V::Unknown
                } else {
                    V::False
                }
            }
            Known::Open => V::Unknown,
            Known::Skipped => V::Poison,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rules::Rules;

    /// Every condition of `rules`, compiled (general and folded) and as a tree, against `at`
    /// and many answer states, including skipped and open questions.
    fn agree(rules: &Rules, at: At, seed: &mut u64) {
        let mut random = |n: usize| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((*seed >> 33) as usize) % n
        };
        let compiled = &rules.compiled;
        let conditions = compiled.at(at);
        let general = Conditions {
            program: &compiled.general,
            ..conditions
        };
        for _ in 0..40 {
            let known: Vec<Known> = rules
                .questions
                .iter()
                .map(|q| match random(4) {
                    0 => Known::Open,
                    1 => Known::Skipped,
                    _ => {
                        let choice = random(q.choices.len());
                        Known::Answered {
                            choice: choice as ChoiceIdx,
                            unknown: q.choices[choice].unknown,
                        }
                    }
                })
                .collect();
            let by_tree = |c: &Condition| c.eval_at(at, &|q| known[usize::from(q)]);
            for (q, question) in rules.questions.iter().enumerate() {
                let tree = by_tree(&question.ask_if);
                assert_eq!(conditions.ask_if(q, &known), tree, "ask_if {q} at {at:?}");
                assert_eq!(general.ask_if(q, &known), tree, "ask_if {q} at {at:?}");
            }
            for (o, outcome) in rules.outcomes.iter().enumerate() {
                let tree = by_tree(&outcome.when);
                assert_eq!(conditions.when(o, &known), tree, "when {o} at {at:?}");
                assert_eq!(general.when(o, &known), tree, "when {o} at {at:?}");
                if at.opened_by == at.today {
                    assert_eq!(
                        compiled.opening(o, at.today, &known),
                        outcome.when.opening(at.today, &|q| known[usize::from(q)]),
                        "opening of {o} at {at:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn compiled_conditions_agree_with_the_tree() {
        let mut seed = 7;
        let shipped = crate::check::load(&crate::files::embedded(), crate::generate::today());
        let generated = (1..=12).map(|s| {
            crate::check::load(
                &crate::generate::rules(s, 5 + 3 * s as usize),
                crate::generate::today(),
            )
        });
        for report in std::iter::once(shipped).chain(generated) {
            let rules = &report.rule_set.expect("clean rules").rules;
            let mut days: Vec<Date> = crate::generate::as_of_dates();
            days.extend(rules.compiled.days.iter().map(|&k| {
                Date::new((k >> 9) as i32, ((k >> 5) & 15) as u8, (k & 31) as u8).unwrap()
            }));
            for day in days {
                // The days named, and those either side, in periods folded already or not.
                for today in [day, day.add_days(1), day.add_days(-1)] {
                    let later = At {
                        today,
                        opened_by: today.add_days(40),
                    };
                    for at in [At::now(today), At::all_opened(today), later] {
                        agree(rules, at, &mut seed);
                    }
                }
            }
        }
    }

    #[test]
    fn date_keys_order_as_dates() {
        let days = [
            Date::new(1999, 12, 31).unwrap(),
            Date::new(2023, 1, 6).unwrap(),
            Date::new(2023, 2, 1).unwrap(),
            Date::new(2024, 2, 29).unwrap(),
            Date::MAX,
        ];
        for a in days {
            for b in days {
                assert_eq!(a.cmp(&b), key(a).cmp(&key(b)), "{a} {b}");
            }
        }
    }
}
