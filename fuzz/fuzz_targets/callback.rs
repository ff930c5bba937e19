//! Fuzz target: see `rumbo::fuzz::callback` (its body, replayed by `tests/fuzz_corpus.rs`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| rumbo::fuzz::callback(data));
