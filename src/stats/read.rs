//! Reading the counters: the database opened read-only, rows summed over rules versions.
//!
//! The table is written by the bot (see `store/mod.rs`, migration 2); this module only reads it,
//! and reads only what a report needs: per day, locale, metric and key, the sum over the rules
//! versions that pass the filters.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
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

/// A database opened for reading counters: the bot's SQLite file or its PostgreSQL database.
#[derive(Clone)]
pub enum Source {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Source {
    /// Closes the connections.
    pub async fn close(&self) {
        match self {
            Source::Sqlite(pool) => pool.close().await,
            Source::Postgres(pool) => pool.close().await,
        }
    }
}

/// Runs `$body` with `$pool` bound to the source's pool: the same code for both databases.
macro_rules! with_source {
    ($source:expr, |$pool:ident| $body:expr) => {
        match $source {
            Source::Sqlite($pool) => $body,
            Source::Postgres($pool) => $body,
        }
    };
}

/// Opens the database at `url` read-only: `sqlite:path` (a missing file is an error: the
/// statistics never create a database, so a typo in the path cannot look like "no traffic")
/// or `postgres://…` (every transaction read-only, set by the server for the connection).
pub async fn open(url: &str) -> Result<Source, StatsError> {
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StatsError::Url {
                // The URL may hold a password: never echo it.
                url: "postgres://…".into(),
                detail: e.to_string(),
            })?
            .options([("default_transaction_read_only", "on")]);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect_with(options)
            .await?;
        return Ok(Source::Postgres(pool));
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
    Ok(Source::Sqlite(
        SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?,
    ))
}

/// Reads the counters that pass `filters`.
pub async fn tally(source: &Source, filters: &Filters) -> Result<Tally, StatsError> {
    let exists = match source {
        Source::Sqlite(pool) => sqlx::query_scalar::<_, String>(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'counters'",
        )
        .fetch_optional(pool)
        .await?
        .is_some(),
        Source::Postgres(pool) => {
            sqlx::query_scalar::<_, Option<String>>("SELECT to_regclass('counters')::text")
                .fetch_one(pool)
                .await?
                .is_some()
        }
    };
    if !exists {
        return Err(StatsError::NoCounters);
    }
    // Three passes over the index `counters_by_metric` (migration 3), each in its order so
    // that the database sums without sorting: per metric and key; per metric, key and day for
    // the time series; sessions started per locale. On SQLite, `+day` keeps the planner off
    // the primary key, which would read the range in day order and then sort every row of it
    // (PostgreSQL has no such operator on text and plans well without it). The days are ISO
    // text, so text comparison is date comparison. PostgreSQL sums BIGINT into NUMERIC: cast
    // back.
    let (day_col, sum) = match source {
        Source::Sqlite(_) => ("+day", "SUM(value)"),
        Source::Postgres(_) => ("day", "SUM(value)::BIGINT"),
    };
    let mut filter = format!(" WHERE {day_col} >= $1 AND {day_col} <= $2");
    let mut n = 2;
    if filters.rules_version.is_some() {
        n += 1;
        filter.push_str(&format!(" AND rules_version = ${n}"));
    }
    if filters.locale.is_some() {
        n += 1;
        filter.push_str(&format!(" AND locale = ${n}"));
    }
    if matches!(source, Source::Sqlite(_)) {
        filter = filter
            .replace(" rules_version =", " +rules_version =")
            .replace(" locale =", " +locale =");
    }
    let series = SERIES.map(|m| format!("'{m}'")).join(", ");
    let totals_sql =
        format!("SELECT metric, key, {sum} FROM counters{filter} GROUP BY metric, key");
    let series_sql = format!(
        "SELECT metric, key, day, {sum} FROM counters{filter} AND metric IN ({series}) \
         GROUP BY metric, key, day"
    );
    let locales_sql = format!(
        "SELECT locale, {sum} FROM counters{filter} AND metric = 'started' GROUP BY locale"
    );
    let range_sql = format!("SELECT MIN(day), MAX(day), COUNT(*) FROM counters{filter}");
    let lower = filters.from.map_or(String::new(), |d| d.to_string());
    // Above every date: '9' sorts after every digit string of the same form.
    let upper = filters.to.map_or("9".to_string(), |d| d.to_string());
    let fetch = |sql: &str| {
        let sql = sql.to_string();
        let (lower, upper) = (lower.clone(), upper.clone());
        async move {
            with_source!(source, |pool| {
                let mut query = sqlx::query(&sql).bind(lower).bind(upper);
                if let Some(v) = &filters.rules_version {
                    query = query.bind(v.clone());
                }
                if let Some(l) = &filters.locale {
                    query = query.bind(l.clone());
                }
                let rows = query.fetch_all(pool).await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut texts = Vec::with_capacity(row.len());
                    for i in 0..row.len() - 1 {
                        texts.push(row.try_get::<Option<String>, _>(i)?);
                    }
                    let n: Option<i64> = row.try_get(row.len() - 1)?;
                    out.push((texts, n));
                }
                Ok::<_, sqlx::Error>(out)
            })
        }
    };
    let day = |text: &str| Date::from_str(text).map_err(|_| StatsError::BadDay(text.to_string()));
    let count = |n: i64| n.max(0) as u64;

    let text = |texts: &[Option<String>], i: usize| texts[i].clone().unwrap_or_default();
    let mut tally = Tally::default();
    for (texts, _) in fetch(&range_sql).await? {
        tally.first = texts[0].as_deref().map(day).transpose()?;
        tally.last = texts[1].as_deref().map(day).transpose()?;
    }
    for (texts, n) in fetch(&totals_sql).await? {
        tally
            .totals
            .entry(text(&texts, 0))
            .or_default()
            .insert(text(&texts, 1), count(n.unwrap_or(0)));
    }
    for (texts, n) in fetch(&series_sql).await? {
        *tally
            .days
            .entry(day(&text(&texts, 2))?)
            .or_default()
            .entry(text(&texts, 0))
            .or_default()
            .entry(text(&texts, 1))
            .or_default() += count(n.unwrap_or(0));
    }
    for (texts, n) in fetch(&locales_sql).await? {
        tally
            .started_by_locale
            .insert(text(&texts, 0), count(n.unwrap_or(0)));
    }
    Ok(tally)
}
