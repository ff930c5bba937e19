//! People in private chats with the bot, through the fake Bot API: they write, press buttons
//! and wait for the bot to settle.

#![allow(dead_code)] // each test file uses a part

use std::time::{Duration, Instant};

use super::fake_api::{FakeApi, FakeState, Sent};
use super::process::WAIT;

/// How long the bot must be quiet to count as done (longer where it waits out a 429).
pub static QUIET_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(800);

/// Waits until the bot has nothing left to do: every update fetched and no request (other
/// than polling) for a little while.
pub fn settle(api: &FakeApi) {
    let quiet = Duration::from_millis(QUIET_MS.load(std::sync::atomic::Ordering::Relaxed));
    let deadline = Instant::now() + WAIT;
    let mut seen = usize::MAX;
    loop {
        let (pending, requests) = api.with_state(|s: &FakeState| {
            let work = s
                .requests()
                .iter()
                .filter(|r| r.method != "getupdates")
                .count();
            (s.pending_updates(), work)
        });
        if pending == 0 && requests == seen {
            return;
        }
        seen = requests;
        assert!(
            Instant::now() < deadline,
            "the bot never settled:\n{}",
            api.dump()
        );
        std::thread::sleep(quiet);
    }
}

/// One person in a private chat.
pub struct Person<'a> {
    pub api: &'a FakeApi,
    pub chat: i64,
    pub lang: Option<&'a str>,
    /// Who hands the person's updates to the bot: `None`, the bot polls them; else this
    /// takes them from the fake's queue (e.g. to post them to a webhook).
    pub deliver: Option<&'a Deliver<'a>>,
}

/// Hands updates to the bot (see [`Person::deliver`]).
pub type Deliver<'a> = dyn Fn(Vec<serde_json::Value>) + Sync + 'a;

impl<'a> Person<'a> {
    pub fn new(api: &'a FakeApi, chat: i64, lang: Option<&'a str>) -> Person<'a> {
        Person {
            api,
            chat,
            lang,
            deliver: None,
        }
    }

    /// A person whose updates `deliver` hands to the bot.
    pub fn via(
        api: &'a FakeApi,
        chat: i64,
        lang: Option<&'a str>,
        deliver: &'a Deliver<'a>,
    ) -> Person<'a> {
        Person {
            deliver: Some(deliver),
            ..Person::new(api, chat, lang)
        }
    }

    /// What the person sees changing: messages and edits.
    pub fn seen(&self) -> (usize, u32) {
        let sent = self.sent();
        (sent.len(), sent.iter().map(|m| m.edits).sum())
    }

    /// After a push: the updates go to the bot, then wait for it to be done. Delivered by the
    /// test, the updates are handled by replicas whose sends Telegram's per-chat pace may hold
    /// back longer than [`settle`]'s quiet time: wait for the reply to show first.
    fn hand_over(&self) {
        let Some(deliver) = self.deliver else {
            settle(self.api);
            return;
        };
        let before = self.seen();
        deliver(self.api.take_updates());
        let deadline = Instant::now() + WAIT;
        while self.seen() == before {
            assert!(
                Instant::now() < deadline,
                "chat {}: no reply\n{}",
                self.chat,
                self.transcript()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Then quiet in this chat for longer than the one message a second Telegram allows
        // per chat (other chats may be busy meanwhile).
        let mut last = self.seen();
        loop {
            std::thread::sleep(Duration::from_millis(1100));
            let now = self.seen();
            if now == last {
                return;
            }
            assert!(Instant::now() < deadline, "chat {}: never quiet", self.chat);
            last = now;
        }
    }

    pub fn user(&self) -> u64 {
        self.chat as u64
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.api.chat_messages(self.chat)
    }

    pub fn text(&self, text: &str) {
        if text.starts_with('/') {
            self.api
                .push_command(self.chat, self.user(), text, self.lang);
        } else {
            self.api.push_text(self.chat, self.user(), text, self.lang);
        }
        self.hand_over();
    }

    /// The newest message with a button whose label satisfies `which`.
    pub fn find(&self, which: &dyn Fn(&str) -> bool) -> (i32, String) {
        self.sent()
            .iter()
            .rev()
            .find_map(|m| {
                m.buttons()
                    .into_iter()
                    .flatten()
                    .find(|b| which(&b.text))
                    .and_then(|b| b.callback_data.map(|d| (m.message_id, d)))
            })
            .unwrap_or_else(|| panic!("no such button in:\n{}", self.api.transcript(self.chat)))
    }

    /// Presses the button labelled `label` on the newest message showing it.
    pub fn press(&self, label: &str) -> String {
        let (message, data) = self.find(&|t| t == label);
        self.press_data(message, &data)
    }

    /// The `n`th answer button (0-based, Back and Start over left out) of the newest message
    /// with buttons: that message's id and the button's data. `usize::MAX`: the last one.
    pub fn nth_answer(&self, n: usize) -> (i32, String) {
        let last = self
            .sent()
            .into_iter()
            .rev()
            .find(|m| !m.buttons().is_empty())
            .unwrap_or_else(|| panic!("no buttons:\n{}", self.api.dump()));
        let answers = last.answer_data();
        let n = if n == usize::MAX {
            answers.len().saturating_sub(1)
        } else {
            n
        };
        let data = answers.get(n).unwrap_or_else(|| {
            panic!(
                "chat {}: no answer button {n}:\n{}",
                self.chat,
                self.transcript()
            )
        });
        (last.message_id, data.clone())
    }

    /// Presses the `n`th answer button (0-based, Back and Start over left out) of the newest
    /// message with buttons.
    pub fn press_nth(&self, n: usize) {
        let (message, data) = self.nth_answer(n);
        self.press_data(message, &data);
    }

    pub fn press_data(&self, message: i32, data: &str) -> String {
        let id = self
            .api
            .push_callback(self.chat, self.user(), message, data);
        self.hand_over();
        id
    }

    pub fn transcript(&self) -> String {
        self.api.transcript(self.chat)
    }
}

/// Venezuelan in Colombia, there by the cutoff, regular status, nothing else: the answers by
/// position on the built-in rules, then "see my result".
pub const VENEZUELAN_IN_COLOMBIA: [usize; 8] = [0, 0, 3, 0, 0, 1, 1, 1];

pub fn interview(p: &Person<'_>) {
    p.text("/start");
    for n in VENEZUELAN_IN_COLOMBIA {
        p.press_nth(n);
    }
    see_result(p);
}

/// On the review screen, presses "see my result" (its last answer button).
pub fn see_result(p: &Person<'_>) {
    p.press_nth(usize::MAX);
}
