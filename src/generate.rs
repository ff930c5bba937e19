//! Generated rules files with their locales, for property tests and benchmarks.
//!
//! Contract: `rules(seed, n)` is a rules file of `n` questions with `es` and `en` locales that
//! `check::load` accepts with no error. Its only warnings say that nothing reads the answer
//! to some question (see below). The same seed and size always give the same bytes (a small
//! seeded PRNG, no clock, no global state). Not part of the product: the module is public
//! only so tests and benchmarks outside the crate can use it.
//!
//! Shape, close to a real file: question 0 sets text arguments on every choice (like
//! `location` setting `cutoff`); one or two two-choice questions end the interview through a
//! `stop` outcome on their second choice (like `age: minor`; in files of up to 100
//! questions, some only before or from a date); often a later question sets one more
//! argument; every other question has 2–5 choices (some with "I don't know") and is either
//! always asked or asked when 1–2 of the previous three answers say so, through
//! `all`/`any`/`not` and a few dated (`from:`/`before:`) conditions. Outcomes read question 0
//! and a few questions near the end, some with an `uncertain`/`uncertain_from` criterion, and
//! have windows, sources and links; a fallback closes the file. One file in ten also has an
//! `early_referral`: a `stop` outcome for everyone before a date. Messages use the arguments
//! and dates `check` allows them.
//!
//! Why it is valid by construction:
//! - *no condition reads a skipped question*: a condition reads a question that may be skipped
//!   only together with that question's own `ask_if` `G`, as `all: [G, {q: …}]` (false before
//!   `q` is read when `G` is false) or `any: [{not: G}, {q: …}]` (true when `G` is false).
//!   Only questions whose `ask_if` is short can be read, so `G` never grows long;
//! - *every question is asked and every outcome can apply*: each condition is built to be not
//!   false on a *witness*, a consistent set of answers to the questions it reads (found by
//!   walking them in order and evaluating their `ask_if`s) as of a chosen date (one the early
//!   referral does not cover). Any path through the witness that answers the `stop` questions
//!   with their first choice reaches it;
//! - *some path has no outcome* (the verdict's fallback case): every outcome requires that
//!   question 0 is not answered with its last choice;
//! - *arguments are set wherever `check` says they are*: a message uses only the arguments
//!   of always-asked questions before it; an outcome's, only those before its `stop`
//!   question, if any; the fallback's, only those before the first `stop` question. The
//!   early referral stops before question 0, so its messages (and then the fallback's) use
//!   no answer's arguments.
//!
//! Why some answers are read by nothing: a question asked under a condition must be read by
//! a later condition, whose own question then must be read, and so on; the chain ends at an
//! outcome or at a question nothing reads. The flow analysis keeps every question an outcome
//! reads (and every question that sets arguments) in its memo key to the end of the file, so
//! outcomes that read questions all over a large file make `check` exponential. Outcomes here
//! read question 0 and a small pool near the end, and the other chain ends stay unread.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::check::Input;
use crate::date::Date;
use crate::i18n::LocaleFile;
use crate::render::UI_MESSAGES;
use crate::rules::{ChoiceIdx, Condition, Known, QuestionIdx, Tri};
use crate::yaml::Span;

/// The languages of the generated locales.
pub const LANGS: [&str; 2] = ["es", "en"];

/// Dates `from:`/`before:` conditions use.
const CONDITION_DATES: [(i32, u8, u8); 2] = [(2024, 8, 23), (2025, 1, 20)];
/// One as-of date in each class of the condition dates: the witnesses' dates.
const WITNESS_DATES: [(i32, u8, u8); 3] = [(2024, 1, 15), (2024, 10, 1), (2025, 6, 1)];
/// Windows outcomes may have (`opens`, `closes`), as written in the file.
const WINDOWS: [(Option<&str>, Option<&str>); 6] = [
    (None, None),
    (Some("2023-06-28"), Some("2025-01")),
    (Some("2023-01-12"), Some("2025-01-20")),
    (None, Some("2024-08-23")),
    (Some("2025-01"), None),
    (Some("2024-08-23"), Some("2026-12-01")),
];
/// The longest `ask_if` (in question tests) of a question conditions may read.
const MAX_SIZE: usize = 2;
/// How far back an `ask_if` reads.
const NEARBY: usize = 3;
/// Outcomes read questions among this many at the end of the file.
const TAIL: usize = 12;
/// Most questions (besides question 0) outcomes read in all.
const POOL: usize = 4;
/// Most answer combinations of those questions (and the ones their `ask_if`s read).
const POOL_COMBINATIONS: usize = 100;

/// The day `check` runs on for generated files (the file says it was reviewed the day before
/// and asks for no periodic review, so no date makes it stale).
pub fn today() -> Date {
    date((2026, 11, 28))
}

/// As-of dates that fall on both sides of every date the generated files use (windows and
/// conditions), for driving the engine.
pub fn as_of_dates() -> Vec<Date> {
    [
        (2023, 1, 11),
        (2023, 1, 12),
        (2023, 6, 28),
        (2023, 7, 1),
        (2024, 1, 15),
        (2024, 8, 22),
        (2024, 8, 23),
        (2024, 12, 31),
        (2025, 1, 1),
        (2025, 1, 20),
        (2025, 2, 1),
        (2025, 6, 1),
        (2026, 11, 30),
        (2026, 12, 1),
    ]
    .into_iter()
    .map(date)
    .collect()
}

fn date((y, m, d): (i32, u8, u8)) -> Date {
    Date::new(y, m, d).unwrap_or_else(|| Date::from_days_since_epoch(0))
}

/// A rules file of `questions` questions (at least one) with its `es` and `en` locales.
pub fn rules(seed: u64, questions: usize) -> Input {
    let mut g = Gen::new(seed, questions.max(1));
    g.plan();
    let yaml = g.yaml();
    let mut locale_files = Vec::new();
    for lang in LANGS {
        locale_files.push(LocaleFile {
            lang: lang.to_string(),
            path: PathBuf::from(format!("locales/{lang}/interface.ftl")),
            text: interface(lang),
        });
        locale_files.push(LocaleFile {
            lang: lang.to_string(),
            path: PathBuf::from(format!("locales/{lang}/generated.ftl")),
            text: g.messages(lang),
        });
    }
    Input {
        rules_path: PathBuf::from("rules/generated.yaml"),
        rules_bytes: yaml.into_bytes(),
        locale_files,
        locale_problems: Vec::new(),
        locales_dir: PathBuf::from("locales"),
    }
}

/// splitmix64: small, fast, and good enough to vary a test file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// An argument a question's choices set.
#[derive(Clone, Copy)]
struct Arg {
    name: &'static str,
    /// The value for choice `c`, as written in YAML.
    value: fn(usize) -> String,
}

const FIRST_ARGS: [Arg; 3] = [
    Arg {
        name: "place",
        value: |c| format!("\"Oficina {}\"", c + 1),
    },
    Arg {
        name: "cutoff",
        value: |c| format!("2023-06-{:02}", 11 + c),
    },
    Arg {
        name: "seats",
        value: |c| format!("{}", 12 + 7 * c),
    },
];

const LATER_ARGS: [Arg; 1] = [Arg {
    name: "phone",
    value: |c| format!("\"0 1800 519 06{:02}\"", 60 + c),
}];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Question 0: always asked, every choice sets `FIRST_ARGS`; its last choice is the one
    /// no outcome applies to.
    First,
    /// Always asked, two choices; the second ends the interview.
    Stop,
    /// Always asked, every choice sets `LATER_ARGS`.
    Provider,
    /// Always asked, or asked when `ask_if` is not false.
    Plain,
}

struct Question {
    kind: Kind,
    choices: usize,
    /// The last choice is "I don't know".
    has_unknown: bool,
    ask_if: Condition,
    /// How many question tests reading it takes, its `ask_if` included: 1 when always asked.
    size: usize,
    /// Some condition reads it.
    read: bool,
    count_choices: bool,
    /// The question text shows these arguments.
    text_args: Vec<&'static str>,
    text_as_of: bool,
}

impl Question {
    fn unknown(&self, c: usize) -> bool {
        self.has_unknown && c + 1 == self.choices
    }

    /// Choices that are not "I don't know".
    fn regular(&self) -> usize {
        self.choices - usize::from(self.has_unknown)
    }

    /// Conditions may read it: not a `stop` question, and its `ask_if` (which a test of it
    /// repeats) is short.
    fn readable(&self) -> bool {
        self.kind != Kind::Stop && self.size <= MAX_SIZE
    }
}

struct Outcome {
    id: String,
    when: Condition,
    stop: bool,
    window: (Option<&'static str>, Option<&'static str>),
    sources: Vec<usize>,
    links: Vec<usize>,
    /// The messages show these arguments.
    args: Vec<&'static str>,
    as_of: bool,
}

struct Gen {
    rng: Rng,
    n: usize,
    questions: Vec<Question>,
    outcomes: Vec<Outcome>,
    fallback_args: Vec<&'static str>,
    /// The question that sets `LATER_ARGS`, if any.
    provider: Option<usize>,
    /// A `stop` outcome applies to everyone before the first condition date.
    early_stop: bool,
    /// How many of `CONDITION_DATES` conditions use: one in large files, so `check` walks
    /// them twice, not three times.
    dates: usize,
}

/// What a condition should be on its witness.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// True or unknown.
    NotFalse,
    /// False or unknown.
    NotTrue,
}

impl Want {
    fn flip(self) -> Want {
        match self {
            Want::NotFalse => Want::NotTrue,
            Want::NotTrue => Want::NotFalse,
        }
    }
}

/// Answers to the questions one condition reads, as of one date.
struct Witness {
    as_of: Date,
    known: BTreeMap<usize, Known>,
}

impl Witness {
    fn eval(&self, c: &Condition) -> Option<Tri> {
        c.eval(self.as_of, &|q| {
            self.known
                .get(&usize::from(q))
                .copied()
                .unwrap_or(Known::Open)
        })
    }
}

fn is(q: usize, choices: Vec<usize>) -> Condition {
    Condition::Is {
        question: q as QuestionIdx,
        choices: choices.into_iter().map(|c| c as ChoiceIdx).collect(),
        span: Span::default(),
    }
}

impl Gen {
    fn new(seed: u64, n: usize) -> Gen {
        Gen {
            rng: Rng(seed ^ 0x5275_6d62_6f21_0001),
            n,
            questions: Vec::with_capacity(n),
            outcomes: Vec::new(),
            fallback_args: Vec::new(),
            provider: None,
            early_stop: false,
            dates: if n > 100 { 1 } else { CONDITION_DATES.len() },
        }
    }

    fn plan(&mut self) {
        let n = self.n;
        self.early_stop = self.rng.chance(10);
        // Where the stop questions and the second argument provider go.
        let mut kinds = vec![Kind::Plain; n];
        kinds[0] = Kind::First;
        if n >= 4 {
            let stops = 1 + self.rng.below(2);
            let span = (n - 1) / 2;
            for _ in 0..stops {
                let at = 1 + self.rng.below(span.max(1));
                kinds[at] = Kind::Stop;
            }
        }
        if n >= 5 && self.rng.chance(70) {
            let first_stop = kinds.iter().position(|k| *k == Kind::Stop).unwrap_or(0);
            let at = first_stop + 1 + self.rng.below(n - first_stop - 1);
            if kinds[at] == Kind::Plain {
                kinds[at] = Kind::Provider;
            }
        }
        self.provider = kinds.iter().position(|k| *k == Kind::Provider);
        for (i, kind) in kinds.into_iter().enumerate() {
            let q = self.question(i, kind);
            self.questions.push(q);
        }
        self.outcomes();
    }

    /// Arguments set on every path that gets past question `i` (exclusive).
    fn args_before(&self, i: usize) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = FIRST_ARGS.iter().map(|a| a.name).collect();
        if i == 0 {
            out.clear();
        }
        if self.provider.is_some_and(|p| p < i) {
            out.extend(LATER_ARGS.iter().map(|a| a.name));
        }
        out
    }

    /// A random subset of `args`, in order.
    fn some_args(&mut self, args: &[&'static str], percent: u64) -> Vec<&'static str> {
        args.iter()
            .copied()
            .filter(|_| self.rng.chance(percent))
            .collect()
    }

    fn question(&mut self, i: usize, kind: Kind) -> Question {
        let (choices, has_unknown) = match kind {
            Kind::First => (2 + self.rng.below(2), false),
            Kind::Stop => (2, false),
            Kind::Provider => (2, false),
            Kind::Plain => {
                let choices = 2 + self.rng.below(4);
                (choices, choices >= 3 && self.rng.chance(35))
            }
        };
        let available = self.args_before(i);
        let text_args = self.some_args(&available, 30);
        let mut q = Question {
            kind,
            choices,
            has_unknown,
            ask_if: Condition::True,
            size: 1,
            read: false,
            count_choices: !self.rng.chance(5),
            text_args,
            text_as_of: self.rng.chance(5),
        };
        if kind == Kind::Plain && i > 0 {
            let nearby: Vec<usize> = (i.saturating_sub(NEARBY)..i)
                .filter(|&r| self.questions[r].readable())
                .collect();
            // Questions nothing reads yet go first, so few are left that nothing reads.
            let unread: Vec<usize> = nearby
                .iter()
                .copied()
                .filter(|&r| !self.questions[r].read)
                .collect();
            let percent = if unread.is_empty() { 30 } else { 80 };
            if !nearby.is_empty() && self.rng.chance(percent) {
                let from = if unread.is_empty() { &nearby } else { &unread };
                let mut reads = vec![self.rng.pick(from)];
                if nearby.len() > 1 && self.rng.chance(40) {
                    let other = self.rng.pick(&nearby);
                    if other != reads[0] {
                        reads.push(other);
                    }
                }
                reads.sort_unstable();
                let dated = self.rng.chance(8);
                let witness = self.witness(&reads, false);
                q.ask_if = self.condition(&reads, dated, Want::NotFalse, &witness);
                q.size = 1 + reads.iter().map(|&r| self.questions[r].size).sum::<usize>();
                self.mark_read(&q.ask_if);
            }
        }
        q
    }

    fn mark_read(&mut self, c: &Condition) {
        for q in c.reads() {
            self.questions[usize::from(q)].read = true;
        }
    }

    /// The questions read by `reads` and by the `ask_if`s guarding them, ascending.
    fn closure(&self, reads: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        let mut todo: Vec<usize> = reads.to_vec();
        while let Some(q) = todo.pop() {
            if !out.contains(&q) {
                out.push(q);
                todo.extend(
                    self.questions[q]
                        .ask_if
                        .reads()
                        .into_iter()
                        .map(usize::from),
                );
            }
        }
        out.sort_unstable();
        out
    }

    /// Consistent answers to the questions `reads` depend on, as of a random date. With
    /// `for_outcome`, question 0 is not answered with its last choice (the no-outcome one).
    fn witness(&mut self, reads: &[usize], for_outcome: bool) -> Witness {
        // Before the first condition date, an early referral ends every interview at once.
        let dates = if self.early_stop {
            &WITNESS_DATES[1..]
        } else {
            &WITNESS_DATES[..]
        };
        let mut w = Witness {
            as_of: date(self.rng.pick(dates)),
            known: BTreeMap::new(),
        };
        for q in self.closure(reads) {
            let question = &self.questions[q];
            let asked = w.eval(&question.ask_if);
            debug_assert!(asked.is_some(), "q{q}'s ask_if reads a skipped question");
            let known = if asked == Some(Tri::False) {
                Known::Skipped
            } else {
                let mut choices = question.choices;
                if q == 0 && for_outcome {
                    choices -= 1;
                }
                let c = self.rng.below(choices);
                Known::Answered {
                    choice: c as ChoiceIdx,
                    unknown: question.unknown(c),
                }
            };
            w.known.insert(q, known);
        }
        w
    }

    /// A condition reading `reads` (and a date when `dated`) that is `want` on `w`.
    fn condition(&mut self, reads: &[usize], dated: bool, want: Want, w: &Witness) -> Condition {
        let mut leaves: Vec<Option<usize>> = reads.iter().copied().map(Some).collect();
        if dated {
            leaves.push(None);
        }
        let negate = self.rng.chance(15);
        let want_inside = if negate { want.flip() } else { want };
        let inner = if leaves.len() == 1 {
            self.leaf(leaves[0], want_inside, w)
        } else {
            let all = self.rng.chance(55);
            // `all` is not false when every part is not false, and not true when one part is
            // not true; `any` the other way round.
            let (every, one) = if all == (want_inside == Want::NotFalse) {
                (Some(want_inside), None)
            } else {
                (None, Some(self.rng.below(leaves.len())))
            };
            let parts = leaves
                .iter()
                .enumerate()
                .map(|(k, &leaf)| {
                    let part_want = match (every, one) {
                        (Some(want), _) => want,
                        (None, Some(chosen)) if chosen == k => want_inside,
                        _ => {
                            if self.rng.chance(50) {
                                Want::NotFalse
                            } else {
                                Want::NotTrue
                            }
                        }
                    };
                    self.leaf(leaf, part_want, w)
                })
                .collect();
            if all {
                Condition::All(parts)
            } else {
                Condition::Any(parts)
            }
        };
        let c = if negate {
            Condition::Not(Box::new(inner))
        } else {
            inner
        };
        debug_assert!(match (w.eval(&c), want) {
            (None, _) => false,
            (Some(t), Want::NotFalse) => t != Tri::False,
            (Some(t), Want::NotTrue) => t != Tri::True,
        });
        c
    }

    /// One question test (with its guard), or a date test when `q` is `None`.
    fn leaf(&mut self, q: Option<usize>, want: Want, w: &Witness) -> Condition {
        let Some(q) = q else {
            let day = date(self.rng.pick(&CONDITION_DATES[..self.dates]));
            let from_holds = w.as_of >= day;
            // `from` holds on the witness date exactly when `before` does not.
            return if from_holds == (want == Want::NotFalse) {
                Condition::From(day)
            } else {
                Condition::Before(day)
            };
        };
        let question = &self.questions[q];
        let regular = question.regular();
        let guard = question.ask_if.clone();
        let known = w.known.get(&q).copied().unwrap_or(Known::Skipped);
        let choices = match known {
            Known::Answered { choice, unknown } => {
                let choice = usize::from(choice);
                match (want, unknown) {
                    // An "I don't know" answer makes any test of other choices unknown.
                    (_, true) => self.subset(regular, None, None),
                    (Want::NotFalse, false) => self.subset(regular, Some(choice), None),
                    (Want::NotTrue, false) => self.subset(regular, None, Some(choice)),
                }
            }
            _ => self.subset(regular, None, None),
        };
        let test = is(q, choices);
        if guard == Condition::True {
            return test;
        }
        // Skipped on the witness: `all: [G, …]` is false, `any: [{not: G}, …]` true. Asked:
        // either is the test itself or unknown, so the test's value decides.
        let implication = match known {
            Known::Skipped => want == Want::NotFalse,
            _ => self.rng.chance(40),
        };
        if implication {
            Condition::Any(vec![Condition::Not(Box::new(guard)), test])
        } else {
            Condition::All(vec![guard, test])
        }
    }

    /// Some of the first `regular` choices, in order: never all of them, always `with`,
    /// never `without`.
    fn subset(
        &mut self,
        regular: usize,
        with: Option<usize>,
        without: Option<usize>,
    ) -> Vec<usize> {
        let mut set: Vec<usize> = Vec::new();
        let first = with.unwrap_or_else(|| {
            loop {
                let c = self.rng.below(regular);
                if Some(c) != without {
                    break c;
                }
            }
        });
        for c in 0..regular {
            let take = c == first
                || (Some(c) != without && set.len() + 2 < regular && self.rng.chance(30));
            if take {
                set.push(c);
            }
        }
        set
    }

    fn outcomes(&mut self) {
        let n = self.n;
        // The pool: a few readable questions near the end whose answers (with the questions
        // their `ask_if`s read) have few combinations.
        let candidates: Vec<usize> = (n.saturating_sub(TAIL).max(1)..n)
            .filter(|&q| self.questions[q].readable() && self.questions[q].kind == Kind::Plain)
            .collect();
        // Questions nothing reads yet first.
        let start = self.rng.below(candidates.len().max(1));
        let mut ordered: Vec<usize> = candidates[start.min(candidates.len())..]
            .iter()
            .chain(&candidates[..start.min(candidates.len())])
            .copied()
            .collect();
        ordered.sort_by_key(|&q| self.questions[q].read);
        let mut pool: Vec<usize> = Vec::new();
        for q in ordered {
            if pool.len() == POOL {
                break;
            }
            let mut with = pool.clone();
            with.push(q);
            let combinations: usize = self
                .closure(&with)
                .iter()
                .map(|&r| self.questions[r].choices + 1)
                .product();
            if combinations <= POOL_COMBINATIONS {
                pool = with;
            }
        }
        let first = &self.questions[0];
        let gate: Vec<usize> = (0..first.choices - 1).collect();
        let all_args = self.args_before(n);
        let count = (2 + self.rng.below(5)).max(pool.len());
        for k in 0..count {
            let mut reads: Vec<usize> = Vec::new();
            // Every question of the pool is read by some outcome.
            if let Some(&q) = pool.get(k) {
                reads.push(q);
            }
            for _ in 0..self.rng.below(3) {
                if !pool.is_empty() {
                    let q = self.rng.pick(&pool);
                    if !reads.contains(&q) {
                        reads.push(q);
                    }
                }
            }
            reads.sort_unstable();
            let dated = self.rng.chance(15);
            let mut witness_reads = reads.clone();
            witness_reads.insert(0, 0);
            let w = self.witness(&witness_reads, true);
            let Some(Known::Answered { choice: first, .. }) = w.known.get(&0).copied() else {
                unreachable!("question 0 is always asked")
            };
            // Question 0 in all its choices but the last, then the rest.
            let mut on_first = gate.clone();
            if gate.len() > 1 && self.rng.chance(50) {
                on_first = vec![usize::from(first)];
            }
            let mut parts = vec![is(0, on_first)];
            if !reads.is_empty() || dated {
                parts.push(self.condition(&reads, dated, Want::NotFalse, &w));
            }
            // Sometimes the sources leave a criterion open (never false: unknown, or true
            // before a date).
            if self.rng.chance(12) {
                parts.push(if self.rng.chance(50) {
                    Condition::Uncertain("the sources disagree".into())
                } else {
                    Condition::UncertainFrom(date(CONDITION_DATES[0]))
                });
            }
            let when = if parts.len() == 1 {
                parts.remove(0)
            } else {
                Condition::All(parts)
            };
            self.mark_read(&when);
            let window = self.rng.pick(&WINDOWS);
            let args = self.some_args(&all_args, 40);
            let outcome = self.outcome(format!("o{}", k + 1), when, false, window, args);
            self.outcomes.push(outcome);
        }
        for s in 0..n {
            if self.questions[s].kind != Kind::Stop {
                continue;
            }
            let window = if self.rng.chance(40) {
                self.rng.pick(&WINDOWS[1..])
            } else {
                (None, None)
            };
            let available = self.args_before(s);
            let args = self.some_args(&available, 50);
            // Sometimes the stop only holds before or from a date (a referral that changed).
            // Not in large files: where it does not fire, its question's second answer goes
            // on, and the analysis carries it to the end of the file.
            let mut when = is(s, vec![1]);
            if self.rng.chance(25) && self.n <= 100 {
                let day = date(self.rng.pick(&CONDITION_DATES[..self.dates]));
                // After an early referral, only days from its date ask the stop question.
                let dated = if self.early_stop || self.rng.chance(50) {
                    Condition::From(day)
                } else {
                    Condition::Before(day)
                };
                when = Condition::All(vec![when, dated]);
            }
            let outcome = self.outcome(format!("stop_q{s}"), when, true, window, args);
            self.outcomes.push(outcome);
        }
        if self.early_stop {
            // Everyone is referred elsewhere before the first condition date, before any
            // question: its messages can use no answer's arguments.
            let when = Condition::Before(date(CONDITION_DATES[0]));
            let window = if self.rng.chance(40) {
                self.rng.pick(&WINDOWS[1..])
            } else {
                (None, None)
            };
            let args = self.some_args(&self.args_before(0), 50);
            let outcome = self.outcome("early_referral".into(), when, true, window, args);
            self.outcomes.push(outcome);
        }
        // The fallback can show on every path, an early stop's included.
        let first_stop = if self.early_stop {
            0
        } else {
            (0..n)
                .find(|&s| self.questions[s].kind == Kind::Stop)
                .unwrap_or(n)
        };
        let every_path = self.args_before(first_stop);
        self.fallback_args = self.some_args(&every_path, 70);
    }

    fn outcome(
        &mut self,
        id: String,
        when: Condition,
        stop: bool,
        window: (Option<&'static str>, Option<&'static str>),
        args: Vec<&'static str>,
    ) -> Outcome {
        let sources = if self.rng.chance(80) {
            vec![self.rng.below(2)]
        } else {
            vec![0, 1]
        };
        let links = if self.rng.chance(50) { vec![0] } else { vec![] };
        Outcome {
            id,
            when,
            stop,
            window,
            sources,
            links,
            args,
            as_of: self.rng.chance(20),
        }
    }

    fn yaml(&self) -> String {
        let mut y = String::with_capacity(self.n * 120 + 4096);
        y.push_str(
            "# Generated by rumbo::generate for tests and benchmarks.\n\
             rumbo: 1\n\
             id: generated\n\
             reviewed: 2026-11-27\n\
             default_locale: es\n\
             \n\
             sources:\n\
             \x20 s1:\n\
             \x20   url: https://example.org/programme\n\
             \x20   title: The programme page\n\
             \x20   published: 2023-06-14\n\
             \x20   read: 2026-11-27\n\
             \x20   kind: primary\n\
             \x20 s2:\n\
             \x20   url: https://example.org/news/closure\n\
             \x20   read: 2026-11-27\n\
             \x20   kind: news\n\
             \n\
             links:\n\
             \x20 apply: https://example.org/apply\n\
             \n\
             questions:\n",
        );
        for (i, q) in self.questions.iter().enumerate() {
            let _ = writeln!(y, "  - id: q{i}");
            if q.kind == Kind::Stop {
                y.push_str("    note: the second choice ends the interview\n");
            }
            if q.ask_if != Condition::True {
                let _ = writeln!(y, "    ask_if: {}", self.cond(&q.ask_if));
            }
            if !q.count_choices {
                y.push_str("    count_choices: false\n");
            }
            let args: &[Arg] = match q.kind {
                Kind::First => &FIRST_ARGS,
                Kind::Provider => &LATER_ARGS,
                Kind::Stop | Kind::Plain => &[],
            };
            if args.is_empty() && !q.has_unknown {
                let ids: Vec<String> = (0..q.choices).map(|c| format!("c{c}")).collect();
                let _ = writeln!(y, "    choices: [{}]", ids.join(", "));
                continue;
            }
            y.push_str("    choices:\n");
            for c in 0..q.choices {
                if q.unknown(c) {
                    y.push_str("      - id: unsure\n        unknown: true\n");
                } else if args.is_empty() {
                    let _ = writeln!(y, "      - c{c}");
                } else {
                    let values: Vec<String> = args
                        .iter()
                        .map(|a| format!("{}: {}", a.name, (a.value)(c)))
                        .collect();
                    let _ = writeln!(
                        y,
                        "      - id: c{c}\n        args: {{ {} }}",
                        values.join(", ")
                    );
                }
            }
        }
        y.push_str("\noutcomes:\n");
        for o in &self.outcomes {
            let _ = writeln!(y, "  - id: {}", o.id);
            let _ = writeln!(y, "    when: {}", self.cond(&o.when));
            if o.stop {
                y.push_str("    stop: true\n");
            }
            Self::outcome_tail(&mut y, "    ", o.window, &o.sources, &o.links);
        }
        y.push_str("\nfallback:\n  id: none_found\n");
        Self::outcome_tail(&mut y, "  ", (None, None), &[0, 1], &[0]);
        y
    }

    fn outcome_tail(
        y: &mut String,
        indent: &str,
        window: (Option<&str>, Option<&str>),
        sources: &[usize],
        links: &[usize],
    ) {
        let parts: Vec<String> = [("opens", window.0), ("closes", window.1)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}: {v}")))
            .collect();
        if !parts.is_empty() {
            let _ = writeln!(y, "{indent}window: {{ {} }}", parts.join(", "));
        }
        let tags: Vec<String> = sources.iter().map(|s| format!("s{}", s + 1)).collect();
        let _ = writeln!(y, "{indent}sources: [{}]", tags.join(", "));
        if !links.is_empty() {
            let _ = writeln!(y, "{indent}links: [apply]");
        }
    }

    /// A condition in YAML flow style; `all` of tests of distinct questions as one mapping.
    fn cond(&self, c: &Condition) -> String {
        match c {
            Condition::True => "{}".into(),
            Condition::Is { .. }
            | Condition::From(_)
            | Condition::Before(_)
            | Condition::Opens(_)
            | Condition::Uncertain(_)
            | Condition::UncertainFrom(_) => {
                format!("{{ {} }}", self.entry(c))
            }
            Condition::All(parts) => {
                let mut keys: Vec<String> = parts.iter().filter_map(|p| self.key(p)).collect();
                let flat = keys.len() == parts.len() && {
                    keys.sort();
                    keys.windows(2).all(|w| w[0] != w[1])
                };
                if flat {
                    let entries: Vec<String> = parts.iter().map(|p| self.entry(p)).collect();
                    format!("{{ {} }}", entries.join(", "))
                } else {
                    self.list("all", parts)
                }
            }
            Condition::Any(parts) => self.list("any", parts),
            Condition::Not(inner) => format!("{{ not: {} }}", self.cond(inner)),
        }
    }

    fn list(&self, word: &str, parts: &[Condition]) -> String {
        let items: Vec<String> = parts.iter().map(|p| self.cond(p)).collect();
        format!("{{ {word}: [{}] }}", items.join(", "))
    }

    /// The mapping key a simple test is written under.
    fn key(&self, c: &Condition) -> Option<String> {
        match c {
            Condition::Is { question, .. } => Some(format!("q{question}")),
            Condition::From(_) => Some("from".into()),
            Condition::Before(_) => Some("before".into()),
            Condition::Opens(_) => Some("opens".into()),
            Condition::Uncertain(_) => Some("uncertain".into()),
            Condition::UncertainFrom(_) => Some("uncertain_from".into()),
            _ => None,
        }
    }

    /// `key: value` of a simple test.
    fn entry(&self, c: &Condition) -> String {
        match c {
            Condition::Is {
                question, choices, ..
            } => {
                let q = &self.questions[usize::from(*question)];
                let ids: Vec<String> = choices
                    .iter()
                    .map(|&c| {
                        if q.unknown(usize::from(c)) {
                            "unsure".to_string()
                        } else {
                            format!("c{c}")
                        }
                    })
                    .collect();
                if ids.len() == 1 {
                    format!("q{question}: {}", ids[0])
                } else {
                    format!("q{question}: [{}]", ids.join(", "))
                }
            }
            Condition::From(d) => format!("from: {d}"),
            Condition::Before(d) => format!("before: {d}"),
            Condition::Opens(d) => format!("opens: {d}"),
            Condition::Uncertain(why) => format!("uncertain: {why:?}"),
            Condition::UncertainFrom(d) => format!("uncertain_from: {d}"),
            other => self.cond(other),
        }
    }

    /// The messages of the rules (not the interface) in `lang`.
    fn messages(&self, lang: &str) -> String {
        let es = lang == "es";
        let mut m = String::with_capacity(self.n * 160 + 4096);
        m.push_str(if es {
            "# Mensajes generados por rumbo::generate.\n\n"
        } else {
            "# Messages generated by rumbo::generate.\n\n"
        });
        for (i, q) in self.questions.iter().enumerate() {
            let mut text = match (es, q.kind) {
                (true, Kind::Stop) => format!("¿Hay algo que termine aquí la entrevista {i}?"),
                (false, Kind::Stop) => format!("Does anything end interview {i} here?"),
                (true, _) => format!("¿Cuál es tu respuesta a la pregunta {i}?"),
                (false, _) => format!("What is your answer to question {i}?"),
            };
            for arg in &q.text_args {
                let _ = write!(text, " ({arg}: {{ ${arg} }})");
            }
            if q.text_as_of {
                let _ = write!(
                    text,
                    " {} {{ $as_of }}.",
                    if es { "Hoy es" } else { "Today is" }
                );
            }
            let _ = writeln!(m, "q-q{i} = {text}");
            let _ = writeln!(m, "    .short = {} {i}", if es { "Tema" } else { "Topic" });
            for c in 0..q.choices {
                let label = match (es, q.unknown(c)) {
                    (true, true) => "No sé".to_string(),
                    (false, true) => "I don't know".to_string(),
                    (true, false) => format!("Opción {}", c + 1),
                    (false, false) => format!("Option {}", c + 1),
                };
                let id = if q.unknown(c) {
                    "unsure".to_string()
                } else {
                    format!("c{c}")
                };
                let _ = writeln!(m, "q-q{i}-{id} = {label}");
            }
            m.push('\n');
        }
        for o in &self.outcomes {
            Self::outcome_messages(&mut m, es, &o.id, o.window, &o.args, o.as_of);
        }
        Self::outcome_messages(
            &mut m,
            es,
            "none_found",
            (None, None),
            &self.fallback_args,
            true,
        );
        let _ = writeln!(
            m,
            "link-apply = {}",
            if es {
                "Solicitar (oficial)"
            } else {
                "Apply (official)"
            }
        );
        m
    }

    fn outcome_messages(
        m: &mut String,
        es: bool,
        id: &str,
        window: (Option<&str>, Option<&str>),
        args: &[&str],
        as_of: bool,
    ) {
        let _ = writeln!(m, "o-{id} = {} {id}", if es { "Camino" } else { "Pathway" });
        let mut next = if es {
            format!("Los pasos del camino {id}.")
        } else {
            format!("The steps of pathway {id}.")
        };
        if window.0.is_some() {
            let _ = write!(
                next,
                " {} {{ $opens }}.",
                if es { "Abre:" } else { "Opens:" }
            );
        }
        if window.1.is_some() {
            let _ = write!(
                next,
                " {} {{ $closes }}.",
                if es { "Cierra:" } else { "Closes:" }
            );
        }
        for arg in args {
            let _ = write!(next, " ({arg}: {{ ${arg} }})");
        }
        if as_of {
            let _ = write!(
                next,
                " {} {{ $as_of }}, {} {{ $reviewed }}.",
                if es { "Al" } else { "As of" },
                if es { "revisado el" } else { "reviewed on" }
            );
        }
        let _ = writeln!(m, "o-{id}-next = {next}\n");
    }
}

/// Every interface message with exactly the variables the interface gives it.
fn interface(lang: &str) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# Interface ({lang}), generated by rumbo::generate.\n");
    for (id, vars) in UI_MESSAGES {
        let name = id.trim_start_matches("ui-").replace('-', " ");
        let mut text = format!("{lang} {name}");
        for v in *vars {
            let _ = write!(text, " {{ ${v} }}");
        }
        let _ = writeln!(m, "{id} = {text}");
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;

    /// No error, and no warning but for questions nothing reads (see `rules`).
    fn assert_clean(seed: u64, n: usize) -> usize {
        let input = rules(seed, n);
        let report = check::load(&input, today());
        let unread = report
            .diagnostics
            .iter()
            .filter(|d| !d.is_error() && d.message.starts_with("no condition reads"))
            .count();
        if report.diagnostics.len() > unread {
            let yaml = String::from_utf8_lossy(&input.rules_bytes);
            let shown: Vec<String> = report
                .diagnostics
                .iter()
                .take(10)
                .map(|d| d.to_string())
                .collect();
            panic!(
                "seed {seed}, {n} questions: {} diagnostics:\n{}\n\n{yaml}",
                report.diagnostics.len(),
                shown.join("\n")
            );
        }
        let set = report.rule_set.expect("clean rules load");
        assert_eq!(set.rules.questions.len(), n.max(1));
        assert!(!report.coverage.incomplete);
        unread
    }

    #[test]
    fn small_files_are_clean() {
        for seed in 0..40 {
            for n in 1..=12 {
                assert_clean(seed, n);
            }
        }
    }

    #[test]
    fn files_of_10_100_and_1000_questions_are_clean() {
        for seed in [0, 1, 2, 7, 42, u64::MAX] {
            for n in [10, 100, 1000] {
                assert_clean(seed, n);
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_files() {
        let a = rules(9, 50);
        let b = rules(9, 50);
        assert_eq!(a.rules_bytes, b.rules_bytes);
        assert_eq!(a.locale_files, b.locale_files);
        assert_ne!(a.rules_bytes, rules(10, 50).rules_bytes);
    }

    #[test]
    fn files_use_every_feature() {
        let text: String = (0..20)
            .map(|seed| String::from_utf8(rules(seed, 40).rules_bytes).unwrap())
            .collect();
        for feature in [
            "all:",
            "any:",
            "not:",
            "from:",
            "before:",
            "unknown: true",
            "args:",
            "stop: true",
            "window:",
            "fallback:",
            "ask_if:",
            "uncertain:",
            "uncertain_from:",
            "early_referral",
        ] {
            assert!(text.contains(feature), "no generated file uses `{feature}`");
        }
    }
}
