//! Rumbo: preliminary, sourced guidance on lawful migration pathways, driven by an NGO's
//! rules file. See ARCHITECTURE.md for the map of this crate and its invariants.
//!
//! The core (`rules`, `engine`, `i18n`, `render`, `check`) knows nothing about Telegram and
//! does no I/O of its own except where a module says so (`files`, `chat`).

pub mod callback;
pub mod chat;
pub mod check;
pub mod conversation;
pub mod date;
pub mod diag;
pub mod engine;
pub mod files;
#[doc(hidden)]
pub mod fuzz;
#[doc(hidden)]
pub mod generate;
pub mod i18n;
pub mod matching;
pub mod memory;
pub mod render;
pub mod review;
pub mod rules;
pub mod scenario;
pub mod stats;
pub mod store;
pub mod telegram;
pub mod yaml;
