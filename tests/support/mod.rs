//! Support code for the integration tests that talk to Telegram.
//!
//! Each file under `tests/` is its own crate, so a test that wants the fake Bot API writes
//! `mod support;` and then `use support::fake_api::FakeApi;`. Nothing here is part of the
//! product: the bot itself never links against it.

pub mod fake_api;
pub mod people;
pub mod process;
