//! Property tests of the interview engine over generated rules (`rumbo::generate`).
//!
//! Each property takes a seed and a size (1–40 questions) for the rules, an as-of date on
//! either side of every date the generated files use, and a sequence of choices or inputs.
//! Rules are loaded through `check::load`, so every property is about rules `check` accepts.
//! The number of cases is proptest's (256 unless `PROPTEST_CASES` says otherwise).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use proptest::collection::vec;
use proptest::prelude::*;

use rumbo::check::{self, RuleSet};
use rumbo::date::Date;
use rumbo::engine::{self, Input, Notice, Reply, Session, Status, Step, Verdict};
use rumbo::generate;
use rumbo::render::Renderer;
use rumbo::rules::condition::At;
use rumbo::rules::{ChoiceIdx, Known, QuestionIdx, Rules, Tri};

/// Most questions in a generated file.
const MAX_QUESTIONS: usize = 40;

thread_local! {
    /// Shrinking retries the same rules many times; loading them is the slow part.
    static LOADED: RefCell<HashMap<(u64, usize), Rc<RuleSet>>> = RefCell::new(HashMap::new());
}

/// The generated rules of `seed` and `questions`, loaded and checked.
fn load(seed: u64, questions: usize) -> Rc<RuleSet> {
    LOADED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(set) = cache.get(&(seed, questions)) {
            return Rc::clone(set);
        }
        if cache.len() > 64 {
            cache.clear();
        }
        let report = check::load(&generate::rules(seed, questions), generate::today());
        let errors: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect();
        let set = Rc::new(report.rule_set.unwrap_or_else(|| {
            panic!("generated rules {seed}/{questions} do not load: {errors:#?}")
        }));
        cache.insert((seed, questions), Rc::clone(&set));
        set
    })
}

fn as_of(pick: usize) -> Date {
    let dates = generate::as_of_dates();
    dates[pick % dates.len()]
}

fn choices(rules: &Rules, q: QuestionIdx) -> usize {
    rules.question(q).choices.len()
}

/// `pick` as a choice of `q`; `LAST` is its last choice, which is "I don't know" when it has
/// one (generated files put it last).
fn choice(rules: &Rules, q: QuestionIdx, pick: u16) -> ChoiceIdx {
    let n = choices(rules, q);
    if pick == LAST {
        return (n - 1) as ChoiceIdx;
    }
    (usize::from(pick) % n) as ChoiceIdx
}

const LAST: u16 = u16::MAX;

/// A choice pick: any, or the last choice a quarter of the time.
fn pick() -> impl Strategy<Value = u16> {
    prop_oneof![3 => any::<u16>(), 1 => Just(LAST)]
}

fn picks(len: usize) -> impl Strategy<Value = Vec<u16>> {
    vec(pick(), len)
}

/// The question a person is asked now, if any (the one being changed included).
fn asked(step: &Step) -> Option<QuestionIdx> {
    match step.reply {
        Reply::Ask { question, .. } => Some(question),
        _ => None,
    }
}

/// What the result screen would hold, if the reply is one.
fn verdict(step: &Step) -> Option<&Verdict> {
    match &step.reply {
        Reply::Result(v) => Some(v),
        _ => None,
    }
}

fn answer(question: QuestionIdx, choice: ChoiceIdx) -> Input {
    Input::Answer { question, choice }
}

/// Answers every question asked with the next pick until the interview leaves the questions;
/// returns the session and step, and how many inputs it took.
fn answer_all(
    rules: &Rules,
    session: Session,
    step: Step,
    picks: &[u16],
    today: Date,
) -> (Session, Step, usize) {
    let (mut session, mut step) = (session, step);
    let mut taken = 0;
    while let Some(q) = asked(&step) {
        let pick = picks.get(taken).copied().unwrap_or(0);
        (session, step) = engine::step(rules, &session, answer(q, choice(rules, q, pick)), today);
        taken += 1;
        assert!(taken <= rules.questions.len() + 1, "answers never end");
    }
    (session, step, taken)
}

/// Like `answer_all`, but when a choice would end the interview early (a `stop`), takes the
/// next choice instead, so the interview reaches the review screen. `None` if it cannot:
/// every choice of some question stops, or the interview stops before any question.
fn answer_to_review(
    rules: &Rules,
    picks: &[u16],
    today: Date,
) -> Option<(Session, Vec<(QuestionIdx, ChoiceIdx)>)> {
    let (mut session, mut step) = engine::start(rules, today);
    let mut k = 0;
    while let Some(q) = asked(&step) {
        let first = choice(rules, q, picks.get(k).copied().unwrap_or(0));
        k += 1;
        let n = choices(rules, q);
        let mut next = None;
        for offset in 0..n {
            let c = ((usize::from(first) + offset) % n) as ChoiceIdx;
            let (s, st) = engine::step(rules, &session, answer(q, c), today);
            if verdict(&st).is_none() {
                next = Some((s, st));
                break;
            }
        }
        (session, step) = next?;
    }
    match step.reply {
        Reply::Review { answers } => Some((session, answers)),
        // A `stop` that needs no answer (a referral for everyone before some date).
        _ => None,
    }
}

/// A person's action, resolved against the current screen so most sequences mean something.
#[derive(Debug, Clone, Copy)]
enum Op {
    /// Answer the question asked now with choice `pick` (modulo its choices).
    Answer(u16),
    /// Any answer at all, valid or not.
    Raw(u16, u16),
    Back,
    Restart,
    Confirm,
    /// Change answered question number `pick` (modulo the answers).
    Edit(u16),
    /// Any edit at all.
    RawEdit(u16),
    Show,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => pick().prop_map(Op::Answer),
        1 => (0u16..48, 0u16..8).prop_map(|(q, c)| Op::Raw(q, c)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(q, c)| Op::Raw(q, c)),
        2 => Just(Op::Back),
        1 => Just(Op::Restart),
        2 => Just(Op::Confirm),
        2 => any::<u16>().prop_map(Op::Edit),
        1 => any::<u16>().prop_map(Op::RawEdit),
        1 => Just(Op::Show),
    ]
}

/// The engine input `op` stands for on this screen.
fn resolve(rules: &Rules, session: &Session, step: &Step, op: Op) -> Input {
    match op {
        Op::Answer(pick) => match asked(step) {
            Some(q) => answer(q, choice(rules, q, pick)),
            None => answer(0, 0),
        },
        Op::Raw(q, c) => answer(q, c),
        Op::Back => Input::Back,
        Op::Restart => Input::Restart,
        Op::Confirm => Input::Confirm,
        Op::Edit(pick) => match session.answers.len() {
            0 => Input::Edit(0),
            n => Input::Edit(session.answers[usize::from(pick) % n].0),
        },
        Op::RawEdit(q) => Input::Edit(q),
        Op::Show => Input::Show,
    }
}

/// Runs `ops` from a fresh start; every (input, session, step) in order.
fn run(rules: &Rules, ops: &[Op], today: Date) -> Vec<(Input, Session, Step)> {
    let (mut session, mut step) = engine::start(rules, today);
    let mut trace = Vec::with_capacity(ops.len());
    for &op in ops {
        let input = resolve(rules, &session, &step, op);
        (session, step) = engine::step(rules, &session, input, today);
        trace.push((input, session.clone(), step.clone()));
    }
    trace
}

/// What each question is known to be after `session`'s answers, as the verdict sees it.
fn known(rules: &Rules, session: &Session) -> impl Fn(QuestionIdx) -> Known {
    let by_question: Vec<Known> = (0..rules.questions.len())
        .map(|q| match session.answer(q as QuestionIdx) {
            Some(c) => Known::Answered {
                choice: c,
                unknown: rules.question(q as QuestionIdx).choices[usize::from(c)].unknown,
            },
            None => Known::Skipped,
        })
        .collect();
    move |q| by_question[usize::from(q)]
}

fn as_set(answers: &[(QuestionIdx, ChoiceIdx)]) -> BTreeSet<(QuestionIdx, ChoiceIdx)> {
    answers.iter().copied().collect()
}

/// Where the interview stands, worked out the plain way: every question's `ask_if` and every
/// `stop` outcome evaluated from scratch at every question, and the answers kept.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plain {
    Ask(QuestionIdx),
    Complete,
    Stopped,
}

/// The reference for the engine's walk (which places an answer during the walk and ends early
/// once nothing later can change): answers in, (kept answers, where it stands) out.
fn plain_progress(
    rules: &Rules,
    answers: &[(QuestionIdx, ChoiceIdx)],
    today: Date,
) -> (Vec<(QuestionIdx, ChoiceIdx)>, Plain) {
    let mut given = vec![None; rules.questions.len()];
    for &(q, c) in answers {
        given[usize::from(q)] = Some(c);
    }
    let mut known = vec![Known::Open; rules.questions.len()];
    let stopped = |known: &[Known]| {
        let read = |x: QuestionIdx| known[usize::from(x)];
        rules
            .outcomes
            .iter()
            .any(|o| o.stop && o.when.eval(today, &read) == Some(Tri::True))
    };
    let mut at = None;
    for (i, question) in rules.questions.iter().enumerate() {
        if at.is_none() && stopped(&known) {
            at = Some(Plain::Stopped);
            break;
        }
        let read = |x: QuestionIdx| known[usize::from(x)];
        let ask = question.ask_if.eval_at(At::all_opened(today), &read);
        if ask == Some(Tri::False) {
            known[i] = Known::Skipped;
            continue;
        }
        match given[i] {
            Some(choice) => {
                known[i] = Known::Answered {
                    choice,
                    unknown: question.choices[usize::from(choice)].unknown,
                }
            }
            None if at.is_none() => at = Some(Plain::Ask(i as QuestionIdx)),
            None => {}
        }
    }
    let at = at.unwrap_or_else(|| {
        if stopped(&known) {
            Plain::Stopped
        } else {
            Plain::Complete
        }
    });
    let kept = answers
        .iter()
        .copied()
        .filter(|&(q, _)| matches!(known[usize::from(q)], Known::Answered { .. }))
        .collect();
    (kept, at)
}

proptest! {
    // No regression files: this crate keeps its test data under `tests/fixtures`.
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Answering whatever is asked, and confirming the review, always reaches a result within
    /// (questions + 2) inputs.
    #[test]
    fn every_path_ends(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        picks in picks(MAX_QUESTIONS + 2),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let (session, step) = engine::start(rules, today);
        let (session, step, taken) = answer_all(rules, session, step, &picks, today);
        prop_assert_eq!(step.notice, None);
        let (step, taken) = match step.reply {
            Reply::Review { .. } => {
                let (_, confirmed) = engine::step(rules, &session, Input::Confirm, today);
                prop_assert_eq!(confirmed.notice, None);
                (confirmed, taken + 1)
            }
            _ => (step, taken),
        };
        prop_assert!(verdict(&step).is_some(), "no result: {:?}", step.reply);
        prop_assert!(taken <= n + 2, "{} inputs for {} questions", taken, n);
    }

    /// From any point reached by answers alone, answering and then going back gives exactly
    /// the session and reply from before.
    #[test]
    fn back_undoes_an_answer(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        picks in picks(MAX_QUESTIONS + 1),
        prefix in any::<usize>(),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let (mut session, mut step) = engine::start(rules, today);
        for &pick in &picks[..prefix % (n + 1)] {
            let Some(q) = asked(&step) else { break };
            (session, step) = engine::step(rules, &session, answer(q, choice(rules, q, pick)), today);
        }
        let Some(q) = asked(&step) else {
            // The interview already ended: nothing to answer.
            return Ok(());
        };
        let c = choice(rules, q, picks[n]);
        let (answered, _) = engine::step(rules, &session, answer(q, c), today);
        let (back, back_step) = engine::step(rules, &answered, Input::Back, today);
        prop_assert_eq!(&back, &session);
        prop_assert_eq!(&back_step, &step);
    }

    /// From the review screen, changing question `q` to `c` gives the answers and the screen
    /// that starting again and answering with the old answers (and `c` for `q`) gives.
    ///
    /// When the change brings in a question that was not asked before, the engine keeps the
    /// later answers that are still asked (since 398e8e9) and asks the new question; starting
    /// again stops at that question. Then both must ask the same new question, and, once every
    /// new question is answered alike on both sides, end with the same answers and screen.
    #[test]
    fn changing_an_answer_is_answering_again(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        picks in picks(MAX_QUESTIONS),
        fresh in picks(MAX_QUESTIONS + 1),
        which in any::<u16>(),
        to in any::<u16>(),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let Some((review, old)) = answer_to_review(rules, &picks, today) else {
            // Stopped before any question: there is nothing to change.
            prop_assert!(verdict(&engine::start(rules, today).1).is_some());
            return Ok(());
        };
        let (q, _) = old[usize::from(which) % old.len()];
        let c = choice(rules, q, to);
        let (editing, edit_step) = engine::step(rules, &review, Input::Edit(q), today);
        prop_assert_eq!(edit_step.notice, None);
        prop_assert!(
            matches!(edit_step.reply, Reply::Ask { question, editing: true, .. } if question == q),
            "{:?}", edit_step.reply
        );
        let (changed, changed_step) = engine::step(rules, &editing, answer(q, c), today);
        prop_assert_eq!(changed_step.notice, None);

        // Starting again: the old answers where there are some, `c` for `q`.
        let old_answer = |x: QuestionIdx| old.iter().find(|(y, _)| *y == x).map(|&(_, c)| c);
        let (mut again, mut again_step) = engine::start(rules, today);
        let mut new_question = None;
        while let Some(x) = asked(&again_step) {
            let c = if x == q { Some(c) } else { old_answer(x) };
            let Some(c) = c else {
                new_question = Some(x);
                break;
            };
            (again, again_step) = engine::step(rules, &again, answer(x, c), today);
        }
        match new_question {
            None => {
                prop_assert_eq!(as_set(&changed.answers), as_set(&again.answers));
                prop_assert_eq!(&changed_step.reply, &again_step.reply);
            }
            Some(new) => {
                prop_assert_eq!(asked(&changed_step), Some(new));
                prop_assert!(
                    as_set(&again.answers).is_subset(&as_set(&changed.answers)),
                    "starting again kept {:?}, the change {:?}", again.answers, changed.answers
                );
                // Answer every new question alike on both sides.
                let fresh_answer = |x: QuestionIdx| choice(rules, x, fresh[usize::from(x) % fresh.len()]);
                let (mut a, mut a_step) = (changed, changed_step);
                while let Some(x) = asked(&a_step) {
                    prop_assert_eq!(old_answer(x).filter(|_| x != q), None, "asked again: {}", x);
                    (a, a_step) = engine::step(rules, &a, answer(x, fresh_answer(x)), today);
                }
                let (mut b, mut b_step) = engine::start(rules, today);
                while let Some(x) = asked(&b_step) {
                    let c = if x == q { c } else { old_answer(x).unwrap_or_else(|| fresh_answer(x)) };
                    (b, b_step) = engine::step(rules, &b, answer(x, c), today);
                }
                prop_assert_eq!(as_set(&a.answers), as_set(&b.answers));
                prop_assert_eq!(&a_step.reply, &b_step.reply);
            }
        }
    }

    /// An input that does not fit the screen (an answer to a question not asked now, a choice
    /// or question out of range, Confirm off the review screen, a change to a question not
    /// answered) changes nothing and says `Stale`.
    #[test]
    fn stale_and_forged_inputs_change_nothing(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        ops in vec(op(), 0..60),
        forged in (0u8..6, any::<u16>(), any::<u16>()),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let (session, step) = run(rules, &ops, today)
            .pop()
            .map(|(_, s, st)| (s, st))
            .unwrap_or_else(|| engine::start(rules, today));
        let current = match step.reply {
            Reply::Ask { question, .. } => Some(question),
            _ => None,
        };
        let nq = rules.questions.len() as u16;
        let (kind, a, b) = forged;
        let input = match kind {
            // An answer (in range) to a question that is not the one asked now.
            0 => {
                let q = a % nq;
                if Some(q) == current {
                    return Ok(());
                }
                answer(q, choice(rules, q, b))
            }
            // A choice out of range for the question asked now (or any question).
            1 => {
                let q = current.unwrap_or(a % nq);
                answer(q, choices(rules, q) as u16 + b % 100)
            }
            // A question that does not exist.
            2 => answer(nq + a % 1000, b),
            3 => {
                if matches!(step.reply, Reply::Review { .. }) {
                    return Ok(());
                }
                Input::Confirm
            }
            // A change to a question not answered (or not in the rules).
            4 => {
                let q = a % (nq + 3);
                if session.answer(q).is_some() {
                    return Ok(());
                }
                Input::Edit(q)
            }
            _ => Input::Edit(nq + a % 1000),
        };
        let (after, after_step) = engine::step(rules, &session, input, today);
        prop_assert_eq!(&after, &session, "{:?} changed the session", input);
        prop_assert_eq!(after_step.notice, Some(Notice::Stale), "{:?}", input);
        prop_assert_eq!(&after_step.reply, &engine::view(rules, &session, today));
    }

    /// Any sequence of inputs, sensible or not (`Back` at the start, `Restart` anywhere,
    /// forged numbers), runs without panicking and gives the same outputs twice. Along the
    /// way: `Stale` and `NothingToUndo` and `Show` change nothing, and every reply is the view
    /// of its session.
    #[test]
    fn the_engine_is_deterministic_and_total(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        ops in vec(op(), 0..80),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let first = run(rules, &ops, today);
        let second = run(rules, &ops, today);
        prop_assert_eq!(&first, &second);
        let (mut before, _) = engine::start(rules, today);
        for (input, session, step) in &first {
            let unchanged = matches!(step.notice, Some(Notice::Stale | Notice::NothingToUndo))
                || *input == Input::Show;
            if unchanged {
                prop_assert_eq!(session, &before, "{:?} changed the session", input);
            }
            prop_assert_eq!(&step.reply, &engine::view(rules, session, today));
            before = session.clone();
        }
        // A session of other rules, or of another session format, starts afresh.
        let (fresh, _) = engine::start(rules, today);
        let mut other = before.clone();
        other.rules_version.push('0');
        let mut old_format = before;
        old_format.format += 1;
        for stored in [other, old_format] {
            let (session, step) = engine::step(rules, &stored, Input::Show, today);
            prop_assert_eq!(step.notice, Some(Notice::RulesChanged));
            prop_assert_eq!(&session, &fresh);
        }
    }

    /// Every screen of every reply renders in `es` and `en`.
    ///
    /// It found that `check` let an `early_referral` (a `stop` whose `when` needs no answer,
    /// such as `{ before: 2024-08-23 }`) use what question 0 sets, although the engine stops
    /// before question 0; fixed in 2fdc82c.
    #[test]
    fn every_reply_renders(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        ops in vec(op(), 0..80),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let (session, step) = engine::start(rules, today);
        let trace = std::iter::once((Input::Show, session, step)).chain(run(rules, &ops, today));
        for (input, session, step) in trace {
            for lang in generate::LANGS {
                let renderer = Renderer::new(rules, &set.locales, lang, today);
                let screens = renderer.step(&step, &session);
                prop_assert!(
                    screens.is_ok(),
                    "after {:?} in {}: {:?}\nreply {:?}\nsession {:?}",
                    input, lang, screens.err(), step.reply, session.answers
                );
            }
        }
    }

    /// On the result screen: an outcome listed as Open has a condition that is certainly true
    /// for the answers given; every listed outcome's condition is not false (certainly true
    /// after a `stop`); and the fallback is listed, last, exactly when no other outcome is
    /// Open or Maybe.
    #[test]
    fn the_verdict_is_sound(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        picks in picks(MAX_QUESTIONS + 1),
        past_stops in any::<bool>(),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let (session, step) = match answer_to_review(rules, &picks, today) {
            Some((session, _)) if past_stops => {
                let step = Step { reply: engine::view(rules, &session, today), notice: None };
                (session, step)
            }
            _ => {
                let (session, step) = engine::start(rules, today);
                let (session, step, _) = answer_all(rules, session, step, &picks, today);
                (session, step)
            }
        };
        let (session, step) = match step.reply {
            Reply::Review { .. } => engine::step(rules, &session, Input::Confirm, today),
            _ => (session, step),
        };
        let verdict = verdict(&step).expect("a result");
        let known = known(rules, &session);
        let fallback = rules.fallback.expect("generated rules have a fallback");
        let mut helped = false;
        if !verdict.stopped {
            // `check` proved no condition reads a question the answers skipped.
            for outcome in rules.outcomes.iter().filter(|o| !o.is_fallback) {
                prop_assert!(
                    outcome.when.eval(verdict.as_of, &known).is_some(),
                    "{} reads a skipped question", &outcome.id
                );
            }
        }
        for m in &verdict.matches {
            let outcome = rules.outcome(m.outcome);
            if m.outcome == fallback {
                continue;
            }
            let truth = outcome.when.eval(verdict.as_of, &known);
            if m.status == Status::Open {
                prop_assert_eq!(truth, Some(Tri::True), "{} is Open", &outcome.id);
            }
            if verdict.stopped {
                prop_assert!(outcome.stop, "{} listed after a stop", &outcome.id);
                prop_assert_eq!(truth, Some(Tri::True), "{} listed after a stop", &outcome.id);
            } else {
                prop_assert_ne!(truth, Some(Tri::False), "{} listed", &outcome.id);
            }
            helped |= matches!(m.status, Status::Open | Status::Maybe);
        }
        let listed: Vec<_> = verdict.matches.iter().filter(|m| m.outcome == fallback).collect();
        prop_assert!(listed.len() <= 1);
        prop_assert_eq!(!listed.is_empty(), !helped, "fallback listed: {:?}", verdict.matches);
        if !listed.is_empty() {
            prop_assert_eq!(verdict.matches.last().map(|m| m.outcome), Some(fallback));
        }
    }

    /// The question asked is the first one, top to bottom, whose `ask_if` is not false and
    /// that has no answer; every question before it was answered or has an `ask_if` that is
    /// false (never one that depends on a skipped question); and no `stop` outcome is
    /// certainly true before it.
    #[test]
    fn the_question_asked_is_the_first_open_one(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        ops in vec(op(), 0..80),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        for (input, session, step) in run(rules, &ops, today) {
            let Reply::Ask { question: q, editing: false, .. } = step.reply else { continue };
            let mut known = vec![Known::Open; rules.questions.len()];
            for p in 0..=usize::from(q) {
                let question = &rules.questions[p];
                let read = |x: QuestionIdx| known[usize::from(x)];
                let stopped = rules
                    .outcomes
                    .iter()
                    .any(|o| o.stop && o.when.eval(today, &read) == Some(Tri::True));
                prop_assert!(!stopped, "a stop applies before q{} ({:?})", q, input);
                let ask = question.ask_if.eval(today, &read);
                prop_assert!(ask.is_some(), "`ask_if` of {} reads a skipped question", &question.id);
                let answer = session.answer(p as QuestionIdx);
                if p == usize::from(q) {
                    prop_assert_ne!(ask, Some(Tri::False), "{} is asked", &question.id);
                    prop_assert_eq!(answer, None);
                } else if ask == Some(Tri::False) {
                    prop_assert_eq!(answer, None, "{} is skipped but answered", &question.id);
                    known[p] = Known::Skipped;
                } else {
                    let Some(c) = answer else {
                        return Err(TestCaseError::fail(format!(
                            "{} comes before q{q} and is not answered", question.id
                        )));
                    };
                    known[p] = Known::Answered {
                        choice: c,
                        unknown: question.choices[usize::from(c)].unknown,
                    };
                }
            }
        }
    }

    /// `Back` on a question screen goes back: it shows an earlier question, or says there is
    /// nothing to undo.
    #[test]
    fn back_goes_back(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        ops in vec(op(), 0..80),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        for (input, session, step) in run(rules, &ops, today) {
            let Reply::Ask { question: q, editing: false, .. } = step.reply else { continue };
            let (after, back) = engine::step(rules, &session, Input::Back, today);
            if back.notice == Some(Notice::NothingToUndo) {
                continue;
            }
            prop_assert!(
                matches!(back.reply, Reply::Ask { question: p, .. } if p < q),
                "Back on q{} (after {:?}, answers {:?}) shows {:?}, answers {:?}",
                q, input, session.answers, back.reply, after.answers
            );
        }
    }

    /// The engine agrees with the plain walk after any inputs (answers, changes, back,
    /// restart, stale buttons): an answer is taken exactly when it is for the question the
    /// plain walk asks, the answers kept are the plain walk's, and the screen is where the
    /// plain walk stands.
    #[test]
    fn the_engine_agrees_with_the_plain_walk(
        seed in any::<u64>(),
        n in 1..=MAX_QUESTIONS,
        ops in vec(op(), 0..80),
        day in any::<usize>(),
    ) {
        let set = load(seed, n);
        let rules = &set.rules;
        let today = as_of(day);
        let (mut session, mut step) = engine::start(rules, today);
        for &op in &ops {
            let input = resolve(rules, &session, &step, op);
            let before = session.clone();
            (session, step) = engine::step(rules, &before, input, today);
            if let Input::Answer { question, choice } = input
                && before.editing.is_none()
                && usize::from(question) < rules.questions.len()
                && usize::from(choice) < choices(rules, question)
            {
                let (_, at) = plain_progress(rules, &before.answers, today);
                let expected = at == Plain::Ask(question) && !before.confirmed;
                prop_assert_eq!(step.notice.is_none(), expected, "{:?} on {:?}", input, before.answers);
                if expected {
                    let mut extended = before.answers.clone();
                    extended.push((question, choice));
                    prop_assert_eq!(&session.answers, &plain_progress(rules, &extended, today).0);
                }
            }
            let (kept, at) = plain_progress(rules, &session.answers, today);
            prop_assert_eq!(&kept, &session.answers, "answers not kept as walked after {:?}", input);
            match (&step.reply, &at) {
                (Reply::Ask { editing: true, .. }, _) => {}
                (Reply::Ask { question, .. }, Plain::Ask(q)) => prop_assert_eq!(question, q),
                (Reply::Review { .. }, Plain::Complete) => prop_assert!(!session.confirmed),
                (Reply::Result(v), Plain::Complete) => prop_assert!(!v.stopped && session.confirmed),
                (Reply::Result(v), Plain::Stopped) => prop_assert!(v.stopped),
                (reply, at) => prop_assert!(false, "{:?} shows {:?} where the plain walk is at {:?}", input, reply, at),
            }
        }
    }
}
