//! The rules language: loading, resolving and analysing an NGO's rules file.
//!
//! `raw` (serde shapes) -> `resolve` (names to indices, every problem collected) ->
//! `analysis` (every path walked). See `docs/rules.md` for the language itself.

pub mod analysis;
pub mod compiled;
pub mod condition;
pub mod model;
pub mod raw;
pub mod resolve;

pub use condition::{Known, Tri};
pub use model::*;
