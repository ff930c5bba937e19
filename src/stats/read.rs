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
    /// The rules' questions in interview order, for the funnel (empty: ordered by times
    /// shown). Not a filter: questions missing from it follow, by times shown.
    pub questions: Vec<String>,
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
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Err(StatsError::Url {
            url: "postgres://…".into(),
            detail: "reports read a SQLite database only in this version; the bot itself runs on PostgreSQL"
                .into(),
        });
    }
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
    // Three passes over the index `counters_by_metric` (migration 3), each in its order so
    // that SQLite sums without sorting: per metric and key; per metric, key and day for the
    // time series; sessions started per locale. `+day` keeps the planner off the primary key,
    // which would read the range in day order and then sort every row of it. The days are ISO
    // text, so text comparison is date comparison.
    let mut filter = String::from(" WHERE +day >= ? AND +day <= ?");
    if filters.rules_version.is_some() {
        filter.push_str(" AND +rules_version = ?");
    }
    if filters.locale.is_some() {
        filter.push_str(" AND +locale = ?");
    }
    let series = SERIES.map(|m| format!("'{m}'")).join(", ");
    let totals_sql =
        format!("SELECT metric, key, SUM(value) FROM counters{filter} GROUP BY metric, key");
    let series_sql = format!(
        "SELECT metric, key, day, SUM(value) FROM counters{filter} AND metric IN ({series}) \
         GROUP BY metric, key, day"
    );
    let locales_sql = format!(
        "SELECT locale, SUM(value) FROM counters{filter} AND metric = 'started' GROUP BY locale"
    );
    let range_sql = format!("SELECT MIN(day), MAX(day) FROM counters{filter}");
    fn bind<'q>(
        sql: &'q str,
        filters: &Filters,
    ) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
        let mut query = sqlx::query(sql)
            .bind(filters.from.map_or(String::new(), |d| d.to_string()))
            // Above every date: '9' sorts after every digit string of the same form.
            .bind(filters.to.map_or("9".to_string(), |d| d.to_string()));
        if let Some(v) = &filters.rules_version {
            query = query.bind(v.clone());
        }
        if let Some(l) = &filters.locale {
            query = query.bind(l.clone());
        }
        query
    }
    let day = |text: &str| Date::from_str(text).map_err(|_| StatsError::BadDay(text.to_string()));
    let count = |n: i64| n.max(0) as u64;

    let mut tally = Tally::default();
    let range = bind(&range_sql, filters).fetch_one(pool).await?;
    let first: Option<String> = range.try_get(0)?;
    let last: Option<String> = range.try_get(1)?;
    tally.first = first.as_deref().map(day).transpose()?;
    tally.last = last.as_deref().map(day).transpose()?;
    for row in bind(&totals_sql, filters).fetch_all(pool).await? {
        let metric: String = row.try_get(0)?;
        let key: String = row.try_get(1)?;
        let n: i64 = row.try_get(2)?;
        tally
            .totals
            .entry(metric)
            .or_default()
            .insert(key, count(n));
    }
    for row in bind(&series_sql, filters).fetch_all(pool).await? {
        let metric: &str = row.try_get(0)?;
        let key: &str = row.try_get(1)?;
        let on: &str = row.try_get(2)?;
        let n: i64 = row.try_get(3)?;
        *tally
            .days
            .entry(day(on)?)
            .or_default()
            .entry(metric.to_string())
            .or_default()
            .entry(key.to_string())
            .or_default() += count(n);
    }
    for row in bind(&locales_sql, filters).fetch_all(pool).await? {
        let locale: String = row.try_get(0)?;
        let n: i64 = row.try_get(1)?;
        tally.started_by_locale.insert(locale, count(n));
    }
    Ok(tally)
}
