//! Fuzz target: see `rumbo::fuzz::rules` (its body, replayed by `tests/fuzz_corpus.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rumbo::fuzz::rules(data));
