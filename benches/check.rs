//! `check::load` on the shipped rules and on generated files (generated outside the timed
//! part). Run with `cargo bench --bench check`.

use divan::{Bencher, black_box};

use rumbo::check;
use rumbo::files;
use rumbo::generate;

fn main() {
    // The flow analysis walks with its own stack, so the default thread is enough.
    divan::main();
}

/// The seed of the generated files of 100 and 1,000 questions (any seed is a valid file).
const SEED: u64 = 1;

#[divan::bench]
fn shipped(bencher: Bencher) {
    let input = files::embedded();
    let today = generate::today();
    bencher.bench(|| check::load(black_box(&input), today));
}

#[divan::bench(args = [100, 1_000])]
fn generated(bencher: Bencher, questions: usize) {
    let input = generate::rules(SEED, questions);
    let today = generate::today();
    bencher.bench(|| check::load(black_box(&input), today));
}

/// 10,000 questions, three seeds: the flow analysis's work depends on the shape (from about
/// 330,000 to 910,000 walk states for these three).
#[divan::bench(args = [0, 1, 2], sample_count = 10, sample_size = 1)]
fn generated_10000(bencher: Bencher, seed: u64) {
    let input = generate::rules(seed, 10_000);
    let today = generate::today();
    bencher.bench(|| check::load(black_box(&input), today));
}
