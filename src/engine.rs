//! The interview engine: `(Rules, Session, Input, today) -> (Session, Reply)`.
//!
//! Architecture invariant: this module is pure. No I/O, no clock, no randomness, no async; the
//! same inputs always give the same outputs, so property tests and exhaustive path enumeration
//! can drive it. Adapters (terminal chat, Telegram) turn their input into an `Input` and the
//! `Reply` into text through `render`.
//!
//! The state is only the answers given, in the order given. Which question comes next is
//! derived: the first question, top to bottom, whose `ask_if` is not false and that has no
//! answer yet. Answers to questions that are no longer asked (after a change) are dropped.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::rules::compiled::Conditions;
use crate::rules::condition::At;
use crate::rules::{ChoiceIdx, Known, OutcomeIdx, QuestionIdx, Rules, Tri, Window};

/// The version of the `Session` format; stored sessions of another version start afresh.
pub const SESSION_FORMAT: u32 = 1;

/// One person's interview in progress. Holds no identity: only choices made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    #[serde(default)]
    pub format: u32,
    /// The rules version (content hash) the interview started on.
    pub rules_version: String,
    /// Answers in the order they were given.
    #[serde(default)]
    pub answers: Vec<(QuestionIdx, ChoiceIdx)>,
    /// The answered question being changed from the review screen.
    #[serde(default)]
    pub editing: Option<QuestionIdx>,
    /// The person confirmed the review screen and sees the result.
    #[serde(default)]
    pub confirmed: bool,
    /// The states before each step, newest last: `Back` restores the last one, so it undoes
    /// exactly one step, whatever the step was (an answer, a change, a confirmation).
    #[serde(default)]
    pub history: History,
}

/// What `Back` restores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub answers: Vec<(QuestionIdx, ChoiceIdx)>,
    pub editing: Option<QuestionIdx>,
    pub confirmed: bool,
}

/// How many steps `Back` can undo; older ones are forgotten so a session stays small.
pub const MAX_HISTORY: usize = 64;

/// The states before each step, oldest first: what `Back` restores.
///
/// Stored (serialized, compared, printed) exactly as the list of snapshots it is, oldest
/// first. In memory it is a chain of shared links, newest first, so that a step, which makes a
/// new session from the last one, extends the history without copying it: cloning a session
/// shares its history, and adding a snapshot adds one link. The chain can hold links older than
/// the `len` newest it stands for (forgotten ones are dropped in bulk, so that forgetting one
/// is not a copy of the rest each step).
#[derive(Clone, Default)]
pub struct History {
    newest: Option<Arc<Link>>,
    /// How many snapshots, newest first along the chain, the history holds.
    len: usize,
}

struct Link {
    snapshot: Snapshot,
    older: Option<Arc<Link>>,
    /// Links in the chain from this one to the oldest, this one included.
    depth: usize,
}

impl History {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The snapshots, newest first.
    fn newest_first(&self) -> impl Iterator<Item = &Snapshot> {
        std::iter::successors(self.newest.as_deref(), |link| link.older.as_deref())
            .take(self.len)
            .map(|link| &link.snapshot)
    }

    /// Adds `snapshot` as the newest; when `MAX_HISTORY` are held, the oldest is forgotten.
    fn push(&mut self, snapshot: Snapshot) {
        if self.len != MAX_HISTORY {
            self.len += 1;
        }
        let depth = self.newest.as_ref().map_or(0, |l| l.depth) + 1;
        self.newest = Some(Arc::new(Link {
            snapshot,
            older: self.newest.take(),
            depth,
        }));
        if depth > self.len + MAX_HISTORY {
            // Forgotten links are dropped once there are as many as are held.
            let kept: Vec<Snapshot> = self.newest_first().cloned().collect();
            *self = History::from_oldest_first(kept.into_iter().rev());
        }
    }

    /// Removes and returns the newest snapshot.
    fn pop(&mut self) -> Option<Snapshot> {
        if self.len == 0 {
            return None;
        }
        let link = self.newest.take()?;
        self.len -= 1;
        match Arc::try_unwrap(link) {
            Ok(link) => {
                self.newest = link.older.filter(|_| self.len > 0);
                Some(link.snapshot)
            }
            Err(shared) => {
                self.newest = shared.older.clone().filter(|_| self.len > 0);
                Some(shared.snapshot.clone())
            }
        }
    }

    fn from_oldest_first(snapshots: impl IntoIterator<Item = Snapshot>) -> History {
        let mut history = History::default();
        for snapshot in snapshots {
            history.len += 1;
            history.newest = Some(Arc::new(Link {
                snapshot,
                older: history.newest.take(),
                depth: history.len,
            }));
        }
        history
    }

    /// The snapshots, oldest first.
    pub fn to_vec(&self) -> Vec<Snapshot> {
        let mut all: Vec<Snapshot> = self.newest_first().cloned().collect();
        all.reverse();
        all
    }
}

impl Drop for History {
    fn drop(&mut self) {
        // Unlinks iteratively: a long chain dropped recursively could overflow the stack.
        let mut next = self.newest.take();
        while let Some(link) = next {
            next = match Arc::try_unwrap(link) {
                Ok(mut link) => link.older.take(),
                Err(_) => None,
            };
        }
    }
}

impl PartialEq for History {
    fn eq(&self, other: &History) -> bool {
        self.len == other.len && self.newest_first().eq(other.newest_first())
    }
}

impl Eq for History {}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.to_vec()).finish()
    }
}

impl From<Vec<Snapshot>> for History {
    fn from(snapshots: Vec<Snapshot>) -> History {
        History::from_oldest_first(snapshots)
    }
}

impl Serialize for History {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let newest_first: Vec<&Snapshot> = self.newest_first().collect();
        serializer.collect_seq(newest_first.into_iter().rev())
    }
}

impl<'de> Deserialize<'de> for History {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<History, D::Error> {
        Vec::<Snapshot>::deserialize(deserializer).map(History::from)
    }
}

/// What a person can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Input {
    /// Pick `choice` for `question` (the current one, or the one being changed).
    Answer {
        question: QuestionIdx,
        choice: ChoiceIdx,
    },
    /// Undo the last step.
    Back,
    /// Change an earlier answer (from the review screen).
    Edit(QuestionIdx),
    /// From the review screen, see the result.
    Confirm,
    /// Start again with no answers.
    Restart,
    /// Show the current screen again, changing nothing.
    Show,
}

/// What to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Ask a question. `answered` counts answers so far; `editing` is true when changing one.
    Ask {
        question: QuestionIdx,
        answered: usize,
        can_go_back: bool,
        editing: bool,
    },
    /// Every answer, in asking order, each changeable, before the result.
    Review {
        answers: Vec<(QuestionIdx, ChoiceIdx)>,
    },
    Result(Verdict),
}

/// Said alongside a reply when the input could not be used as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Notice {
    /// A button from an older screen, or a forged one: nothing changed.
    Stale,
    /// Back at the first question.
    NothingToUndo,
    /// The session was made with other rules; it starts afresh.
    RulesChanged,
}

/// The reply to one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub reply: Reply,
    pub notice: Option<Notice>,
}

/// The result of an interview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub as_of: Date,
    /// Every outcome whose condition is not false, in file order; the fallback last.
    pub matches: Vec<Match>,
    /// A `stop` outcome ended the interview early.
    pub stopped: bool,
}

/// One outcome on the result screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub outcome: OutcomeIdx,
    pub status: Status,
    /// For an upcoming outcome whose condition opens on different days for different
    /// people (`opens:`): the day it opens for these answers.
    pub opens_on: Option<Date>,
    /// The answers its condition read, in asking order.
    pub because: Vec<(QuestionIdx, ChoiceIdx)>,
}

/// An outcome's status as of a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Applies, and the programme is open.
    Open,
    /// Might apply (an answer was "I don't know"); the programme is open.
    Maybe,
    /// Applies or might, but the programme has not opened yet.
    Upcoming,
    /// Applies or might, but the programme has closed.
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Maybe,
        Status::Upcoming,
        Status::Closed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Maybe => "maybe",
            Status::Upcoming => "upcoming",
            Status::Closed => "closed",
        }
    }

    /// The status of an outcome whose condition is `truth` (not false), as of `as_of`.
    pub fn of(window: Window, truth: Tri, as_of: Date) -> Status {
        if window.upcoming(as_of) {
            Status::Upcoming
        } else if window.closed(as_of) {
            Status::Closed
        } else if truth == Tri::True {
            Status::Open
        } else {
            Status::Maybe
        }
    }
}

/// Where the interview stands, derived from the answers.
#[derive(Debug, Clone, Copy)]
enum Progress {
    Ask(QuestionIdx),
    Complete,
    Stopped,
}

impl Session {
    /// A fresh interview on `rules`.
    pub fn new(rules: &Rules) -> Session {
        Session {
            format: SESSION_FORMAT,
            rules_version: rules.version.clone(),
            answers: Vec::new(),
            editing: None,
            confirmed: false,
            history: History::default(),
        }
    }

    /// Whether every index in the session exists in `rules` (a stored session could have been
    /// damaged; it is then started afresh rather than trusted).
    fn fits(&self, rules: &Rules) -> bool {
        let answers_fit = |answers: &[(QuestionIdx, ChoiceIdx)]| {
            answers.iter().all(|&(q, c)| {
                rules
                    .questions
                    .get(usize::from(q))
                    .is_some_and(|question| usize::from(c) < question.choices.len())
            })
        };
        let question_fits =
            |q: Option<QuestionIdx>| q.is_none_or(|q| usize::from(q) < rules.questions.len());
        answers_fit(&self.answers)
            && question_fits(self.editing)
            && self
                .history
                .newest_first()
                .all(|s| answers_fit(&s.answers) && question_fits(s.editing))
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            answers: self.answers.clone(),
            editing: self.editing,
            confirmed: self.confirmed,
        }
    }

    /// The answer given to `question`, if any.
    pub fn answer(&self, question: QuestionIdx) -> Option<ChoiceIdx> {
        self.answers
            .iter()
            .find(|(q, _)| *q == question)
            .map(|&(_, c)| c)
    }
}

/// Starts an interview: the fresh session and its first screen.
pub fn start(rules: &Rules, today: Date) -> (Session, Step) {
    let session = Session::new(rules);
    let reply = view(rules, &session, today);
    (
        session,
        Step {
            reply,
            notice: None,
        },
    )
}

/// Applies one input. Inputs that do not fit the current screen change nothing and say so.
pub fn step(rules: &Rules, session: &Session, input: Input, today: Date) -> (Session, Step) {
    if session.rules_version != rules.version
        || session.format != SESSION_FORMAT
        || !session.fits(rules)
    {
        let (fresh, mut step) = start(rules, today);
        step.notice = Some(Notice::RulesChanged);
        return (fresh, step);
    }
    let mut next = session.clone();
    // Where an answer left the interview, so the screen is not worked out twice.
    let mut known = None;
    let notice = match input {
        Input::Show => None,
        Input::Restart => {
            next = Session::new(rules);
            None
        }
        Input::Back => back(&mut next),
        Input::Answer { question, choice } => {
            let (notice, now) = answer(rules, &mut next, question, choice, today);
            known = now;
            notice
        }
        Input::Edit(question) => {
            let answered = next.answer(question).is_some();
            if answered && !matches!(progress(rules, &next.answers, today).1, Progress::Ask(_)) {
                next.editing = Some(question);
                next.confirmed = false;
                None
            } else {
                Some(Notice::Stale)
            }
        }
        Input::Confirm => {
            let (_, now) = progress(rules, &next.answers, today);
            let complete = matches!(now, Progress::Complete);
            if complete && next.editing.is_none() && !next.confirmed {
                next.confirmed = true;
                // Confirming changes no answer: the walk just made gives the screen.
                known = Some(now);
                None
            } else {
                Some(Notice::Stale)
            }
        }
    };
    if notice == Some(Notice::Stale) {
        next = session.clone();
    } else if matches!(
        input,
        Input::Answer { .. } | Input::Edit(_) | Input::Confirm
    ) {
        next.history.push(session.snapshot());
    }
    let reply = match known {
        Some(now) if notice.is_none() && next.editing.is_none() => {
            view_at(rules, &next, today, now)
        }
        _ => view(rules, &next, today),
    };
    (next, Step { reply, notice })
}

fn answer(
    rules: &Rules,
    session: &mut Session,
    question: QuestionIdx,
    choice: ChoiceIdx,
    today: Date,
) -> (Option<Notice>, Option<Progress>) {
    let valid_choice = usize::from(question) < rules.questions.len()
        && usize::from(choice) < rules.question(question).choices.len();
    if !valid_choice {
        return (Some(Notice::Stale), None);
    }
    let (kept, now) = if session.editing == Some(question) {
        if let Some(slot) = session.answers.iter_mut().find(|(q, _)| *q == question) {
            slot.1 = choice;
        }
        session.editing = None;
        session.confirmed = false;
        progress(rules, &session.answers, today)
    } else if session.editing.is_some() || session.confirmed {
        return (Some(Notice::Stale), None);
    } else {
        // Checking that `question` is the one asked and walking on with its answer is one
        // walk (see `walk`); `None` means it was not the one asked.
        let pending = Pending { question, choice };
        match walk(rules, &session.answers, Some(pending), today) {
            Some(walked) => walked,
            None => return (Some(Notice::Stale), None),
        }
    };
    session.answers = kept;
    // The kept answers lead where these did: the screen can be shown without walking again.
    (None, Some(now))
}

/// Restores the state before the last step.
fn back(session: &mut Session) -> Option<Notice> {
    let Some(previous) = session.history.pop() else {
        return Some(Notice::NothingToUndo);
    };
    session.answers = previous.answers;
    session.editing = previous.editing;
    session.confirmed = previous.confirmed;
    None
}

/// The current screen of a session.
pub fn view(rules: &Rules, session: &Session, today: Date) -> Reply {
    if let Some(question) = session.editing {
        return Reply::Ask {
            question,
            answered: session.answers.len(),
            can_go_back: true,
            editing: true,
        };
    }
    view_at(
        rules,
        session,
        today,
        progress(rules, &session.answers, today).1,
    )
}

/// The current screen, where the interview is known to stand at `now` (not editing).
fn view_at(rules: &Rules, session: &Session, today: Date, now: Progress) -> Reply {
    match now {
        Progress::Ask(question) => Reply::Ask {
            question,
            answered: session.answers.len(),
            can_go_back: !session.history.is_empty(),
            editing: false,
        },
        Progress::Complete if !session.confirmed => Reply::Review {
            answers: in_asking_order(&session.answers),
        },
        Progress::Complete => Reply::Result(verdict(rules, &session.answers, today, false)),
        Progress::Stopped => Reply::Result(verdict(rules, &session.answers, today, true)),
    }
}

/// The answers sorted top to bottom, as the review screen lists them (question indices are
/// the asking order).
pub fn in_asking_order(answers: &[(QuestionIdx, ChoiceIdx)]) -> Vec<(QuestionIdx, ChoiceIdx)> {
    let mut sorted = answers.to_vec();
    sorted.sort_unstable();
    sorted
}

/// What each question's answer is known to be, given `answers`.
fn knowledge(rules: &Rules, answers: &[(QuestionIdx, ChoiceIdx)]) -> Scratch<Option<ChoiceIdx>> {
    let mut by_question = Scratch::new(rules.questions.len(), None);
    for &(q, c) in answers {
        if let Some(slot) = by_question.get_mut(usize::from(q)) {
            *slot = Some(c);
        }
    }
    by_question
}

/// A per-question buffer for one call, on the stack for files of up to `SCRATCH` questions
/// (no allocation on the hot path), on the heap beyond.
enum Scratch<T> {
    Stack([T; SCRATCH], usize),
    Heap(Vec<T>),
}

const SCRATCH: usize = 64;

impl<T: Copy> Scratch<T> {
    fn new(len: usize, fill: T) -> Scratch<T> {
        if len <= SCRATCH {
            Scratch::Stack([fill; SCRATCH], len)
        } else {
            Scratch::Heap(vec![fill; len])
        }
    }
}

impl<T> std::ops::Deref for Scratch<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match self {
            Scratch::Stack(items, len) => &items[..*len],
            Scratch::Heap(items) => items,
        }
    }
}

impl<T> std::ops::DerefMut for Scratch<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            Scratch::Stack(items, len) => &mut items[..*len],
            Scratch::Heap(items) => items,
        }
    }
}

/// An answer to place during a walk: it must be for the question the walk would ask.
#[derive(Debug, Clone, Copy)]
struct Pending {
    question: QuestionIdx,
    choice: ChoiceIdx,
}

/// Walks the questions top to bottom: finds the next question (the first one asked and not
/// answered), or completion, or a `stop` outcome that ends the interview; and drops answers
/// to questions that are no longer asked. Answers after the next question are kept when their
/// question is still asked, so changing an answer that brings in a new question does not
/// throw away the rest.
fn progress(
    rules: &Rules,
    answers: &[(QuestionIdx, ChoiceIdx)],
    today: Date,
) -> (Vec<(QuestionIdx, ChoiceIdx)>, Progress) {
    walk(rules, answers, None, today).unwrap_or_else(|| unreachable!("nothing was pending"))
}

/// `progress` of `answers` with `pending` added, in one walk; `None` when `pending` is not
/// for the question `answers` lead to (a stale button), which is what walking `answers` first
/// would have found. The two walks agree up to that question: questions before it are not
/// answered by `pending`, and their conditions read only earlier questions, so placing the
/// answer on arrival and walking on is walking the extended answers.
fn walk(
    rules: &Rules,
    answers: &[(QuestionIdx, ChoiceIdx)],
    pending: Option<Pending>,
    today: Date,
) -> Option<(Vec<(QuestionIdx, ChoiceIdx)>, Progress)> {
    let mut given = knowledge(rules, answers);
    // Past the next question the walk only decides which later answers to keep, so it ends
    // after the last answered question.
    let last_given = given.iter().rposition(Option::is_some);
    let mut known = Scratch::new(rules.questions.len(), Known::Open);
    let mut next = None;
    let mut pending = pending;
    let mut placed = None;
    // A stop can only start to fire when an answer becomes known (a skipped question reads
    // as "depends on nothing", never as true), so stops are checked before the first
    // question and after each answer, not at every question.
    let mut answer_since_check = true;
    let asked_if = rules.compiled.at(At::all_opened(today));
    let now = rules.compiled.at(At::now(today));
    for (i, question) in rules.questions.iter().enumerate() {
        if next.is_some() && last_given.is_none_or(|last| i > last) {
            break;
        }
        if next.is_none() && answer_since_check {
            if stop_fires(rules, now, &known) {
                next = Some(Progress::Stopped);
                break;
            }
            answer_since_check = false;
        }
        // A question guarded by an `opens:` day not yet come is asked anyway: its answer
        // tells whether the programme is upcoming for this person.
        let asked = asked_if.ask_if(i, &known) != Some(Tri::False);
        if !asked {
            known[i] = Known::Skipped;
            continue;
        }
        if next.is_none() && given[i].is_none() {
            // The question the interview is at: where a pending answer goes.
            if let Some(p) = pending.take() {
                if usize::from(p.question) != i {
                    return None;
                }
                given[i] = Some(p.choice);
                placed = Some((p.question, p.choice));
            }
        }
        match given[i] {
            Some(choice) => {
                known[i] = Known::Answered {
                    choice,
                    unknown: question.choices[usize::from(choice)].unknown,
                };
                answer_since_check = true;
            }
            None if next.is_none() => next = Some(Progress::Ask(i as QuestionIdx)),
            None => {}
        }
    }
    if pending.is_some() {
        // The interview was complete or stopped: nothing to answer.
        return None;
    }
    let next = next.unwrap_or_else(|| {
        if answer_since_check && stop_fires(rules, now, &known) {
            Progress::Stopped
        } else {
            Progress::Complete
        }
    });
    let kept = answers
        .iter()
        .copied()
        .chain(placed)
        .filter(|&(q, _)| matches!(known.get(usize::from(q)), Some(Known::Answered { .. })))
        .collect();
    Some((kept, next))
}

fn stop_fires(rules: &Rules, now: Conditions, known: &[Known]) -> bool {
    rules
        .compiled
        .stops()
        .any(|o| now.when(o, known) == Some(Tri::True))
}

/// The result for complete (or stopped) answers.
pub fn verdict(
    rules: &Rules,
    answers: &[(QuestionIdx, ChoiceIdx)],
    as_of: Date,
    stopped: bool,
) -> Verdict {
    let given = knowledge(rules, answers);
    // Not asked: conditions were checked never to depend on it.
    let mut known = Scratch::new(rules.questions.len(), Known::Skipped);
    for ((slot, q), g) in known.iter_mut().zip(&rules.questions).zip(given.iter()) {
        if let Some(c) = *g {
            *slot = Known::Answered {
                choice: c,
                unknown: q.choices[usize::from(c)].unknown,
            };
        }
    }
    let mut matches = Vec::new();
    let compiled = &rules.compiled;
    let now = compiled.at(At::now(as_of));
    for (o, outcome) in rules.outcomes.iter().enumerate() {
        if outcome.is_fallback || (stopped && !outcome.stop) {
            continue;
        }
        let truth = now.when(o, &known).unwrap_or(Tri::Unknown);
        // False today, but a branch of it opens later for these answers: upcoming.
        let opens_on = match truth {
            Tri::False if !stopped => compiled.opening(o, as_of, &known),
            _ => None,
        };
        if (truth == Tri::False && opens_on.is_none()) || (stopped && truth != Tri::True) {
            continue;
        }
        let because = compiled
            .reads(o)
            .iter()
            .filter_map(|&q| given[usize::from(q)].map(|c| (q, c)))
            .collect();
        let status = match opens_on {
            Some(_) if !outcome.window.closed(as_of) => Status::Upcoming,
            _ => Status::of(outcome.window, truth, as_of),
        };
        matches.push(Match {
            outcome: o as OutcomeIdx,
            status,
            opens_on: opens_on.filter(|_| status == Status::Upcoming),
            because,
        });
    }
    let helped = matches
        .iter()
        .any(|m| matches!(m.status, Status::Open | Status::Maybe));
    if let (Some(f), false) = (rules.fallback, helped) {
        let window = rules.outcome(f).window;
        matches.push(Match {
            outcome: f,
            status: Status::of(window, Tri::True, as_of),
            opens_on: None,
            because: Vec::new(),
        });
    }
    Verdict {
        as_of,
        matches,
        stopped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{self, RuleSet};
    use crate::files;

    /// The worked example of the docs (`rules/example/example.yaml`), whose small size makes
    /// these tests easy to follow.
    fn example() -> RuleSet {
        let today = Date::new(2026, 11, 28).unwrap();
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/example/example.yaml");
        let input = files::read(&path, None).expect("the example is readable");
        check::load(&input, today)
            .rule_set
            .expect("the example rules are clean")
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    /// Answers by ids, as a person would tap them; returns the last step.
    fn walk(rules: &Rules, answers: &[(&str, &str)], today: Date) -> (Session, Step) {
        let (mut session, mut step) = start(rules, today);
        for (q, c) in answers {
            let question = rules.question_index(q).unwrap();
            let choice = rules.question(question).choice_index(c).unwrap();
            (session, step) =
                super::step(rules, &session, Input::Answer { question, choice }, today);
            assert_eq!(step.notice, None, "answering {q}={c}");
        }
        (session, step)
    }

    fn outcomes(rules: &Rules, reply: &Reply) -> Vec<(String, Status)> {
        match reply {
            Reply::Result(v) => v
                .matches
                .iter()
                .map(|m| (rules.outcome(m.outcome).id.clone(), m.status))
                .collect(),
            other => panic!("expected a result, got {other:?}"),
        }
    }

    const VENEZUELAN_IN_COLOMBIA: [(&str, &str); 5] = [
        ("age", "adult"),
        ("location", "colombia"),
        ("nationality", "venezuela"),
        ("arrived_by_cutoff", "yes"),
        ("host_status", "regular"),
    ];

    #[test]
    fn the_same_answers_are_open_in_2023_and_closed_today() {
        let set = example();
        let rules = &set.rules;
        for (as_of, expected) in [
            (
                "2023-11-01",
                vec![("smo_colombia".to_string(), Status::Open)],
            ),
            (
                "2026-11-28",
                vec![
                    ("smo_colombia".to_string(), Status::Closed),
                    ("no_pathway_found".to_string(), Status::Open),
                ],
            ),
        ] {
            let today = day(as_of);
            let (session, step) = walk(rules, &VENEZUELAN_IN_COLOMBIA, today);
            assert!(matches!(step.reply, Reply::Review { .. }));
            let (_, step) = super::step(rules, &session, Input::Confirm, today);
            assert_eq!(outcomes(rules, &step.reply), expected, "as of {as_of}");
        }
    }

    #[test]
    fn a_result_names_the_answers_that_made_it_match() {
        let set = example();
        let rules = &set.rules;
        let today = day("2023-11-01");
        let (session, _) = walk(rules, &VENEZUELAN_IN_COLOMBIA, today);
        let (_, step) = super::step(rules, &session, Input::Confirm, today);
        let Reply::Result(verdict) = step.reply else {
            panic!()
        };
        let because: Vec<&str> = verdict.matches[0]
            .because
            .iter()
            .map(|&(q, _)| rules.question(q).id.as_str())
            .collect();
        assert_eq!(
            because,
            [
                "location",
                "nationality",
                "arrived_by_cutoff",
                "host_status"
            ]
        );
    }

    #[test]
    fn a_stale_button_changes_nothing() {
        let set = example();
        let rules = &set.rules;
        let today = day("2023-11-01");
        let (session, step) = walk(rules, &[("age", "adult")], today);
        let age = rules.question_index("age").unwrap();
        let (again, stale) = super::step(
            rules,
            &session,
            Input::Answer {
                question: age,
                choice: 1,
            },
            today,
        );
        assert_eq!(again, session);
        assert_eq!(stale.notice, Some(Notice::Stale));
        assert_eq!(stale.reply, step.reply);
        let forged = Input::Answer {
            question: 999,
            choice: 0,
        };
        assert_eq!(
            super::step(rules, &session, forged, today).1.notice,
            Some(Notice::Stale)
        );
        assert_eq!(
            super::step(rules, &session, Input::Confirm, today).1.notice,
            Some(Notice::Stale)
        );
    }

    #[test]
    fn back_at_the_first_question_says_so() {
        let set = example();
        let (session, _) = start(&set.rules, day("2023-11-01"));
        let (after, step) = super::step(&set.rules, &session, Input::Back, day("2023-11-01"));
        assert_eq!(after, session);
        assert_eq!(step.notice, Some(Notice::NothingToUndo));
    }

    #[test]
    fn changing_an_answer_keeps_later_answers_still_asked_and_drops_the_rest() {
        let set = example();
        let rules = &set.rules;
        let today = day("2023-11-01");
        let (session, _) = walk(rules, &VENEZUELAN_IN_COLOMBIA, today);
        let nationality = rules.question_index("nationality").unwrap();
        let (editing, step) = super::step(rules, &session, Input::Edit(nationality), today);
        assert!(matches!(step.reply, Reply::Ask { editing: true, .. }));
        // Cuban: the Colombia questions are still asked, so their answers stay.
        let cuba = rules.question(nationality).choice_index("cuba").unwrap();
        let (changed, step) = super::step(
            rules,
            &editing,
            Input::Answer {
                question: nationality,
                choice: cuba,
            },
            today,
        );
        assert!(matches!(step.reply, Reply::Review { .. }));
        assert_eq!(changed.answers.len(), 5);
        // Colombian: the date and status questions are no longer asked; their answers go.
        let (editing, _) = super::step(rules, &changed, Input::Edit(nationality), today);
        let colombian = rules
            .question(nationality)
            .choice_index("colombia")
            .unwrap();
        let (changed, step) = super::step(
            rules,
            &editing,
            Input::Answer {
                question: nationality,
                choice: colombian,
            },
            today,
        );
        assert!(matches!(step.reply, Reply::Review { .. }));
        assert_eq!(changed.answers.len(), 3);
    }

    #[test]
    fn a_change_that_brings_in_a_new_question_keeps_the_later_answers() {
        let set = example();
        let rules = &set.rules;
        let today = day("2023-11-01");
        let (session, _) = walk(rules, &VENEZUELAN_IN_COLOMBIA, today);
        let location = rules.question_index("location").unwrap();
        let (editing, _) = super::step(rules, &session, Input::Edit(location), today);
        let mexico = rules.question(location).choice_index("mexico").unwrap();
        let (changed, step) = super::step(
            rules,
            &editing,
            Input::Answer {
                question: location,
                choice: mexico,
            },
            today,
        );
        // The region of Mexico is new, so it is asked; the nationality given before is kept.
        let region = rules.question_index("mexico_region").unwrap();
        assert!(matches!(step.reply, Reply::Ask { question, .. } if question == region));
        let nationality = rules.question_index("nationality").unwrap();
        assert!(changed.answer(nationality).is_some());
        let (_, step) = super::step(
            rules,
            &changed,
            Input::Answer {
                question: region,
                choice: 0,
            },
            today,
        );
        assert!(
            matches!(step.reply, Reply::Review { .. }),
            "{:?}",
            step.reply
        );
    }

    #[test]
    fn a_stop_outcome_ends_the_interview_at_once() {
        let set = example();
        let rules = &set.rules;
        let (_, step) = walk(rules, &[("age", "minor")], day("2023-11-01"));
        assert_eq!(
            outcomes(rules, &step.reply),
            [("minor_referral".to_string(), Status::Open)]
        );
        let Reply::Result(v) = step.reply else {
            panic!()
        };
        assert!(v.stopped);
    }

    #[test]
    fn a_session_from_other_rules_starts_afresh() {
        let set = example();
        let today = day("2023-11-01");
        let (mut session, _) = walk(&set.rules, &[("age", "adult")], today);
        session.rules_version = "0000000000000000".into();
        let (fresh, step) = super::step(&set.rules, &session, Input::Show, today);
        assert_eq!(step.notice, Some(Notice::RulesChanged));
        assert!(fresh.answers.is_empty());
        assert_eq!(fresh.rules_version, set.rules.version);
    }

    #[test]
    fn a_damaged_session_starts_afresh_instead_of_panicking() {
        let set = example();
        let today = day("2023-11-01");
        let (mut session, _) = start(&set.rules, today);
        session.answers = vec![(0, 7)];
        let (fresh, step) = super::step(&set.rules, &session, Input::Show, today);
        assert_eq!(step.notice, Some(Notice::RulesChanged));
        assert!(fresh.answers.is_empty());
        session.answers.clear();
        session.editing = Some(999);
        let (fresh, _) = super::step(&set.rules, &session, Input::Back, today);
        assert_eq!(fresh.editing, None);
    }

    #[test]
    fn a_stored_session_of_an_older_format_reads_with_defaults() {
        let old = r#"{"rules_version":"abc","answers":[[0,1]]}"#;
        let session: Session = serde_json_like(old);
        assert_eq!(session.format, 0);
        assert_eq!(session.editing, None);
    }

    /// The session as it was stored before its history became a shared chain: the same
    /// fields, the history a plain list.
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct StoredSession {
        #[serde(default)]
        format: u32,
        rules_version: String,
        #[serde(default)]
        answers: Vec<(QuestionIdx, ChoiceIdx)>,
        #[serde(default)]
        editing: Option<QuestionIdx>,
        #[serde(default)]
        confirmed: bool,
        #[serde(default)]
        history: Vec<Snapshot>,
    }

    #[test]
    fn stored_sessions_read_and_write_as_before() {
        let set = example();
        let rules = &set.rules;
        let today = day("2023-11-01");
        // Saved by the code before the shared history: it loads, and is written back the same.
        let saved = r#"{"format":1,"rules_version":"abc","answers":[[0,0],[1,2]],"editing":null,"confirmed":false,"history":[{"answers":[],"editing":null,"confirmed":false},{"answers":[[0,0]],"editing":null,"confirmed":false}]}"#;
        let session: Session = serde_json::from_str(saved).unwrap();
        assert_eq!(session.history.len(), 2);
        assert_eq!(session.history.to_vec()[1].answers, vec![(0, 0)]);
        assert_eq!(serde_json::to_string(&session).unwrap(), saved);
        // Every session along an interview, with changes and backs, more steps than `Back`
        // keeps: written as the plain list would be, and read back equal.
        let (mut session, _) = walk(rules, &VENEZUELAN_IN_COLOMBIA, today);
        let nationality = rules.question_index("nationality").unwrap();
        for round in 0..3 * MAX_HISTORY {
            let input = match round % 4 {
                0 => Input::Edit(nationality),
                1 => Input::Answer {
                    question: nationality,
                    choice: (round % 3) as ChoiceIdx,
                },
                2 => Input::Back,
                _ => Input::Show,
            };
            session = super::step(rules, &session, input, today).0;
            let json = serde_json::to_string(&session).unwrap();
            let plain = StoredSession {
                format: session.format,
                rules_version: session.rules_version.clone(),
                answers: session.answers.clone(),
                editing: session.editing,
                confirmed: session.confirmed,
                history: session.history.to_vec(),
            };
            assert_eq!(json, serde_json::to_string(&plain).unwrap());
            assert_eq!(serde_json::from_str::<StoredSession>(&json).unwrap(), plain);
            let read: Session = serde_json::from_str(&json).unwrap();
            assert_eq!(read, session);
            assert_eq!(format!("{read:?}"), format!("{session:?}"));
            assert!(session.history.len() <= MAX_HISTORY);
        }
        assert!(session.history.len() > MAX_HISTORY / 2);
    }

    #[test]
    fn back_undoes_up_to_the_last_max_history_steps() {
        let set = example();
        let rules = &set.rules;
        let today = day("2023-11-01");
        let (mut session, _) = walk(rules, &VENEZUELAN_IN_COLOMBIA, today);
        let nationality = rules.question_index("nationality").unwrap();
        let mut states = vec![session.clone()];
        // Long enough for forgotten snapshots to be dropped from the chain twice.
        for round in 0..3 * MAX_HISTORY + 10 {
            let input = if round % 2 == 0 {
                Input::Edit(nationality)
            } else {
                Input::Answer {
                    question: nationality,
                    choice: (round % 3) as ChoiceIdx,
                }
            };
            session = super::step(rules, &session, input, today).0;
            states.push(session.clone());
        }
        // Back walks the states in reverse, `MAX_HISTORY` of them, then says nothing is left.
        for expected in states.iter().rev().skip(1).take(MAX_HISTORY) {
            let (back, step) = super::step(rules, &session, Input::Back, today);
            assert_eq!(step.notice, None);
            assert_eq!(
                (&back.answers, back.editing, back.confirmed),
                (&expected.answers, expected.editing, expected.confirmed)
            );
            session = back;
        }
        let (_, step) = super::step(rules, &session, Input::Back, today);
        assert_eq!(step.notice, Some(Notice::NothingToUndo));
    }

    /// Sessions are stored as JSON by the bot; the core has no JSON dependency, so this test
    /// reads the one shape it needs through the YAML layer (JSON is YAML).
    fn serde_json_like(text: &str) -> Session {
        let doc = crate::yaml::parse(text, &crate::yaml::Limits::default()).unwrap();
        crate::yaml::from_node(&doc, doc.root()).unwrap()
    }

    #[test]
    fn a_branch_that_opens_later_is_upcoming_for_its_people_and_asks_its_questions() {
        let text = "rumbo: 1
id: t
reviewed: 2026-11-27
default_locale: es
sources:
  s1:
    url: https://example.org/
questions:
  - id: nationality
    choices: [venezuela, cuba, other]
  - id: supporter
    ask_if:
      any:
        - { nationality: venezuela }
        - { nationality: cuba, opens: 2023-01-06 }
    choices: [\"yes\", \"no\"]
outcomes:
  - id: parole
    when:
      supporter: \"yes\"
      any:
        - { nationality: venezuela }
        - { nationality: cuba, opens: 2023-01-06 }
    window: { opens: 2022-10-18, closes: 2025-03-25 }
fallback:
  id: nothing
";
        let rules = crate::rules::resolve::resolve(std::path::Path::new("t.yaml"), text.as_bytes())
            .expect("valid rules");
        let result = |nationality: &str, supporter: Option<&str>, today: Date| {
            let mut answers = vec![("nationality", nationality)];
            answers.extend(supporter.map(|s| ("supporter", s)));
            let (session, step) = walk(&rules, &answers, today);
            assert!(matches!(step.reply, Reply::Review { .. }), "{step:?}");
            let (_, step) = super::step(&rules, &session, Input::Confirm, today);
            let Reply::Result(v) = &step.reply else {
                panic!("{step:?}")
            };
            v.matches
                .iter()
                .map(|m| (rules.outcome(m.outcome).id.clone(), m.status, m.opens_on))
                .collect::<Vec<_>>()
        };
        let parole = |status, on: Option<&str>| ("parole".to_string(), status, on.map(day));
        let nothing = ("nothing".to_string(), Status::Open, None);
        // The day before Cubans could apply: asked, and told the day it opens for them.
        assert_eq!(
            result("cuba", Some("yes"), day("2023-01-05")),
            vec![
                parole(Status::Upcoming, Some("2023-01-06")),
                nothing.clone()
            ]
        );
        assert_eq!(
            result("cuba", Some("no"), day("2023-01-05")),
            vec![nothing.clone()]
        );
        // Venezuelans could already.
        assert_eq!(
            result("venezuela", Some("yes"), day("2023-01-05")),
            vec![parole(Status::Open, None)]
        );
        // From the day itself, open for Cubans too; before the programme, upcoming by its
        // own window (no per-person day).
        assert_eq!(
            result("cuba", Some("yes"), day("2023-01-06")),
            vec![parole(Status::Open, None)]
        );
        assert_eq!(
            result("venezuela", Some("yes"), day("2022-10-01")),
            vec![parole(Status::Upcoming, None), nothing.clone()]
        );
        // After it closed, closed for everyone it applied to.
        assert_eq!(
            result("cuba", Some("yes"), day("2025-04-01")),
            vec![parole(Status::Closed, None), nothing.clone()]
        );
        assert_eq!(result("other", None, day("2023-01-05")), vec![nothing]);
    }
}
