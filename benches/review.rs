//! `rumbo paths` and `rumbo diff` on the shipped rules and on a generated large file.

use divan::Bencher;
use rumbo::check::{self, RuleSet};
use rumbo::date::Date;
use rumbo::review::{self, diff};
use rumbo::{files, generate};

fn main() {
    divan::main();
}

fn shipped() -> RuleSet {
    check::load(&files::embedded(), Date::new(2026, 11, 28).unwrap())
        .rule_set
        .unwrap()
}

fn generated(questions: usize) -> RuleSet {
    check::load(&generate::rules(1, questions), generate::today())
        .rule_set
        .unwrap()
}

/// The busiest day of the shipped rules: 44,871 answer paths.
fn busiest() -> Date {
    Date::new(2023, 11, 1).unwrap()
}

#[divan::bench(sample_count = 10)]
fn paths_shipped(b: Bencher) {
    let set = shipped();
    b.bench(|| review::paths(&set.rules, busiest(), review::DEFAULT_BUDGET).unwrap());
}

/// A generated file: how the walk grows with the number of questions (generated files of this
/// size have more than `DEFAULT_BUDGET` paths: this is the time to refuse them).
#[divan::bench(sample_count = 5, args = [100, 500])]
fn paths_generated(b: Bencher, questions: usize) {
    let set = generated(questions);
    b.bench(|| {
        let table = review::paths(&set.rules, generate::today(), review::DEFAULT_BUDGET);
        table.map(|t| t.rows.len()).map_err(|e| e.budget)
    });
}

#[divan::bench(sample_count = 10)]
fn diff_shipped_one_date(b: Bencher) {
    let set = shipped();
    b.bench(|| {
        diff::compare(
            &set.rules,
            busiest(),
            &set.rules,
            busiest(),
            review::DEFAULT_BUDGET,
        )
        .unwrap()
    });
}

#[divan::bench(sample_count = 3)]
fn diff_shipped_every_date(b: Bencher) {
    let set = shipped();
    b.bench(|| diff::compare_all_dates(&set.rules, &set.rules, review::DEFAULT_BUDGET).unwrap());
}

#[divan::bench(sample_count = 3, args = [100, 500])]
fn diff_generated_every_date(b: Bencher, questions: usize) {
    let set = generated(questions);
    b.bench(|| {
        diff::compare_all_dates(&set.rules, &set.rules, review::DEFAULT_BUDGET)
            .map(|p| p.len())
            .map_err(|e| e.budget)
    });
}
