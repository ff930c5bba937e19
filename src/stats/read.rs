//! Reading the counters: the database opened read-only, rows summed over rules versions.
//!
//! The table is written by the bot (see `store.rs`, migration 2); this module only reads it,
//! and reads only what a report needs: per day, locale, metric and key, the sum over the rules
//! versions that pass the filters.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use super::StatsError;
use crate::date::Date;

/// What a report is about: a range of days (inclusive; `None` is open-ended) and optional
/// filters on the rules version and the locale.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub rules_version: Option<String>,
    pub locale: Option<String>,
}

/// The counters of one report, summed over rules versions (and, except for `started`,
/// over locales).
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// metric → key → count, over the whole range.
    pub totals: HashMap<String, HashMap<String, u64>>,
    /// Sessions started per locale, over the whole range.
    pub started_by_locale: BTreeMap<String, u64>,
    /// day → metric → key → count, for the metrics of the time series only
    /// (`started`, `completed`, `result`).
    pub days: BTreeMap<Date, HashMap<String, HashMap<String, u64>>>,
    /// The first and last day with a counter.
    pub first: Option<Date>,
    pub last: Option<Date>,
}

/// The metrics the time series follows.
const SERIES: [&str; 3] = ["started", "completed", "result"];

impl Tally {
    /// Adds one summed row. `day` must already be inside the range.
    pub fn add(&mut self, day: Date, locale: &str, metric: &str, key: &str, value: u64) {
        fn bump(map: &mut HashMap<String, HashMap<String, u64>>, metric: &str, key: &str, v: u64) {
            let keys = match map.get_mut(metric) {
                Some(k) => k,
                None => map.entry(metric.to_string()).or_default(),
            };
            match keys.get_mut(key) {
                Some(n) => *n += v,
                None => {
                    keys.insert(key.to_string(), v);
                }
            }
        }
        bump(&mut self.totals, metric, key, value);
        if metric == "started" {
            *self
                .started_by_locale
                .entry(locale.to_string())
                .or_default() += value;
        }
        if SERIES.contains(&metric) {
            bump(self.days.entry(day).or_default(), metric, key, value);
        }
        self.first = Some(self.first.map_or(day, |f| f.min(day)));
        self.last = Some(self.last.map_or(day, |l| l.max(day)));
    }

    /// The count of `metric` with `key` (0 when never counted).
    pub fn get(&self, metric: &str, key: &str) -> u64 {
        self.totals
            .get(metric)
            .and_then(|keys| keys.get(key))
            .copied()
            .unwrap_or(0)
    }

    /// Every key of `metric` with its count.
    pub fn keys(&self, metric: &str) -> impl Iterator<Item = (&str, u64)> {
        self.totals
            .get(metric)
            .into_iter()
            .flat_map(|keys| keys.iter().map(|(k, &v)| (k.as_str(), v)))
    }

    /// The sum over every key of `metric`.
    pub fn sum(&self, metric: &str) -> u64 {
        self.keys(metric).map(|(_, v)| v).sum()
    }
}

/// Opens the database at `url` (`sqlite:path`) read-only. A missing file is an error: the
/// statistics never create a database, so a typo in the path cannot look like "no traffic".
pub async fn open(url: &str) -> Result<SqlitePool, StatsError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StatsError::Url {
            url: url.to_string(),
            detail: e.to_string(),
        })?
        .read_only(true)
        .create_if_missing(false);
    let path = options.get_filename();
    if !url.contains(":memory:") && !path.exists() {
        return Err(StatsError::Missing(path.display().to_string()));
    }
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?)
}

/// Reads the counters that pass `filters`.
pub async fn tally(pool: &SqlitePool, filters: &Filters) -> Result<Tally, StatsError> {
    let exists: Option<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'counters'",
    )
    .fetch_optional(pool)
    .await?;
    if exists.is_none() {
        return Err(StatsError::NoCounters);
    }
    // The days are ISO text, so text comparison is date comparison; the primary key starts
    // with the day, so a range reads only its own rows.
    let mut sql = String::from(
        "SELECT day, locale, metric, key, SUM(value) AS n FROM counters WHERE day >= ? AND day <= ?",
    );
    if filters.rules_version.is_some() {
        sql.push_str(" AND rules_version = ?");
    }
    if filters.locale.is_some() {
        sql.push_str(" AND locale = ?");
    }
    sql.push_str(" GROUP BY day, locale, metric, key");
    let mut query = sqlx::query(&sql)
        .bind(filters.from.map_or(String::new(), |d| d.to_string()))
        // Above every date: '9' sorts after every digit string of the same form.
        .bind(filters.to.map_or("9".to_string(), |d| d.to_string()));
    if let Some(v) = &filters.rules_version {
        query = query.bind(v.as_str());
    }
    if let Some(l) = &filters.locale {
        query = query.bind(l.as_str());
    }
    let rows = query.fetch_all(pool).await?;
    let mut tally = Tally::default();
    // Rows come sorted by day: parse each day once.
    let mut current: Option<(String, Date)> = None;
    for row in &rows {
        let day_text: &str = row.try_get(0)?;
        let day = match &current {
            Some((text, day)) if text == day_text => *day,
            _ => {
                let day = Date::from_str(day_text)
                    .map_err(|_| StatsError::BadDay(day_text.to_string()))?;
                current = Some((day_text.to_string(), day));
                day
            }
        };
        let locale: &str = row.try_get(1)?;
        let metric: &str = row.try_get(2)?;
        let key: &str = row.try_get(3)?;
        let n: i64 = row.try_get(4)?;
        tally.add(day, locale, metric, key, n.max(0) as u64);
    }
    Ok(tally)
}
