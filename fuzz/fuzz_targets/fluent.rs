//! Fuzz target: see `rumbo::fuzz::fluent` (its body, replayed by `tests/fuzz_corpus.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rumbo::fuzz::fluent(data));
