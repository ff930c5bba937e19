//! Anonymous statistics for the NGO's reviewers: `rumbo stats` and the bot's `/stats`.
//!
//! The bot keeps counters only (table `counters`: day, rules version, locale, metric, key,
//! value; see `docs/stats.md`). This module reads them, never writes: [`read`] opens the
//! database read-only and sums the rows of a range, [`report`] lays the counts out and applies
//! small-cell suppression ([`suppress`]), and [`format`] prints the result as a terminal table,
//! CSV, JSON or a self-contained HTML page. [`summary`] is the short text `/stats` sends.
//!
//! Suppression happens once, in [`report::build`], before any format sees a number: a format
//! cannot print what it was never given.

pub mod format;
pub mod period;
pub mod read;
pub mod report;
pub mod summary;
pub mod suppress;

pub use period::By;
pub use read::{Filters, Source, open};
pub use report::{Count, Report};
pub use summary::summary;

use crate::date::Date;

/// The default suppression threshold: counts below it are not printed.
pub const DEFAULT_K: u32 = 10;

/// Why statistics could not be produced. None of these names a person; they name the
/// database, a flag or a malformed row.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(
        "{0}: no such database file (rumbo stats reads the bot's database and never creates one; \
         pass --db or set RUMBO_DB)"
    )]
    Missing(String),
    #[error(
        "`{url}` is not a database URL ({detail}); write it as sqlite:path/to/rumbo.db or postgres://user@host/db"
    )]
    Url { url: String, detail: String },
    #[error(
        "the database has no counters table: it was written by a version of rumbo that did not count"
    )]
    NoCounters,
    #[error("a counter row has `{0}` as its day, which is not a YYYY-MM-DD date")]
    BadDay(String),
    #[error("--from {from} is after --to {to}")]
    Range { from: Date, to: Date },
    #[error("--k {0} is too small: counts below k are hidden, and k must be at least 3")]
    K(u32),
    #[error("reading the statistics: {0}")]
    Database(String),
}

impl From<sqlx::Error> for StatsError {
    fn from(e: sqlx::Error) -> Self {
        StatsError::Database(e.to_string())
    }
}

/// Checks what every report needs of its arguments.
fn check(filters: &Filters, k: u32) -> Result<(), StatsError> {
    if k < 3 {
        return Err(StatsError::K(k));
    }
    if let (Some(from), Some(to)) = (filters.from, filters.to)
        && from > to
    {
        return Err(StatsError::Range { from, to });
    }
    Ok(())
}

/// The report of the counters in `pool` that pass `filters`, with the time series by `by`
/// and counts below `k` suppressed.
pub async fn report(
    pool: &Source,
    filters: &Filters,
    by: By,
    k: u32,
) -> Result<Report, StatsError> {
    check(filters, k)?;
    let tally = read::tally(pool, filters).await?;
    Ok(report::build(&tally, filters, by, k))
}
