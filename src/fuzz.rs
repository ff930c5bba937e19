//! The bodies of the fuzz targets (`fuzz/fuzz_targets/`), kept in the library so that
//! `tests/fuzz_corpus.rs` replays every saved input on stable Rust in `cargo test`, and so the
//! targets and the replay cannot drift apart. Each function must return normally for any input:
//! a panic, a hang or a memory blow-up is the bug a fuzzer looks for.

use std::path::PathBuf;
use std::sync::LazyLock;

use crate::callback::{Callback, MAX_BYTES};
use crate::check::{self, RuleSet};
use crate::conversation::{self, ChatState, Context, Event};
use crate::date::Date;
use crate::engine::{self, Input, Reply};
use crate::files;
use crate::i18n::{Args, LocaleFile, Locales};

/// The day every target evaluates on: the shipped programmes were open then.
fn day() -> Date {
    Date::new(2023, 11, 1).unwrap_or_else(|| Date::from_days_since_epoch(0))
}

/// Any bytes as a rules file, checked with the built-in locales. A file that loads is then
/// interviewed: each further input byte picks a choice, so accepted files are walked too.
pub fn rules(data: &[u8]) {
    let mut input = files::embedded();
    input.rules_path = PathBuf::from("fuzz.yaml");
    input.rules_bytes = data.to_vec();
    let report = check::load(&input, day());
    let Some(set) = report.rule_set else { return };
    let rules = &set.rules;
    let (mut session, mut step) = engine::start(rules, day());
    for &byte in data.iter().rev().take(64) {
        let input = match &step.reply {
            Reply::Ask { question, .. } => {
                let choices = rules.question(*question).choices.len();
                Input::Answer {
                    question: *question,
                    choice: (usize::from(byte) % choices) as u16,
                }
            }
            Reply::Result(_) if byte % 2 == 0 => Input::Back,
            Reply::Result(_) => break,
            _ => Input::Confirm,
        };
        (session, step) = engine::step(rules, &session, input, day());
    }
}

/// Any bytes as a Fluent file of `es`; a file that loads has every message formatted.
pub fn fluent(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let file = LocaleFile {
        lang: "es".into(),
        path: PathBuf::from("locales/es/fuzz.ftl"),
        text,
    };
    let Ok(locales) = Locales::from_files(vec![file]) else {
        return;
    };
    let args = Args::new();
    for id in locales.message_ids("es") {
        let _ = locales.format("es", id, &args);
    }
}

/// The built-in rules, checked once for every callback input.
static SHIPPED: LazyLock<Option<RuleSet>> =
    LazyLock::new(|| check::load(&files::embedded(), day()).rule_set);

/// Any bytes as button data: parsing never panics, whatever parses encodes back to itself
/// within Telegram's 64 bytes, and the conversation answers a forged press calmly (one
/// acknowledgement, never a crash) from a fresh interview.
pub fn callback(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = Callback::parse(text) {
        let again = parsed.encode();
        assert!(again.len() <= MAX_BYTES, "{again:?} is too long");
        assert_eq!(Callback::parse(&again).ok(), Some(parsed), "{text:?}");
    }
    let Some(set) = SHIPPED.as_ref() else { return };
    let ctx = Context {
        set,
        client_lang: Some("es"),
        today: day(),
        expired: false,
        unreadable: false,
    };
    let started: Option<ChatState> =
        conversation::handle(None, Event::from_text("/start"), &ctx).state;
    let event = Event::Press {
        data: text.to_string(),
        message: Some(1),
    };
    let out = conversation::handle(started, event, &ctx);
    let acknowledged = out
        .effects
        .iter()
        .filter(|e| matches!(e, conversation::Effect::AnswerPress(_)))
        .count();
    assert!(acknowledged <= 1, "a press answered {acknowledged} times");
}
