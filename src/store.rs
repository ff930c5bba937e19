//! Where conversations wait between two messages: one SQLite file (WAL) through sqlx.
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

use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::conversation::ChatState;

/// A storage failure; the text names the operation, never a person.
#[derive(Debug, thiserror::Error)]
#[error("session storage: {0}")]
pub struct StoreError(String);

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError(e.to_string())
    }
}

/// The schema, one step per entry; applied in order, each once.
const MIGRATIONS: &[(i64, &str)] = &[
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
];

/// A chat's stored state as loaded.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub state: Option<ChatState>,
    /// The row version to compare against when saving (0: no row).
    pub version: i64,
    /// A row existed but was older than the time-to-live: it was deleted.
    pub expired: bool,
    /// A row existed but could not be read (another format): it was deleted.
    pub unreadable: bool,
    /// The expired state (to count where it stopped), when it could be read.
    pub expired_state: Option<ChatState>,
}

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
    ttl: Duration,
    /// A session was deleted and the write-ahead log may still hold it: scrub when possible.
    unscrubbed: Arc<AtomicBool>,
}

impl Store {
    /// Opens (creating if needed) the database at `url` (`sqlite:path` or `sqlite::memory:`),
    /// in WAL mode, and brings its schema up to date.
    pub async fn open(url: &str, ttl: Duration) -> Result<Store, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // A deleted session is overwritten, not left in free pages of the file.
            .pragma("secure_delete", "ON")
            .busy_timeout(Duration::from_secs(5));
        // One in-memory database is per connection: keep a single one then.
        let max = if url.contains(":memory:") { 1 } else { 4 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .connect_with(options)
            .await?;
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            .execute(&pool)
            .await?;
        for &(version, sql) in MIGRATIONS {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = ?")
                    .bind(version)
                    .fetch_optional(&pool)
                    .await?;
            if done.is_none() {
                let mut tx = pool.begin().await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO schema_migrations (version) VALUES (?)")
                    .bind(version)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
        }
        Ok(Store {
            pool,
            ttl,
            unscrubbed: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The chat's state; an expired or unreadable row is deleted and reported as such.
    pub async fn load(&self, chat: i64, now: i64) -> Result<Loaded, StoreError> {
        let row = sqlx::query("SELECT state, version, updated_at FROM sessions WHERE chat_id = ?")
            .bind(chat)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            return Ok(Loaded::default());
        };
        let text: String = row.try_get("state")?;
        let version: i64 = row.try_get("version")?;
        let updated_at: i64 = row.try_get("updated_at")?;
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

    /// Writes the state if the row is still at `expected` (0: no row yet). Returns false
    /// when another writer got there first, so the caller can load again and retry.
    pub async fn save(
        &self,
        chat: i64,
        state: &ChatState,
        expected: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let text = serde_json::to_string(state).map_err(|e| StoreError(e.to_string()))?;
        let rules_version = state
            .session
            .as_ref()
            .map(|s| s.rules_version.clone())
            .unwrap_or_default();
        let done = if expected == 0 {
            sqlx::query(
                "INSERT INTO sessions (chat_id, state, rules_version, finished, version, updated_at)
                 VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT (chat_id) DO NOTHING",
            )
            .bind(chat)
            .bind(&text)
            .bind(&rules_version)
            .bind(state.finished)
            .bind(now)
            .execute(&self.pool)
            .await?
        } else {
            sqlx::query(
                "UPDATE sessions SET state = ?, rules_version = ?, finished = ?, version = version + 1,
                 updated_at = ? WHERE chat_id = ? AND version = ?",
            )
            .bind(&text)
            .bind(&rules_version)
            .bind(state.finished)
            .bind(now)
            .bind(chat)
            .bind(expected)
            .execute(&self.pool)
            .await?
        };
        Ok(done.rows_affected() == 1)
    }

    /// The language a chat chose, read without touching the row (not even to expire it):
    /// for `/stats`, which must leave nothing behind about the administrator.
    pub async fn peek_lang(&self, chat: i64) -> Result<Option<String>, StoreError> {
        let text: Option<String> =
            sqlx::query_scalar("SELECT state FROM sessions WHERE chat_id = ?")
                .bind(chat)
                .fetch_optional(&self.pool)
                .await?;
        Ok(text
            .and_then(|t| serde_json::from_str::<ChatState>(&t).ok())
            .and_then(|s| s.lang))
    }

    /// Deletes the chat's row, then scrubs the write-ahead log so no copy of it stays on disk.
    pub async fn delete(&self, chat: i64) -> Result<(), StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE chat_id = ?")
            .bind(chat)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() > 0 {
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
        // One row: busy (1 when it could not finish), frames in the log, frames copied.
        let busy: i64 = match sqlx::query_scalar("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await
        {
            Ok(b) => b,
            Err(e) => {
                self.unscrubbed.store(true, Ordering::SeqCst);
                return Err(e.into());
            }
        };
        if busy != 0 {
            self.unscrubbed.store(true, Ordering::SeqCst);
        }
        Ok(busy == 0)
    }

    /// Deletes rows idle longer than the time-to-live, and finished ones idle longer than
    /// `grace`. Returns how many went, and the unfinished ones that expired (to count where
    /// they stopped).
    pub async fn sweep(
        &self,
        now: i64,
        grace: Duration,
    ) -> Result<(u64, Vec<ChatState>), StoreError> {
        let expired_before = now - self.ttl.as_secs() as i64;
        let mut tx = self.pool.begin().await?;
        let texts: Vec<String> =
            sqlx::query_scalar("SELECT state FROM sessions WHERE updated_at < ? AND finished = 0")
                .bind(expired_before)
                .fetch_all(&mut *tx)
                .await?;
        let done = sqlx::query(
            "DELETE FROM sessions WHERE updated_at < ? OR (finished = 1 AND updated_at < ?)",
        )
        .bind(expired_before)
        .bind(now - grace.as_secs() as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        if done.rows_affected() > 0 {
            self.unscrubbed.store(true, Ordering::SeqCst);
        }
        self.scrub().await?;
        let states = texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect();
        Ok((done.rows_affected(), states))
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
        if counts.is_empty() {
            return Ok(());
        }
        let mut tx = self.pool.begin().await?;
        for (metric, key) in counts {
            sqlx::query(
                "INSERT INTO counters (day, rules_version, locale, metric, key, value)
                 VALUES (?, ?, ?, ?, ?, 1)
                 ON CONFLICT (day, rules_version, locale, metric, key)
                 DO UPDATE SET value = value + 1",
            )
            .bind(day)
            .bind(rules_version)
            .bind(locale)
            .bind(metric)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The value of one counter summed over days, versions and locales (tests, `/stats`).
    pub async fn counter(&self, metric: &str, key: &str) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(SUM(value), 0) FROM counters WHERE metric = ? AND key = ?",
        )
        .bind(metric)
        .bind(key)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Deletes counters of days before `day` (the retention setting).
    pub async fn forget_counters_before(&self, day: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query("DELETE FROM counters WHERE day < ?")
            .bind(day)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// The rules versions stored sessions run on.
    pub async fn versions_in_use(&self) -> Result<Vec<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT rules_version FROM sessions")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// How many rows there are (for tests and the operator).
    pub async fn count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
            .fetch_one(&self.pool)
            .await?)
    }

    /// Stores raw text as a chat's state (tests: a row in an older format).
    #[doc(hidden)]
    pub async fn put_raw(&self, chat: i64, text: &str, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT OR REPLACE INTO sessions (chat_id, state, rules_version, finished, version, updated_at)
             VALUES (?, ?, '', 0, 1, ?)",
        )
        .bind(chat)
        .bind(text)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::{ChatState, STATE_FORMAT};

    fn state(step: u32) -> ChatState {
        serde_json::from_value(serde_json::json!({ "format": STATE_FORMAT, "step": step })).unwrap()
    }

    #[tokio::test]
    async fn saves_loads_expires_and_sweeps() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("s.db").display());
        let store = Store::open(&url, Duration::from_secs(100)).await.unwrap();
        assert!(store.load(7, 0).await.unwrap().state.is_none());
        assert!(store.save(7, &state(1), 0, 10).await.unwrap());
        // A second first write loses: someone else created the row.
        assert!(!store.save(7, &state(9), 0, 10).await.unwrap());
        let loaded = store.load(7, 20).await.unwrap();
        assert_eq!(loaded.state, Some(state(1)));
        assert_eq!(loaded.version, 1);
        // Compare-and-swap: a stale version does not overwrite.
        assert!(store.save(7, &state(2), 1, 30).await.unwrap());
        assert!(!store.save(7, &state(3), 1, 30).await.unwrap());
        assert_eq!(store.load(7, 40).await.unwrap().state, Some(state(2)));
        // Reopening keeps it (the schema is not applied twice).
        store.close().await;
        let store = Store::open(&url, Duration::from_secs(100)).await.unwrap();
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
        store.save(1, &done, 0, 0).await.unwrap();
        store.save(2, &state(5), 0, 0).await.unwrap();
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
