//! Where conversations wait between two messages: one SQLite file (WAL, through the
//! connection in [`lite`]) or a PostgreSQL database shared by replicas (through sqlx), chosen
//! by the URL (`sqlite:…`, `postgres://…`). Both run the same SQL (`statement`: `$n`
//! placeholders, `ON CONFLICT` upserts), so they behave the same; only the schema's types and
//! the migration lock differ.
//!
//! Contract: a row per chat with an interview in progress, holding only the `ChatState`
//! (answers, language, step counter) as JSON, the rules version it runs on, whether the result
//! was shown, a row version for compare-and-swap writes, and when it was last written. Rows
//! are deleted on `/delete`, after the time-to-live without activity, and a grace period after
//! the result. Nothing else about a person is stored.
//!
//! Deleting a row is not enough for it to be gone from the disk: `secure_delete` zeroes it in
//! the database pages, but earlier versions of those pages stay in the write-ahead log until a
//! checkpoint, and a checkpoint that does not truncate leaves stale frames at the end of the
//! file. So every deletion is followed by `wal_checkpoint(TRUNCATE)` (see [`Store::scrub`]),
//! retried by the sweeper while a reader holds it up.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::OptionalExtension;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use lite::{Lite, lock};

use crate::conversation::ChatState;

mod lite;

/// A storage failure; the text names the operation, never a person.
#[derive(Debug, thiserror::Error)]
#[error("session storage: {0}")]
pub struct StoreError(String);

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// The SQLite schema, one step per entry; applied in order, each once.
const SQLITE_MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE sessions (
            chat_id INTEGER PRIMARY KEY,
            state TEXT NOT NULL,
            rules_version TEXT NOT NULL,
            finished INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX sessions_updated_at ON sessions (updated_at);",
    ),
    (
        2,
        // Anonymous counters: no chat, no person, only a day, a rules version and a language.
        "CREATE TABLE counters (
            day TEXT NOT NULL,
            rules_version TEXT NOT NULL,
            locale TEXT NOT NULL,
            metric TEXT NOT NULL,
            key TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (day, rules_version, locale, metric, key)
        );",
    ),
    (
        3,
        // For `rumbo stats`: the counters in metric order, covering every column, so a report
        // sums them in one pass instead of sorting a year of rows (docs/stats.md).
        "CREATE INDEX counters_by_metric ON counters (metric, key, day, locale, rules_version, value);",
    ),
    (
        4,
        // Since when a decision's replies have been unsent (`ChatState::pending`), so the
        // sweeper finds replies cut short by a crash without reading every state.
        "ALTER TABLE sessions ADD COLUMN pending_since INTEGER;",
    ),
];

/// The PostgreSQL schema: the same tables and keys as SQLite's, with 64-bit integers.
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE sessions (
            chat_id BIGINT PRIMARY KEY,
            state TEXT NOT NULL,
            rules_version TEXT NOT NULL,
            finished BIGINT NOT NULL DEFAULT 0,
            version BIGINT NOT NULL,
            updated_at BIGINT NOT NULL
        );
        CREATE INDEX sessions_updated_at ON sessions (updated_at);",
    ),
    (
        2,
        "CREATE TABLE counters (
            day TEXT NOT NULL,
            rules_version TEXT NOT NULL,
            locale TEXT NOT NULL,
            metric TEXT NOT NULL,
            key TEXT NOT NULL,
            value BIGINT NOT NULL,
            PRIMARY KEY (day, rules_version, locale, metric, key)
        );",
    ),
    (
        3,
        "CREATE INDEX counters_by_metric ON counters (metric, key, day, locale, rules_version, value);",
    ),
    (4, "ALTER TABLE sessions ADD COLUMN pending_since BIGINT;"),
];

/// Serialises schema changes of replicas starting at once (a PostgreSQL advisory lock key).
const MIGRATION_LOCK: i64 = 0x7275_6d62_6f01;

/// Held by the one replica that polls Telegram (a PostgreSQL advisory lock key).
const POLL_LOCK: i64 = 0x7275_6d62_6f02;

/// The right to poll Telegram, held on PostgreSQL as a session-level advisory lock on a
/// connection of its own: the lock lasts exactly as long as that connection. When the process
/// dies, even by `kill -9`, the server sees the socket close and frees the lock at once.
pub struct Lease {
    conn: sqlx::PgConnection,
}

impl Lease {
    /// Whether the lock is still held: the connection answers within `within`. A connection
    /// that fails (the server restarted, the network broke) has lost the lock, and another
    /// replica may hold it by now.
    pub async fn alive(&mut self, within: Duration) -> bool {
        matches!(
            tokio::time::timeout(within, sqlx::query("SELECT 1").execute(&mut self.conn)).await,
            Ok(Ok(_))
        )
    }

    /// Gives the lock up (on a clean stop), so a standby need not wait for the connection to
    /// time out; within two seconds, else the connection is dropped, which frees the lock too
    /// once the server sees it closed.
    pub async fn release(mut self) {
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
                .bind(POLL_LOCK)
                .execute(&mut self.conn)
                .await;
            let _ = sqlx::Connection::close(self.conn).await;
        })
        .await;
    }
}

/// One counter and how much to add to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CountRow {
    pub day: String,
    pub rules_version: String,
    pub locale: String,
    pub metric: String,
    pub key: String,
    pub n: u64,
}

/// A chat's stored state as loaded.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub state: Option<ChatState>,
    /// The row version to compare against when saving (0: no row).
    pub version: i64,
    /// The row's recorded time of last activity (Unix time; 0: no row), for [`Store::save`].
    pub active_at: i64,
    /// A row existed but was older than the time-to-live: it was deleted.
    pub expired: bool,
    /// A row existed but could not be read (another format): it was deleted.
    pub unreadable: bool,
    /// The expired state (to count where it stopped), when it could be read.
    pub expired_state: Option<ChatState>,
}

/// The database behind a store.
#[derive(Clone)]
enum Pool {
    Sqlite(Lite),
    Postgres(PgPool),
}

/// The statements both databases run, in PostgreSQL's spelling (`$n`); SQLite's is
/// [`lite::sql`] of the same text, so the two backends cannot drift apart.
mod statement {
    pub const LOAD: &str = "SELECT state, version, updated_at FROM sessions WHERE chat_id = $1";
    pub const INSERT: &str = "INSERT INTO sessions (chat_id, state, rules_version, finished,
        version, updated_at, pending_since) VALUES ($1, $2, $3, $4, 1, $5, $6)
        ON CONFLICT (chat_id) DO NOTHING";
    pub const UPDATE: &str = "UPDATE sessions SET state = $1, rules_version = $2, finished = $3,
        version = version + 1, updated_at = $4, pending_since = $7
        WHERE chat_id = $5 AND version = $6";
    // The same without touching `updated_at`, so SQLite need not move the row in its index.
    pub const RECORD: &str = "UPDATE sessions SET state = $1, rules_version = $2, finished = $3,
        version = version + 1, pending_since = $6 WHERE chat_id = $4 AND version = $5";
    pub const STALLED: &str = "SELECT chat_id FROM sessions WHERE pending_since < $1
        ORDER BY pending_since LIMIT $2";
    pub const PEEK: &str = "SELECT state FROM sessions WHERE chat_id = $1";
    pub const DELETE: &str = "DELETE FROM sessions WHERE chat_id = $1";
    // One statement deletes and returns the unfinished states it took, so two replicas
    // sweeping at once never count the same expiry twice.
    pub const SWEEP: &str = "DELETE FROM sessions
        WHERE updated_at < $1 OR (finished = 1 AND updated_at < $2)
        RETURNING chat_id, state, finished";
    pub const ADD_COUNT: &str = "INSERT INTO counters (day, rules_version, locale, metric, key,
        value) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (day, rules_version, locale, metric, key)
        DO UPDATE SET value = counters.value + excluded.value";
    pub const COUNTER: &str = "SELECT CAST(COALESCE(SUM(value), 0) AS BIGINT) FROM counters
        WHERE metric = $1 AND key = $2";
    pub const FORGET_COUNTERS: &str = "DELETE FROM counters WHERE day < $1";
    pub const VERSIONS: &str = "SELECT DISTINCT rules_version FROM sessions";
    pub const COUNT: &str = "SELECT COUNT(*) FROM sessions";
    pub const PUT_RAW: &str = "INSERT INTO sessions (chat_id, state, rules_version, finished,
        version, updated_at) VALUES ($1, $2, '', 0, 1, $3)
        ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state,
        rules_version = excluded.rules_version, finished = 0, version = 1,
        updated_at = excluded.updated_at";
}

/// A state as its row stores it: the JSON, the rules version it runs on, whether finished.
fn columns(state: &ChatState) -> Result<(String, &str, i64), StoreError> {
    // Written into room for a typical state at once, not grown a few bytes at a time.
    let mut json = Vec::with_capacity(2048);
    serde_json::to_writer(&mut json, state).map_err(|e| StoreError(e.to_string()))?;
    let text = String::from_utf8(json).map_err(|e| StoreError(e.to_string()))?;
    let rules_version = state
        .session
        .as_ref()
        .map(|s| s.rules_version.as_str())
        .unwrap_or_default();
    Ok((text, rules_version, i64::from(state.finished)))
}

#[derive(Clone)]
pub struct Store {
    pool: Pool,
    ttl: Duration,
    /// A session was deleted and the write-ahead log may still hold it: scrub when possible.
    unscrubbed: Arc<AtomicBool>,
    /// On SQLite, the states this process stored last (see [`Kept`]); none on PostgreSQL.
    kept: Option<Arc<Mutex<Kept>>>,
}

/// How many states [`Kept`] holds at most: two generations of this many.
const KEPT_PER_GENERATION: usize = 2048;

/// After how many seconds without an update a chat's kept state is dropped (by
/// [`Store::sweep`]).
const KEPT_IDLE: i64 = 600;

/// The states this process stored last, each with its row's version and time of activity,
/// handed over by the bot once an update's replies are all sent ([`Store::keep`]), so that
/// the chat's next update need not read and parse its row. Only on SQLite, where one process
/// owns the file (docs/deploy.md): no other process writes the rows, and every write of this
/// one forgets the chat's kept state first, so what is kept is what the row holds. (On
/// PostgreSQL replicas write the same rows.) A state is taken out when loaded and kept again
/// after the next update, so nothing is copied. Bounded: when the newer generation is full it
/// becomes the older one and the older one is dropped, so the chats active in the last few
/// thousand updates stay, and the sweeper drops those idle for [`KEPT_IDLE`] seconds.
#[derive(Default)]
struct Kept {
    newer: HashMap<i64, KeptState>,
    older: HashMap<i64, KeptState>,
}

struct KeptState {
    state: ChatState,
    version: i64,
    updated_at: i64,
}

impl Kept {
    fn take(&mut self, chat: i64) -> Option<KeptState> {
        self.newer
            .remove(&chat)
            .or_else(|| self.older.remove(&chat))
    }

    fn put(&mut self, chat: i64, kept: KeptState) {
        if self.newer.len() >= KEPT_PER_GENERATION {
            self.older = std::mem::take(&mut self.newer);
        }
        self.older.remove(&chat);
        self.newer.insert(chat, kept);
    }

    fn drop_before(&mut self, cutoff: i64) {
        self.newer.retain(|_, kept| kept.updated_at >= cutoff);
        self.older.retain(|_, kept| kept.updated_at >= cutoff);
    }
}

impl Store {
    /// Opens the database at `url` — `sqlite:path` (created if needed, WAL mode),
    /// `sqlite::memory:`, or `postgres://user@host/db` (which must exist) — and brings its
    /// schema up to date.
    pub async fn open(url: &str, ttl: Duration) -> Result<Store, StoreError> {
        let pool = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(options)
                .await?;
            let mut tx = pool.begin().await?;
            // Replicas starting together: one migrates, the others wait and find it done.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(MIGRATION_LOCK)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY)",
            )
            .execute(&mut *tx)
            .await?;
            for &(version, sql) in POSTGRES_MIGRATIONS {
                let done: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                        .bind(version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_none() {
                    sqlx::raw_sql(sql).execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO schema_migrations (version) VALUES ($1)")
                        .bind(version)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Pool::Postgres(pool)
        } else {
            let url = url.to_string();
            let lite = tokio::task::spawn_blocking(move || Lite::open(&url, SQLITE_MIGRATIONS))
                .await
                .map_err(|e| StoreError(e.to_string()))?
                .map_err(StoreError)?;
            Pool::Sqlite(lite)
        };
        let kept = matches!(pool, Pool::Sqlite(_)).then(Arc::default);
        Ok(Store {
            pool,
            ttl,
            unscrubbed: Arc::new(AtomicBool::new(false)),
            kept,
        })
    }

    /// Which database this is: `sqlite` or `postgres` (for logs and tests).
    pub fn backend(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Keeps `state`, just stored at row version `version` with its last activity at
    /// `updated_at`, for the chat's next [`Store::load`] (SQLite only; see [`Kept`]).
    pub fn keep(&self, chat: i64, state: ChatState, version: i64, updated_at: i64) {
        if let Some(kept) = &self.kept {
            let kept_state = KeptState {
                state,
                version,
                updated_at,
            };
            lock(kept).put(chat, kept_state);
        }
    }

    /// Forgets the chat's kept state: its row is about to change.
    fn forget(&self, chat: i64) -> Option<KeptState> {
        self.kept.as_ref().and_then(|kept| lock(kept).take(chat))
    }

    /// Drops the kept states of chats idle since before `cutoff` (Unix time): their next
    /// update, if any, reads the row. Each sweep calls this, so an idle bot holds none.
    fn drop_kept_before(&self, cutoff: i64) {
        if let Some(kept) = &self.kept {
            lock(kept).drop_before(cutoff);
        }
    }

    /// How many states are kept.
    #[cfg(test)]
    fn kept(&self) -> usize {
        self.kept.as_ref().map_or(0, |kept| {
            let kept = lock(kept);
            kept.newer.len() + kept.older.len()
        })
    }

    /// The chat's state; an expired or unreadable row is deleted and reported as such. A state
    /// kept by [`Store::keep`] is taken instead of reading the row, unless it has expired.
    pub async fn load(&self, chat: i64, now: i64) -> Result<Loaded, StoreError> {
        if let Some(kept) = self.forget(chat)
            && now - kept.updated_at <= self.ttl.as_secs() as i64
        {
            return Ok(Loaded {
                state: Some(kept.state),
                version: kept.version,
                active_at: kept.updated_at,
                ..Loaded::default()
            });
        }
        let row: Option<(String, i64, i64)> = match &self.pool {
            Pool::Sqlite(lite) => lite.with(|c| {
                c.prepare_cached(&lite::sql(statement::LOAD))?
                    .query_row([chat], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()
            })?,
            Pool::Postgres(pool) => {
                sqlx::query_as(statement::LOAD)
                    .bind(chat)
                    .fetch_optional(pool)
                    .await?
            }
        };
        let Some((text, version, updated_at)) = row else {
            return Ok(Loaded::default());
        };
        if now - updated_at > self.ttl.as_secs() as i64 {
            self.delete(chat).await?;
            return Ok(Loaded {
                expired: true,
                expired_state: serde_json::from_str::<ChatState>(&text)
                    .ok()
                    .filter(|s| !s.finished),
                ..Loaded::default()
            });
        }
        match serde_json::from_str::<ChatState>(&text) {
            Ok(state) => Ok(Loaded {
                state: Some(state),
                version,
                active_at: updated_at,
                ..Loaded::default()
            }),
            Err(_) => {
                self.delete(chat).await?;
                Ok(Loaded {
                    unreadable: true,
                    ..Loaded::default()
                })
            }
        }
    }

    /// Writes the state if the row is still at `expected` (0: no row yet), for activity at
    /// `now`. Returns the time of activity the row now records, or `None` when another writer
    /// got there first, so the caller can load again and retry.
    ///
    /// The time of activity (`updated_at`: the time-to-live and the grace period count from
    /// it) is refreshed by a new row, by a finished state (the grace period starts at the
    /// result), and otherwise only once the one recorded, `active_at` as loaded, is
    /// [`Store::activity_step`] old: an interview's quick answers leave it alone, so SQLite
    /// rewrites the row without moving it in the `updated_at` index, and PostgreSQL can
    /// update it in place.
    pub async fn save(
        &self,
        chat: i64,
        state: &ChatState,
        expected: i64,
        active_at: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        let refresh = expected == 0
            || state.finished
            || !(active_at..active_at + self.activity_step()).contains(&now);
        if !refresh {
            return Ok(self
                .record(chat, state, expected)
                .await?
                .then_some(active_at));
        }
        self.forget(chat);
        let (text, rules_version, finished) = columns(state)?;
        let affected = match &self.pool {
            Pool::Sqlite(lite) => lite.with(|c| {
                if expected == 0 {
                    c.prepare_cached(&lite::sql(statement::INSERT))?.execute((
                        chat,
                        &text,
                        rules_version,
                        finished,
                        now,
                        state.pending,
                    ))
                } else {
                    c.prepare_cached(&lite::sql(statement::UPDATE))?.execute((
                        &text,
                        rules_version,
                        finished,
                        now,
                        chat,
                        expected,
                        state.pending,
                    ))
                }
            })? as u64,
            Pool::Postgres(pool) if expected == 0 => sqlx::query(statement::INSERT)
                .bind(chat)
                .bind(&text)
                .bind(rules_version)
                .bind(finished)
                .bind(now)
                .bind(state.pending)
                .execute(pool)
                .await?
                .rows_affected(),
            Pool::Postgres(pool) => sqlx::query(statement::UPDATE)
                .bind(&text)
                .bind(rules_version)
                .bind(finished)
                .bind(now)
                .bind(chat)
                .bind(expected)
                .bind(state.pending)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok((affected == 1).then_some(now))
    }

    /// How stale a row's recorded time of activity may grow before a save refreshes it
    /// (see [`Store::save`]): a sixtieth of the time-to-live, at most a minute. A session may
    /// therefore expire up to this long before a full time-to-live after its last update,
    /// never after.
    pub fn activity_step(&self) -> i64 {
        (self.ttl.as_secs() as i64 / 60).min(60)
    }

    /// Writes the state like [`Store::save`] does over an existing row (at `expected`), but
    /// leaves the time of its last activity as it is: for what the bot records while replying
    /// to an update already stored (which message went out, that all did), which is no new
    /// activity of the person's.
    pub async fn record(
        &self,
        chat: i64,
        state: &ChatState,
        expected: i64,
    ) -> Result<bool, StoreError> {
        self.forget(chat);
        let (text, rules_version, finished) = columns(state)?;
        let affected = match &self.pool {
            Pool::Sqlite(lite) => lite.with(|c| {
                c.prepare_cached(&lite::sql(statement::RECORD))?.execute((
                    &text,
                    rules_version,
                    finished,
                    chat,
                    expected,
                    state.pending,
                ))
            })? as u64,
            Pool::Postgres(pool) => sqlx::query(statement::RECORD)
                .bind(&text)
                .bind(rules_version)
                .bind(finished)
                .bind(chat)
                .bind(expected)
                .bind(state.pending)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        Ok(affected == 1)
    }

    /// Chats whose last decision was stored before `before` and whose replies were never all
    /// sent (the process died in between): at most `limit`, oldest first.
    pub async fn stalled(&self, before: i64, limit: i64) -> Result<Vec<i64>, StoreError> {
        Ok(match &self.pool {
            // A scan of every row (the sweeper's, each round): off the runtime's threads.
            Pool::Sqlite(lite) => {
                lite.with_blocking(move |c| {
                    c.prepare_cached(&lite::sql(statement::STALLED))?
                        .query_map([before, limit], |r| r.get(0))?
                        .collect()
                })
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar(statement::STALLED)
                    .bind(before)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
        })
    }

    /// The language a chat chose, read without touching the row (not even to expire it):
    /// for `/stats`, which must leave nothing behind about the administrator.
    pub async fn peek_lang(&self, chat: i64) -> Result<Option<String>, StoreError> {
        let text: Option<String> = match &self.pool {
            Pool::Sqlite(lite) => lite.with(|c| {
                c.prepare_cached(&lite::sql(statement::PEEK))?
                    .query_row([chat], |r| r.get(0))
                    .optional()
            })?,
            Pool::Postgres(pool) => {
                sqlx::query_scalar(statement::PEEK)
                    .bind(chat)
                    .fetch_optional(pool)
                    .await?
            }
        };
        Ok(text
            .and_then(|t| serde_json::from_str::<ChatState>(&t).ok())
            .and_then(|s| s.lang))
    }

    /// Deletes the chat's row, then scrubs the write-ahead log so no copy of it stays on disk.
    pub async fn delete(&self, chat: i64) -> Result<(), StoreError> {
        self.forget(chat);
        let gone = match &self.pool {
            Pool::Sqlite(lite) => lite.with(|c| {
                c.prepare_cached(&lite::sql(statement::DELETE))?
                    .execute([chat])
            })? as u64,
            Pool::Postgres(pool) => sqlx::query(statement::DELETE)
                .bind(chat)
                .execute(pool)
                .await?
                .rows_affected(),
        };
        if gone > 0 {
            self.unscrubbed.store(true, Ordering::SeqCst);
            self.scrub().await?;
        }
        Ok(())
    }

    /// After a deletion: copies the write-ahead log into the database (where `secure_delete`
    /// has zeroed the deleted rows) and truncates it to nothing, so the older page images
    /// holding them are gone too. Returns whether that was done; it is not while another
    /// connection reads an older snapshot, and is then retried on the next call (the sweeper
    /// calls this on every round).
    pub async fn scrub(&self) -> Result<bool, StoreError> {
        if !self.unscrubbed.swap(false, Ordering::SeqCst) {
            return Ok(true);
        }
        // PostgreSQL keeps no log in files the bot owns; its own vacuum reclaims dead rows.
        let Pool::Sqlite(lite) = &self.pool else {
            return Ok(true);
        };
        // One row: busy (1 when it could not finish), frames in the log, frames copied.
        let busy = lite
            .with_blocking(|c| {
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .await;
        match busy {
            Ok(0) => Ok(true),
            Ok(_) => {
                self.unscrubbed.store(true, Ordering::SeqCst);
                Ok(false)
            }
            Err(e) => {
                self.unscrubbed.store(true, Ordering::SeqCst);
                Err(e.into())
            }
        }
    }

    /// Deletes rows idle longer than the time-to-live, and finished ones idle longer than
    /// `grace`; drops the states kept for chats idle longer than [`KEPT_IDLE`]. Returns how
    /// many rows went, and the unfinished ones that expired (to count where they stopped).
    pub async fn sweep(
        &self,
        now: i64,
        grace: Duration,
    ) -> Result<(u64, Vec<ChatState>), StoreError> {
        self.drop_kept_before(now - KEPT_IDLE);
        let expired_before = now - self.ttl.as_secs() as i64;
        let finished_before = now - grace.as_secs() as i64;
        let rows: Vec<(i64, String, i64)> = match &self.pool {
            Pool::Sqlite(lite) => {
                lite.with_blocking(move |c| {
                    c.prepare_cached(&lite::sql(statement::SWEEP))?
                        .query_map([expired_before, finished_before], |r| {
                            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                        })?
                        .collect()
                })
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_as(statement::SWEEP)
                    .bind(expired_before)
                    .bind(finished_before)
                    .fetch_all(pool)
                    .await?
            }
        };
        let gone = rows.len() as u64;
        for (chat, _, _) in &rows {
            self.forget(*chat);
        }
        if gone > 0 {
            self.unscrubbed.store(true, Ordering::SeqCst);
        }
        self.scrub().await?;
        let states = rows
            .iter()
            .filter(|(_, _, finished)| *finished == 0)
            .filter_map(|(_, t, _)| serde_json::from_str(t).ok())
            .collect();
        Ok((gone, states))
    }

    /// Adds one to each (metric, key) counter of `day`, `rules_version` and `locale`, in one
    /// transaction. The counters hold no chat, no person and no order of events.
    pub async fn add_counts(
        &self,
        day: &str,
        rules_version: &str,
        locale: &str,
        counts: &[(&str, String)],
    ) -> Result<(), StoreError> {
        let rows: Vec<CountRow> = counts
            .iter()
            .map(|(metric, key)| CountRow {
                day: day.to_string(),
                rules_version: rules_version.to_string(),
                locale: locale.to_string(),
                metric: metric.to_string(),
                key: key.clone(),
                n: 1,
            })
            .collect();
        self.add_count_rows(&rows).await
    }

    /// Adds `n` to each row's counter, all in one transaction (the bot's batched writes).
    pub async fn add_count_rows(&self, rows: &[CountRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        // In key order, so that two replicas' batches take row locks in the same order and
        // cannot deadlock.
        let mut sorted: Vec<&CountRow> = rows.iter().collect();
        sorted.sort_by(|a, b| {
            (&a.day, &a.rules_version, &a.locale, &a.metric, &a.key).cmp(&(
                &b.day,
                &b.rules_version,
                &b.locale,
                &b.metric,
                &b.key,
            ))
        });
        match &self.pool {
            // A transaction that fails is rolled back when dropped, and `with` rolls back one
            // left open before its next use, so a full disk cannot leave the write lock held.
            Pool::Sqlite(lite) => lite.with(|c| {
                let tx = c.unchecked_transaction()?;
                {
                    let mut add = tx.prepare_cached(&lite::sql(statement::ADD_COUNT))?;
                    for row in &sorted {
                        add.execute((
                            &row.day,
                            &row.rules_version,
                            &row.locale,
                            &row.metric,
                            &row.key,
                            row.n as i64,
                        ))?;
                    }
                }
                tx.commit()
            })?,
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                for row in &sorted {
                    sqlx::query(statement::ADD_COUNT)
                        .bind(&row.day)
                        .bind(&row.rules_version)
                        .bind(&row.locale)
                        .bind(&row.metric)
                        .bind(&row.key)
                        .bind(row.n as i64)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// The value of one counter summed over days, versions and locales (tests, `/stats`).
    pub async fn counter(&self, metric: &str, key: &str) -> Result<i64, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(lite) => lite.with(|c| {
                c.prepare_cached(&lite::sql(statement::COUNTER))?
                    .query_row([metric, key], |r| r.get(0))
            })?,
            Pool::Postgres(pool) => {
                sqlx::query_scalar(statement::COUNTER)
                    .bind(metric)
                    .bind(key)
                    .fetch_one(pool)
                    .await?
            }
        })
    }

    /// Deletes counters of days before `day` (the retention setting).
    pub async fn forget_counters_before(&self, day: &str) -> Result<u64, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(lite) => {
                let day = day.to_string();
                lite.with_blocking(move |c| {
                    c.prepare_cached(&lite::sql(statement::FORGET_COUNTERS))?
                        .execute([day])
                })
                .await? as u64
            }
            Pool::Postgres(pool) => sqlx::query(statement::FORGET_COUNTERS)
                .bind(day)
                .execute(pool)
                .await?
                .rows_affected(),
        })
    }

    /// The rules versions stored sessions run on.
    pub async fn versions_in_use(&self) -> Result<Vec<String>, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(lite) => {
                lite.with_blocking(|c| {
                    c.prepare_cached(statement::VERSIONS)?
                        .query_map([], |r| r.get(0))?
                        .collect()
                })
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar(statement::VERSIONS)
                    .fetch_all(pool)
                    .await?
            }
        })
    }

    /// How many rows there are (for tests and the operator).
    pub async fn count(&self) -> Result<i64, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(lite) => {
                lite.with_blocking(|c| c.query_row(statement::COUNT, [], |r| r.get(0)))
                    .await?
            }
            Pool::Postgres(pool) => sqlx::query_scalar(statement::COUNT).fetch_one(pool).await?,
        })
    }

    /// Stores raw text as a chat's state (tests: a row in an older format).
    #[doc(hidden)]
    pub async fn put_raw(&self, chat: i64, text: &str, now: i64) -> Result<(), StoreError> {
        self.forget(chat);
        match &self.pool {
            Pool::Sqlite(lite) => {
                lite.with(|c| c.execute(&lite::sql(statement::PUT_RAW), (chat, text, now)))?;
            }
            Pool::Postgres(pool) => {
                sqlx::query(statement::PUT_RAW)
                    .bind(chat)
                    .bind(text)
                    .bind(now)
                    .execute(pool)
                    .await?;
            }
        }
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(lite) => {
                let lite = lite.clone();
                let _ = tokio::task::spawn_blocking(move || lite.close()).await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// Tries to become the replica that polls: on PostgreSQL, `Ok(Some(lease))` if this
    /// process now holds the polling lock, `Ok(None)` if another one does. SQLite has one
    /// process per file and nothing to elect: callers check [`Store::backend`] first (this
    /// returns `Ok(None)` there).
    pub async fn try_lead(&self) -> Result<Option<Lease>, StoreError> {
        let Pool::Postgres(pool) = &self.pool else {
            return Ok(None);
        };
        // A connection of its own, outside the pool, so the lock lives and dies with it.
        let mut conn = pool.acquire().await?.detach();
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(POLL_LOCK)
            .fetch_one(&mut conn)
            .await?;
        if got {
            Ok(Some(Lease { conn }))
        } else {
            let _ = sqlx::Connection::close(conn).await;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{ChatState, STATE_FORMAT};

    fn state(step: u32) -> ChatState {
        serde_json::from_value(serde_json::json!({ "format": STATE_FORMAT, "step": step })).unwrap()
    }

    /// A fresh, empty PostgreSQL database for one test, made on the server named by
    /// `RUMBO_TEST_POSTGRES` (a URL such as `postgres://postgres@127.0.0.1:5432/postgres`).
    /// `None` when it is not set, unless `RUMBO_REQUIRE_POSTGRES` is (CI), which then fails.
    async fn postgres(name: &str) -> Option<String> {
        let Ok(admin) = std::env::var("RUMBO_TEST_POSTGRES") else {
            assert!(
                std::env::var_os("RUMBO_REQUIRE_POSTGRES").is_none(),
                "RUMBO_REQUIRE_POSTGRES is set but RUMBO_TEST_POSTGRES is not"
            );
            eprintln!("skipped: set RUMBO_TEST_POSTGRES to run this test on PostgreSQL");
            return None;
        };
        let db = format!("rumbo_test_{name}_{}", std::process::id());
        let pool = PgPool::connect(&admin).await.expect("the test server");
        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {db}"))
            .execute(&pool)
            .await
            .unwrap();
        sqlx::raw_sql(&format!("CREATE DATABASE {db}"))
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
        let mut url = url::Url::parse(&admin).expect("a URL");
        url.set_path(&db);
        Some(url.to_string())
    }

    fn sqlite(dir: &tempfile::TempDir) -> String {
        format!("sqlite:{}", dir.path().join("s.db").display())
    }

    #[tokio::test]
    async fn sqlite_saves_loads_expires_sweeps_and_counts() {
        let dir = tempfile::tempdir().unwrap();
        saves_loads_expires_sweeps_and_counts(&sqlite(&dir)).await;
    }

    #[tokio::test]
    async fn postgres_saves_loads_expires_sweeps_and_counts() {
        if let Some(url) = postgres("basics").await {
            saves_loads_expires_sweeps_and_counts(&url).await;
        }
    }

    #[tokio::test]
    async fn sqlite_kept_states_stand_for_their_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&sqlite(&dir), Duration::from_secs(100))
            .await
            .unwrap();
        // Kept after a write, taken (not copied) by the next load, with the row's version,
        // against which the next write succeeds.
        assert!(store.save(7, &state(1), 0, 0, 10).await.unwrap().is_some());
        store.keep(7, state(1), 1, 10);
        assert_eq!(store.kept(), 1);
        let loaded = store.load(7, 20).await.unwrap();
        assert_eq!((loaded.state, loaded.version), (Some(state(1)), 1));
        assert_eq!(store.kept(), 0);
        assert!(store.save(7, &state(2), 1, 10, 30).await.unwrap().is_some());
        // Every write of the chat's row forgets its kept state first.
        for write in 0..4 {
            store.keep(7, state(2), 2, 30);
            match write {
                0 => assert!(store.save(7, &state(9), 1, 30, 30).await.unwrap().is_none()),
                1 => assert!(!store.record(7, &state(9), 1).await.unwrap()),
                2 => store.put_raw(8, "{}", 30).await.unwrap(),
                _ => store.delete(7).await.unwrap(),
            }
            assert_eq!(store.kept(), usize::from(write == 2), "write {write}");
        }
        assert!(store.load(7, 40).await.unwrap().state.is_none());
        // A kept state past the time-to-live is not used: the row is expired as usual.
        assert!(store.save(7, &state(3), 0, 0, 50).await.unwrap().is_some());
        store.keep(7, state(3), 1, 50);
        let late = store.load(7, 151).await.unwrap();
        assert!(late.expired && late.state.is_none());
        assert_eq!(late.expired_state, Some(state(3)));
        // A swept row's kept state goes with it.
        let mut done = state(4);
        done.finished = true;
        assert!(store.save(9, &done, 0, 0, 60).await.unwrap().is_some());
        store.keep(9, done, 1, 60);
        store.sweep(95, Duration::from_secs(30)).await.unwrap();
        assert!(store.load(9, 96).await.unwrap().state.is_none());
        // Dropped by a sweep once idle for a while, not before.
        store.keep(9, state(4), 1, 60);
        store
            .sweep(60 + KEPT_IDLE, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(store.kept(), 1);
        store
            .sweep(61 + KEPT_IDLE, Duration::from_secs(30))
            .await
            .unwrap();
        assert_eq!(store.kept(), 0);
        // Bounded: the chats of the last few thousand updates.
        for chat in 0..3 * KEPT_PER_GENERATION as i64 {
            store.keep(1000 + chat, state(0), 1, 100);
        }
        assert!(store.kept() <= 2 * KEPT_PER_GENERATION, "{}", store.kept());
        let newest = 1000 + 3 * KEPT_PER_GENERATION as i64 - 1;
        assert_eq!(store.load(newest, 100).await.unwrap().version, 1);
        store.close().await;
    }

    /// Replicas share PostgreSQL's rows: nothing is kept, every load reads the row.
    #[tokio::test]
    async fn postgres_keeps_no_state() {
        if let Some(url) = postgres("kept").await {
            let store = Store::open(&url, Duration::from_secs(100)).await.unwrap();
            assert!(store.save(7, &state(1), 0, 0, 10).await.unwrap().is_some());
            store.keep(7, state(5), 1, 10);
            assert_eq!(store.kept(), 0);
            assert_eq!(store.load(7, 20).await.unwrap().state, Some(state(1)));
            store.close().await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite_replicas_never_lose_or_double_an_answer() {
        let dir = tempfile::tempdir().unwrap();
        replicas_never_lose_or_double_an_answer(&sqlite(&dir)).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres_replicas_never_lose_or_double_an_answer() {
        if let Some(url) = postgres("replicas").await {
            replicas_never_lose_or_double_an_answer(&url).await;
        }
    }

    /// Two stores on one database stand for two replicas behind one webhook URL. Updates of
    /// the same chats land on both at once; each does what the bot does (load, change, save
    /// with the version it loaded, and on a lost race load again). Every update must be
    /// applied exactly once: the step counter ends at the number of updates.
    async fn replicas_never_lose_or_double_an_answer(url: &str) {
        let ttl = Duration::from_secs(3600);
        let a = Store::open(url, ttl).await.unwrap();
        let b = Store::open(url, ttl).await.unwrap();
        const CHATS: i64 = 4;
        const UPDATES: u32 = 25;
        let mut tasks = Vec::new();
        for replica in [a.clone(), b.clone(), a.clone(), b.clone()] {
            tasks.push(tokio::spawn(async move {
                let mut races = 0;
                for _ in 0..UPDATES {
                    for chat in 1..=CHATS {
                        loop {
                            let loaded = replica.load(chat, 0).await.unwrap();
                            let mut next = loaded.state.unwrap_or_else(|| state(0));
                            next.step += 1;
                            if replica
                                .save(chat, &next, loaded.version, loaded.active_at, 0)
                                .await
                                .unwrap()
                                .is_some()
                            {
                                break;
                            }
                            races += 1;
                        }
                    }
                }
                races
            }));
        }
        let mut races = 0;
        for t in tasks {
            races += t.await.unwrap();
        }
        for chat in 1..=CHATS {
            let loaded = a.load(chat, 0).await.unwrap();
            assert_eq!(loaded.state.unwrap().step, 4 * UPDATES, "chat {chat}");
        }
        eprintln!("{}: {races} lost races, each retried", a.backend());
        // Batched counters from both replicas add up too.
        let rows = |n| {
            vec![CountRow {
                day: "2023-11-01".into(),
                rules_version: "v".into(),
                locale: "es".into(),
                metric: "started".into(),
                key: "none".into(),
                n,
            }]
        };
        let (three, four) = (rows(3), rows(4));
        let (x, y) = tokio::join!(a.add_count_rows(&three), b.add_count_rows(&four));
        x.unwrap();
        y.unwrap();
        assert_eq!(a.counter("started", "none").await.unwrap(), 7);
        a.close().await;
        b.close().await;
    }

    #[tokio::test]
    async fn sqlite_refreshes_activity_once_a_step() {
        let dir = tempfile::tempdir().unwrap();
        refreshes_activity_once_a_step(&sqlite(&dir)).await;
    }

    #[tokio::test]
    async fn postgres_refreshes_activity_once_a_step() {
        if let Some(url) = postgres("activity").await {
            refreshes_activity_once_a_step(&url).await;
        }
    }

    /// A save records new activity once the recorded one is a step old, on a finished state,
    /// and when the clock went back; the time-to-live counts from what is recorded.
    async fn refreshes_activity_once_a_step(url: &str) {
        // A time-to-live of 600 s: a step of 10 s.
        let store = Store::open(url, Duration::from_secs(600)).await.unwrap();
        assert_eq!(store.activity_step(), 10);
        assert_eq!(
            store.save(7, &state(1), 0, 0, 100).await.unwrap(),
            Some(100)
        );
        let loaded = store.load(7, 105).await.unwrap();
        assert_eq!((loaded.version, loaded.active_at), (1, 100));
        // Within the step: written, the recorded activity unchanged.
        assert_eq!(
            store.save(7, &state(2), 1, 100, 109).await.unwrap(),
            Some(100)
        );
        assert_eq!(store.load(7, 700).await.unwrap().state, Some(state(2)));
        // A lost race writes nothing either way.
        assert_eq!(store.save(7, &state(9), 1, 100, 109).await.unwrap(), None);
        assert_eq!(store.save(7, &state(9), 1, 100, 300).await.unwrap(), None);
        // A step later: refreshed.
        assert_eq!(
            store.save(7, &state(3), 2, 100, 110).await.unwrap(),
            Some(110)
        );
        assert_eq!(store.load(7, 710).await.unwrap().active_at, 110);
        // The result: refreshed at once (the grace period starts there).
        let mut done = state(4);
        done.finished = true;
        assert_eq!(store.save(7, &done, 3, 110, 111).await.unwrap(), Some(111));
        // The clock went back: refreshed to now.
        assert_eq!(
            store.save(7, &state(5), 4, 111, 105).await.unwrap(),
            Some(105)
        );
        assert_eq!(store.load(7, 705).await.unwrap().version, 5);
        let late = store.load(7, 706).await.unwrap();
        assert!(late.expired && late.state.is_none());
        // Another TTL, another step: a sixtieth of it, at most a minute.
        for (hours, step) in [(1, 60), (24, 60)] {
            let s = Store::open(url, Duration::from_secs(hours * 3600))
                .await
                .unwrap();
            assert_eq!(s.activity_step(), step);
            s.close().await;
        }
        let tiny = Store::open(url, Duration::from_secs(59)).await.unwrap();
        assert_eq!(tiny.activity_step(), 0);
        assert_eq!(tiny.save(8, &state(1), 0, 0, 10).await.unwrap(), Some(10));
        assert_eq!(tiny.save(8, &state(2), 1, 10, 10).await.unwrap(), Some(10));
        assert_eq!(tiny.save(8, &state(3), 2, 10, 11).await.unwrap(), Some(11));
        tiny.close().await;
        store.close().await;
    }

    async fn saves_loads_expires_sweeps_and_counts(url: &str) {
        let store = Store::open(url, Duration::from_secs(100)).await.unwrap();
        assert!(store.load(7, 0).await.unwrap().state.is_none());
        assert!(store.save(7, &state(1), 0, 0, 10).await.unwrap().is_some());
        // A second first write loses: someone else created the row.
        assert!(store.save(7, &state(9), 0, 0, 10).await.unwrap().is_none());
        let loaded = store.load(7, 20).await.unwrap();
        assert_eq!(loaded.state, Some(state(1)));
        assert_eq!(loaded.version, 1);
        // Compare-and-swap: a stale version does not overwrite.
        assert!(store.save(7, &state(2), 1, 10, 30).await.unwrap().is_some());
        assert!(store.save(7, &state(3), 1, 10, 30).await.unwrap().is_none());
        assert_eq!(store.load(7, 40).await.unwrap().state, Some(state(2)));
        // Recording keeps the last activity's time (a save at 30): still there at 129, and
        // compare-and-swap as well.
        assert!(store.record(7, &state(2), 2).await.unwrap());
        assert!(!store.record(7, &state(2), 2).await.unwrap());
        let kept = store.load(7, 129).await.unwrap();
        assert_eq!((kept.state, kept.version), (Some(state(2)), 3));
        // Replies cut short: found by when they were claimed, and no longer once completed.
        let mut cut = state(3);
        cut.pending = Some(25);
        assert!(store.save(7, &cut, 3, 30, 30).await.unwrap().is_some());
        assert_eq!(store.stalled(26, 10).await.unwrap(), vec![7]);
        assert!(store.stalled(25, 10).await.unwrap().is_empty());
        assert!(store.record(7, &state(2), 4).await.unwrap());
        assert!(store.stalled(100, 10).await.unwrap().is_empty());
        // Reopening keeps it (the schema is not applied twice).
        store.close().await;
        let store = Store::open(url, Duration::from_secs(100)).await.unwrap();
        assert_eq!(store.load(7, 40).await.unwrap().state, Some(state(2)));
        // Idle past the time-to-live: gone, and said so.
        let late = store.load(7, 131).await.unwrap();
        assert!(late.expired && late.state.is_none());
        assert_eq!(store.count().await.unwrap(), 0);
        // Unreadable rows start afresh.
        store.put_raw(8, "{not json", 0).await.unwrap();
        let bad = store.load(8, 1).await.unwrap();
        assert!(bad.unreadable && bad.state.is_none());
        // Sweeping: finished rows after the grace period, others after the time-to-live.
        let mut done = state(5);
        done.finished = true;
        store.save(1, &done, 0, 0, 0).await.unwrap();
        store.save(2, &state(5), 0, 0, 0).await.unwrap();
        assert_eq!(store.sweep(50, Duration::from_secs(30)).await.unwrap().0, 1);
        let (gone, expired) = store.sweep(101, Duration::from_secs(30)).await.unwrap();
        assert_eq!((gone, expired.len()), (1, 1));
        assert_eq!(store.count().await.unwrap(), 0);
        // Counters add up per key and are forgotten after the retention period.
        let counts = [
            ("started", "none".to_string()),
            ("shown", "age".to_string()),
        ];
        store
            .add_counts("2023-11-01", "v", "es", &counts)
            .await
            .unwrap();
        store
            .add_counts("2023-11-01", "v", "es", &counts[..1])
            .await
            .unwrap();
        store
            .add_counts("2023-11-02", "v", "en", &counts[..1])
            .await
            .unwrap();
        assert_eq!(store.counter("started", "none").await.unwrap(), 3);
        assert_eq!(store.counter("shown", "age").await.unwrap(), 1);
        assert_eq!(store.forget_counters_before("2023-11-02").await.unwrap(), 2);
        assert_eq!(store.counter("started", "none").await.unwrap(), 1);
    }
}
