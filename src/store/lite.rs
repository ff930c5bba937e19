//! The SQLite side of the store: one connection of this process, called in place.
//!
//! sqlx runs each SQLite connection on a thread of its own and every query crosses to it and
//! back; under load that crossing, not SQLite, was most of the bot's time (README, "Where the
//! time goes"). Here the connection sits behind a mutex and a query runs on the task that asks
//! for it: a session's load or save is a few microseconds of SQLite's own work, shorter than
//! handing it to another thread. Work that may take long (the sweeper's deletions and the
//! truncating checkpoint after them, scans of every row, old counters' deletion, migrations)
//! runs on tokio's blocking threads instead; the connection is still held meanwhile, so the
//! statements of updates wait for it there.
//!
//! The statements are the shared ones of [`super`], written with PostgreSQL's `$n`
//! placeholders; [`sql`] turns them into SQLite's numbered `?n`, which bind by number just the
//! same.
//!
//! Checkpoints are SQLite's own: the commit that fills the log past 1,000 pages copies it into
//! the database, syncing both files, in place like the rest. Being the process's only
//! connection, it copies every frame (no write can come in between), so the next write starts
//! the log over from its beginning and the file stops growing. (A checkpoint every half second
//! on a thread and connection of its own, not holding up writes, was tried first: under steady
//! load it never caught up, the log grew without end, and writing to fresh blocks of it took a
//! sixth of the bot's time. Holding the connection every half second instead did as well as
//! this on average, with more spread between runs.)

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use tracing::warn;

/// How long a statement waits for another connection's lock (another process writing, or
/// the truncating checkpoint) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// A statement in SQLite's spelling: `$1` becomes `?1` (the shared statements hold no other
/// `$`).
pub fn sql(shared: &str) -> String {
    shared.replace('$', "?")
}

/// The connection, shared by the clones of a store; `None` once closed.
#[derive(Clone)]
pub struct Lite {
    conn: Arc<Mutex<Option<Connection>>>,
}

/// Where a `sqlite:` URL points.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    File(PathBuf),
    Memory,
}

/// Reads `sqlite:path`, `sqlite://path` or `sqlite::memory:`.
fn target(url: &str) -> Result<Target, String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or("a database URL starts with sqlite: or postgres://")?;
    if rest.contains('?') {
        return Err("a sqlite: URL takes a path only, no options after '?'".into());
    }
    match rest {
        "" => Err("a sqlite: URL needs a path, such as sqlite:rumbo.db".into()),
        ":memory:" => Ok(Target::Memory),
        path => Ok(Target::File(PathBuf::from(path))),
    }
}

impl Lite {
    /// Opens (and creates if missing) the database of a `sqlite:` URL, in WAL mode, and
    /// applies the migrations not applied yet.
    pub fn open(url: &str, migrations: &[(i64, &str)]) -> Result<Lite, String> {
        let target = target(url)?;
        let conn = match &target {
            Target::Memory => Connection::open_in_memory(),
            Target::File(path) => Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ),
        }
        .map_err(|e| e.to_string())?;
        let setup = || -> rusqlite::Result<()> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // In WAL mode NORMAL syncs the log at checkpoints, not at every commit: a crash
            // or kill of the bot loses nothing, a power cut or system crash may lose the last
            // commits (people press again). Twice the updates per second of FULL (README,
            // Performance).
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // A deleted session is overwritten, not left in free pages of the file.
            conn.pragma_update(None, "secure_delete", "ON")?;
            conn.execute_batch(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)",
            )?;
            Ok(())
        };
        setup().map_err(|e| e.to_string())?;
        let lite = Lite {
            conn: Arc::new(Mutex::new(Some(conn))),
        };
        for &(version, statements) in migrations {
            lite.with(|c| {
                let tx = c.unchecked_transaction()?;
                let done: Option<i64> = tx
                    .query_row(
                        "SELECT version FROM schema_migrations WHERE version = ?1",
                        [version],
                        |r| r.get(0),
                    )
                    .optional()?;
                if done.is_none() {
                    tx.execute_batch(statements)?;
                    tx.execute(
                        "INSERT INTO schema_migrations (version) VALUES (?1)",
                        [version],
                    )?;
                }
                tx.commit()
            })
            .map_err(|e| e.to_string())?;
        }
        Ok(lite)
    }

    /// Runs `f` on the connection, in place. A transaction some earlier failure left open
    /// (a commit refused by a full disk) is rolled back first, so it cannot keep the write
    /// lock.
    pub fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        let guard = lock(&self.conn);
        let Some(conn) = guard.as_ref() else {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_MISUSE),
                Some("the session store is closed".into()),
            ));
        };
        if !conn.is_autocommit() {
            conn.execute_batch("ROLLBACK")?;
        }
        f(conn)
    }

    /// Runs `f` on the connection on one of tokio's blocking threads (long work).
    pub async fn with_blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> rusqlite::Result<T> {
        let lite = self.clone();
        match tokio::task::spawn_blocking(move || lite.with(f)).await {
            Ok(result) => result,
            Err(e) => match e.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                // The runtime is shutting down and did not run it.
                Err(_) => Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_INTERRUPT),
                    Some("the session store's work was cancelled by the shutdown".into()),
                )),
            },
        }
    }

    /// Closes the connection (SQLite then checkpoints the log and removes it, this being the
    /// process's only connection). Later calls fail.
    pub fn close(&self) {
        if let Some(conn) = lock(&self.conn).take()
            && let Err((_, e)) = conn.close()
        {
            warn!(error = %e, "closing the session database failed");
        }
    }
}

/// A mutex's value even after a panic elsewhere held it (the connection stays usable: every
/// use starts by rolling back what was left open).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_strictly() {
        assert_eq!(target("sqlite::memory:"), Ok(Target::Memory));
        assert_eq!(target("sqlite:a/b.db"), Ok(Target::File("a/b.db".into())));
        assert_eq!(
            target("sqlite:///var/x.db"),
            Ok(Target::File("/var/x.db".into()))
        );
        assert!(target("sqlite:").is_err());
        assert!(target("sqlite:x.db?mode=ro").is_err());
        assert!(target("postgres://h/db").is_err());
    }

    #[test]
    fn shared_statements_bind_by_number() {
        assert_eq!(
            sql("UPDATE t SET a = $2 WHERE b = $1"),
            "UPDATE t SET a = ?2 WHERE b = ?1"
        );
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("t.db").display());
        let lite = Lite::open(&url, &[(1, "CREATE TABLE t (a, b)")]).unwrap();
        let got: (i64, String) = lite
            .with(|c| {
                c.execute(&sql("INSERT INTO t (b, a) VALUES ($2, $1)"), (1, "x"))?;
                c.query_row("SELECT a, b FROM t", [], |r| Ok((r.get(0)?, r.get(1)?)))
            })
            .unwrap();
        assert_eq!(got, (1, "x".into()));
        lite.close();
        assert!(lite.with(|c| c.execute_batch("SELECT 1")).is_err());
    }
}
