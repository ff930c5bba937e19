//! Button data: every inline-button payload the bot sends, encoded and parsed in one place.
//!
//! Format: `2:<rules version, 8 hex>:<step>:<action>[:<question>[:<choice>]]`, at most 64
//! bytes (Telegram's limit for `callback_data`). The leading `2` is this format's version, so
//! a future format can tell old buttons apart (`1` had no step). The rules version lets the
//! bot recognise a button from an interview that started on other rules; the step (the
//! conversation's step counter when the button was sent, base 36, at most 4 characters)
//! recognises a button from an older message and a second press of the same button. Ids are
//! the rules' own ids (`[a-z0-9_]`), so a colon can never appear inside a field.

use std::fmt;

/// Telegram's limit for callback data, in bytes.
pub const MAX_BYTES: usize = 64;
/// The format version written first in every payload.
const FORMAT: &str = "2";
/// Steps are carried modulo this (four base-36 digits): a button is only ever compared with
/// the current step, and no conversation comes near 1.6 million steps.
pub const STEP_MODULUS: u32 = 36 * 36 * 36 * 36;
/// The bytes every answer button needs besides its question and choice ids, at worst:
/// `2:` + version + `:` + step + `:a:` + `:`.
pub const ANSWER_OVERHEAD: usize = 2 + VERSION_LEN + 1 + 4 + 3 + 1;
/// Bytes of the rules version carried in a payload.
pub const VERSION_LEN: usize = 8;

/// What a button does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    Answer {
        question: String,
        choice: String,
    },
    Edit {
        question: String,
    },
    Back,
    Confirm,
    Restart,
    /// Switch the interface language.
    Language(String),
}

/// A decoded button payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Callback {
    pub version: String,
    /// The step counter when the button was made, modulo `STEP_MODULUS`.
    pub step: u32,
    pub action: Action,
}

/// Why a payload was rejected. Deliberately vague for forged data: the bot only needs to
/// know that it cannot use it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    #[error("button data is longer than {MAX_BYTES} bytes")]
    TooLong,
    #[error("button data is malformed")]
    Malformed,
}

fn valid_field(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
}

impl Callback {
    pub fn new(version: &str, action: Action) -> Callback {
        Callback {
            version: version[..VERSION_LEN.min(version.len())].to_string(),
            step: 0,
            action,
        }
    }

    /// The same button, made at conversation step `step`.
    pub fn at_step(mut self, step: u32) -> Callback {
        self.step = step % STEP_MODULUS;
        self
    }

    /// The payload text. Its length is what `check` compares with `MAX_BYTES`.
    pub fn encode(&self) -> String {
        self.to_string()
    }

    /// Parses a payload; anything not produced by `encode` is rejected.
    pub fn parse(data: &str) -> Result<Callback, CallbackError> {
        if data.len() > MAX_BYTES {
            return Err(CallbackError::TooLong);
        }
        let mut fields = data.split(':');
        let (Some(FORMAT), Some(version), Some(step), Some(kind)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(CallbackError::Malformed);
        };
        if version.len() != VERSION_LEN || !version.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(CallbackError::Malformed);
        }
        let step = parse_step(step).ok_or(CallbackError::Malformed)?;
        let rest: Vec<&str> = fields.collect();
        if !rest.iter().all(|f| valid_field(f)) {
            return Err(CallbackError::Malformed);
        }
        let action = match (kind, rest.as_slice()) {
            ("a", [q, c]) => Action::Answer {
                question: q.to_string(),
                choice: c.to_string(),
            },
            ("e", [q]) => Action::Edit {
                question: q.to_string(),
            },
            ("b", []) => Action::Back,
            ("c", []) => Action::Confirm,
            ("r", []) => Action::Restart,
            ("l", [lang]) => Action::Language(lang.to_string()),
            _ => return Err(CallbackError::Malformed),
        };
        Ok(Callback {
            version: version.to_string(),
            step,
            action,
        })
    }
}

/// A step in base 36, lowercase, without leading zeros (`0` for zero).
fn step_text(mut step: u32) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit(step % 36, 36).unwrap_or('0'));
        step /= 36;
        if step == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

fn parse_step(text: &str) -> Option<u32> {
    let canonical = !text.is_empty()
        && text.len() <= 4
        && (text == "0" || !text.starts_with('0'))
        && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'z'));
    canonical
        .then(|| u32::from_str_radix(text, 36).ok())
        .flatten()
}

impl fmt::Display for Callback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{FORMAT}:{}:{}:", self.version, step_text(self.step))?;
        match &self.action {
            Action::Answer { question, choice } => write!(f, "a:{question}:{choice}"),
            Action::Edit { question } => write!(f, "e:{question}"),
            Action::Back => f.write_str("b"),
            Action::Confirm => f.write_str("c"),
            Action::Restart => f.write_str("r"),
            Action::Language(lang) => write!(f, "l:{lang}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const V: &str = "0123abcd";

    #[test]
    fn worst_case_of_the_longest_ids_fits_64_bytes() {
        // Ids are at most 40 characters; two of them do not fit, which is why `check`
        // measures every pair the rules actually contain: 45 characters together do.
        let long = Callback::new(
            V,
            Action::Answer {
                question: "q".repeat(20),
                choice: "c".repeat(25),
            },
        );
        let long = long.at_step(STEP_MODULUS - 1);
        assert_eq!(long.encode().len(), ANSWER_OVERHEAD + 20 + 25);
        assert_eq!(long.encode().len(), MAX_BYTES);
        let edit = Callback::new(
            V,
            Action::Edit {
                question: "q".repeat(40),
            },
        )
        .at_step(STEP_MODULUS - 1);
        assert!(edit.encode().len() <= MAX_BYTES);
        // The step wraps, so it never takes more than four characters.
        let wrapped = Callback::new(V, Action::Back).at_step(u32::MAX);
        assert!(wrapped.step < STEP_MODULUS);
        assert_eq!(Callback::parse(&wrapped.encode()), Ok(wrapped));
    }

    #[test]
    fn forged_and_truncated_data_is_rejected() {
        for bad in [
            "",
            "2",
            "2:0123abcd",
            "2:0123abcd:0",
            "1:0123abcd:b",
            "1:0123abcd:0:b",
            "2:0123abc:0:b",
            "2:0123abcz:0:b",
            "2:0123abcd::b",
            "2:0123abcd:00:b",
            "2:0123abcd:1zzzz:b",
            "2:0123abcd:A:b",
            "2:0123abcd:0:a:q",
            "2:0123abcd:0:a:q:",
            "2:0123abcd:0:a:Q:c",
            "2:0123abcd:0:a:q:c:d",
            "2:0123abcd:0:b:x",
            "2:0123abcd:0:z",
            "2:0123abcd:0:a:q:c\u{0}",
            "2:0123abcd:0:a:q:ñ",
        ] {
            assert!(Callback::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            Callback::parse(&"1".repeat(65)),
            Err(CallbackError::TooLong)
        );
    }

    fn id() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9_]{0,20}"
    }

    fn action() -> impl Strategy<Value = Action> {
        prop_oneof![
            (id(), id()).prop_map(|(question, choice)| Action::Answer { question, choice }),
            id().prop_map(|question| Action::Edit { question }),
            Just(Action::Back),
            Just(Action::Confirm),
            Just(Action::Restart),
            "[a-z]{2}(-[a-z0-9]{2,3})?".prop_map(Action::Language),
        ]
    }

    proptest! {
        #[test]
        fn encode_then_parse_round_trips(version in "[0-9a-f]{8}", step in any::<u32>(), action in action()) {
            let cb = Callback::new(&version, action).at_step(step);
            let data = cb.encode();
            prop_assert!(data.len() <= MAX_BYTES);
            prop_assert_eq!(Callback::parse(&data), Ok(cb));
        }

        #[test]
        fn parse_never_panics(data in ".{0,80}") {
            let _ = Callback::parse(&data);
        }
    }
}
