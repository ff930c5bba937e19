//! Engine throughput on the shipped rules: a whole interview, counted per step, and one
//! answer on its own. Run with `cargo bench --bench engine`.

use std::sync::LazyLock;

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};

use rumbo::check::{self, RuleSet};
use rumbo::date::Date;
use rumbo::engine::{self, Input, Reply, Session};
use rumbo::files;
use rumbo::generate;

fn main() {
    divan::main();
}

/// The day the benchmarks evaluate on: the shipped rules' programmes were open then.
fn today() -> Date {
    Date::new(2023, 11, 1).expect("a real date")
}

static SHIPPED: LazyLock<RuleSet> = LazyLock::new(|| {
    check::load(&files::embedded(), today())
        .rule_set
        .expect("the shipped rules are clean")
});

/// The inputs of a whole interview that answers every question with its first choice (for
/// the shipped rules, the longest path) and confirms the review.
fn interview() -> Vec<Input> {
    let rules = &SHIPPED.rules;
    let (mut session, mut step) = engine::start(rules, today());
    let mut inputs = Vec::new();
    loop {
        let input = match step.reply {
            Reply::Ask { question, .. } => Input::Answer {
                question,
                choice: 0,
            },
            Reply::Review { .. } => Input::Confirm,
            Reply::Result(_) => break,
        };
        inputs.push(input);
        (session, step) = engine::step(rules, &session, input, today());
    }
    inputs
}

/// Start, every answer, confirm: items are engine calls (`start` included).
#[divan::bench]
fn full_interview(bencher: Bencher) {
    let rules = &SHIPPED.rules;
    let inputs = interview();
    let today = today();
    bencher
        .counter(ItemsCount::new(inputs.len() + 1))
        .bench(|| {
            let (mut session, mut step) = engine::start(rules, today);
            for &input in black_box(&inputs) {
                (session, step) = engine::step(rules, &session, input, today);
            }
            (session, step)
        });
}

/// One answer in the middle of the interview (the third question of the longest path).
#[divan::bench]
fn one_answer(bencher: Bencher) {
    let rules = &SHIPPED.rules;
    let inputs = interview();
    let today = today();
    let mut session: Session = engine::start(rules, today).0;
    for &input in &inputs[..2] {
        session = engine::step(rules, &session, input, today).0;
    }
    let input = inputs[2];
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| engine::step(rules, black_box(&session), black_box(input), today));
}

/// A whole interview on a generated file of `questions` questions, for how a step's cost
/// grows with the file (each step walks the questions from the top).
#[divan::bench(args = [10, 100, 1_000])]
fn full_interview_generated(bencher: Bencher, questions: usize) {
    let set = check::load(
        &generate::rules(GENERATED_SEED, questions),
        generate::today(),
    )
    .rule_set
    .expect("generated rules are clean");
    let rules = &set.rules;
    let today = today();
    // Answer each question with its first choice (never a `stop`), then confirm.
    let (mut session, mut step) = engine::start(rules, today);
    let mut inputs = Vec::new();
    while !matches!(step.reply, Reply::Result(_)) {
        let input = match step.reply {
            Reply::Ask { question, .. } => Input::Answer {
                question,
                choice: 0,
            },
            _ => Input::Confirm,
        };
        inputs.push(input);
        (session, step) = engine::step(rules, &session, input, today);
    }
    bencher
        .counter(ItemsCount::new(inputs.len() + 1))
        .bench(|| {
            let (mut session, mut step) = engine::start(rules, today);
            for &input in black_box(&inputs) {
                (session, step) = engine::step(rules, &session, input, today);
            }
            (session, step)
        });
}

/// The seed of the generated files.
const GENERATED_SEED: u64 = 1;

/// The screen of a session, without an input (what every step ends with).
#[divan::bench]
fn view(bencher: Bencher) {
    let rules = &SHIPPED.rules;
    let inputs = interview();
    let today = today();
    let mut session: Session = engine::start(rules, today).0;
    for &input in &inputs[..2] {
        session = engine::step(rules, &session, input, today).0;
    }
    bencher.bench(|| engine::view(rules, black_box(&session), today));
}
