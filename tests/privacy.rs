//! The privacy claims of docs/privacy.md, checked on the real binary: `rumbo run` against the
//! fake Bot API (`tests/support/`), with its SQLite database in a temporary folder.
//!
//! People with distinctive ids, names, usernames and phone numbers go through interviews,
//! press buttons and type texts. Then the raw bytes of every database file (the database, its
//! write-ahead log and its shared-memory index) and everything the bot printed are searched:
//!
//! * texts, names, usernames and phone numbers: never, anywhere;
//! * chat ids, in decimal and in every binary form SQLite or a careless program could write
//!   them (8 bytes big- and little-endian, SQLite's 6-byte record integer, SQLite's varint):
//!   while a session is live, only on pages of the `sessions` table and its index (SQLite's
//!   `dbstat` says which page belongs to which table, and each log frame names its page); and
//!   after the sessions end (by `/delete`, `/borrar`, the time-to-live and the grace period),
//!   nowhere at all.
//!
//! The search is shown to work on the same files: each live session's id is found, and so is a
//! word the counters do hold.

mod support;

use std::collections::{BTreeSet, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::Row;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use support::fake_api::{FakeApi, FakeState};

const WAIT: Duration = Duration::from_secs(40);

/// A running `rumbo run` whose stdout and stderr are both collected; killed when dropped.
struct Bot {
    child: Child,
    out: Arc<Mutex<Vec<u8>>>,
}

impl Bot {
    fn start(api: &FakeApi, db: &Path, env: &[(&str, &str)]) -> Bot {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rumbo"));
        cmd.arg("run")
            .env_remove("RUMBO_RULES")
            .env_remove("RUMBO_LOCALES")
            .env_remove("RUMBO_ADMINS")
            .env_remove("RUMBO_KEEP_COUNTERS_MONTHS")
            // More than the default (`warn,rumbo=info`): every level of the bot's own logging.
            .env("RUMBO_LOG", "info,rumbo=trace")
            .env("RUMBO_DB", format!("sqlite:{}", db.display()))
            .env("RUMBO_AS_OF", "2023-11-01")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in api.env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("rumbo starts");
        let out = Arc::new(Mutex::new(Vec::new()));
        let stdout: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
        let stderr: Box<dyn Read + Send> = Box::new(child.stderr.take().unwrap());
        for mut pipe in [stdout, stderr] {
            let sink = out.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
        }
        let bot = Bot { child, out };
        api.wait_until_blocking(|s| s.count_requests("getUpdates") > 0, WAIT)
            .unwrap_or_else(|e| panic!("the bot never polled: {e:?}\n{}", bot.log()));
        bot
    }

    fn log(&self) -> String {
        String::from_utf8_lossy(&self.out.lock().unwrap()).into_owned()
    }

    /// SIGTERM; the exit status once it stopped.
    fn stop(&mut self) -> i32 {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                std::thread::sleep(Duration::from_millis(200));
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "rumbo did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until every update was fetched and the bot made no request for a while.
fn settle(api: &FakeApi) {
    let deadline = Instant::now() + WAIT;
    let mut seen = usize::MAX;
    loop {
        let (pending, requests) = api.with_state(|s: &FakeState| {
            let work = s
                .requests()
                .iter()
                .filter(|r| r.method != "getupdates")
                .count();
            (s.pending_updates(), work)
        });
        if pending == 0 && requests == seen {
            return;
        }
        seen = requests;
        assert!(Instant::now() < deadline, "never settled:\n{}", api.dump());
        std::thread::sleep(Duration::from_millis(700));
    }
}

/// Someone with a full Telegram profile, in a private chat (whose id is their user id).
struct Person<'a> {
    api: &'a FakeApi,
    id: i64,
    lang: &'a str,
    first: &'a str,
    last: &'a str,
    username: &'a str,
}

impl Person<'_> {
    fn join(&self) {
        self.api.set_profile(
            self.id as u64,
            self.first,
            Some(self.last),
            Some(self.username),
        );
    }

    fn say(&self, text: &str) {
        let user = self.id as u64;
        if text.starts_with('/') {
            self.api.push_command(self.id, user, text, Some(self.lang));
        } else {
            self.api.push_text(self.id, user, text, Some(self.lang));
        }
        settle(self.api);
    }

    /// Presses the `n`th answer button (Back and Start over left out) of the newest message
    /// with buttons.
    fn press_nth(&self, n: usize) {
        let last = self
            .api
            .chat_messages(self.id)
            .into_iter()
            .rev()
            .find(|m| !m.buttons().is_empty())
            .unwrap_or_else(|| panic!("no buttons:\n{}", self.api.transcript(self.id)));
        let answers = last.answer_data();
        let data = answers
            .get(n)
            .unwrap_or_else(|| panic!("no answer {n} in:\n{}", self.api.transcript(self.id)));
        self.api
            .push_callback(self.id, self.id as u64, last.message_id, data);
        settle(self.api);
    }

    fn answer_buttons(&self) -> usize {
        self.api
            .chat_messages(self.id)
            .into_iter()
            .rev()
            .find(|m| !m.buttons().is_empty())
            .map_or(0, |m| {
                m.buttons()
                    .into_iter()
                    .flatten()
                    .filter(|b| {
                        b.callback_data
                            .as_ref()
                            .is_some_and(|d| !d.ends_with(":b") && !d.ends_with(":r"))
                    })
                    .count()
            })
    }
}

/// A Venezuelan in Colombia as of 1 November 2023, by answer position, then the result.
fn whole_interview(p: &Person<'_>) {
    p.say("/start");
    for n in [0, 0, 3, 0, 0, 1, 1, 1] {
        p.press_nth(n);
    }
    p.press_nth(p.answer_buttons() - 1);
    assert!(
        p.api.transcript(p.id).contains(if p.lang == "es" {
            "Tu resultado"
        } else {
            "Your result"
        }),
        "{}",
        p.api.transcript(p.id)
    );
}

// --- the database, read by the test ------------------------------------------------------------

fn block_on<T>(f: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

async fn connect(db: &Path, read_only: bool) -> SqlitePool {
    let options = SqliteConnectOptions::from_str(&format!("sqlite:{}", db.display()))
        .unwrap()
        .read_only(read_only);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

/// Runs a statement as the bot would: `secure_delete` is a setting of each connection, and
/// without it the old index entry of a changed row stays in the page's free space.
fn sql(db: &Path, statement: &str) {
    block_on(async {
        let pool = connect(db, false).await;
        let mut conn = pool.acquire().await.unwrap();
        sqlx::query("PRAGMA secure_delete = ON")
            .execute(&mut *conn)
            .await
            .unwrap();
        sqlx::query(statement).execute(&mut *conn).await.unwrap();
        drop(conn);
        pool.close().await;
    })
}

fn live_chats(db: &Path) -> BTreeSet<i64> {
    block_on(async {
        let pool = connect(db, true).await;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT chat_id FROM sessions")
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        ids.into_iter().collect()
    })
}

/// What the database holds, read through SQL: each page's b-tree (from `dbstat`), and for
/// every column of every table the rows whose value, as text, contains one of `needles`.
struct Logical {
    page_owner: HashMap<u32, String>,
    /// (table, column, needle) → rows.
    hits: Vec<(String, String, String, i64)>,
    tables: BTreeSet<String>,
}

fn logical(db: &Path, needles: &[String]) -> Logical {
    block_on(async {
        let pool = connect(db, true).await;
        let pages = sqlx::query("SELECT name, pageno FROM dbstat")
            .fetch_all(&pool)
            .await
            .unwrap();
        let page_owner = pages
            .iter()
            .map(|r| (r.get::<i64, _>("pageno") as u32, r.get::<String, _>("name")))
            .collect();
        let tables: Vec<String> =
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(&pool)
                .await
                .unwrap();
        let mut hits = Vec::new();
        for table in &tables {
            let columns: Vec<String> =
                sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            for column in columns {
                for needle in needles {
                    let n: i64 = sqlx::query_scalar(&format!(
                        "SELECT COUNT(*) FROM \"{table}\" WHERE instr(CAST(\"{column}\" AS TEXT), ?) > 0"
                    ))
                    .bind(needle)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                    if n > 0 {
                        hits.push((table.clone(), column.clone(), needle.clone(), n));
                    }
                }
            }
        }
        pool.close().await;
        Logical {
            page_owner,
            hits,
            tables: tables.into_iter().collect(),
        }
    })
}

// --- the bytes on disk -------------------------------------------------------------------------

/// SQLite's variable-length integer (big-endian, 7 bits a byte), for values below 2^56.
fn varint(v: u64) -> Vec<u8> {
    assert!(v < 1 << 56);
    let mut out = vec![(v & 0x7f) as u8];
    let mut v = v >> 7;
    while v > 0 {
        out.push((v & 0x7f) as u8 | 0x80);
        v >>= 7;
    }
    out.reverse();
    out
}

/// Every way an id could be written: decimal text, and the binary forms.
fn id_forms(id: i64) -> Vec<(&'static str, Vec<u8>)> {
    assert!(
        id > 0 && id < 1 << 47,
        "the 6-byte form needs an id below 2^47"
    );
    let be = id.to_be_bytes();
    vec![
        ("decimal", id.to_string().into_bytes()),
        ("8-byte big-endian", be.to_vec()),
        ("8-byte little-endian", id.to_le_bytes().to_vec()),
        ("SQLite 6-byte integer", be[2..].to_vec()),
        ("SQLite varint", varint(id as u64)),
    ]
}

fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return Vec::new();
    }
    hay.windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect()
}

/// The database's files as they are now: the database, `-wal` and `-shm` (when present).
fn files(db: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", db.display()));
        if let Ok(bytes) = std::fs::read(&path) {
            out.push((format!("sessions.db{suffix}"), bytes));
        }
    }
    assert!(!out.is_empty() && !out[0].1.is_empty(), "no database file");
    out
}

fn page_size(files: &[(String, Vec<u8>)]) -> usize {
    let db = &files[0].1;
    let raw = u16::from_be_bytes([db[16], db[17]]);
    if raw == 1 { 65_536 } else { usize::from(raw) }
}

/// Which database page the byte at `offset` of `file` belongs to (`None`: not in a page, e.g.
/// a log or frame header, or the shared-memory index, which holds no pages).
fn page_of(file: &str, bytes: &[u8], offset: usize, page: usize) -> Option<u32> {
    if file.ends_with("-wal") {
        let frame = 24 + page;
        let at = offset.checked_sub(32)?;
        let start = 32 + at / frame * frame;
        if offset - start < 24 {
            return None;
        }
        Some(u32::from_be_bytes(
            bytes[start..start + 4].try_into().unwrap(),
        ))
    } else if file.ends_with("-shm") {
        None
    } else {
        Some((offset / page) as u32 + 1)
    }
}

/// A secret as found in the files: (file, form, offset).
type Found = Vec<(String, &'static str, usize)>;

fn search(files: &[(String, Vec<u8>)], forms: &[(&'static str, Vec<u8>)]) -> Found {
    let mut found = Vec::new();
    for (name, bytes) in files {
        for (form, needle) in forms {
            for at in find_all(bytes, needle) {
                found.push((name.clone(), *form, at));
            }
        }
    }
    found
}

// --- the people ----------------------------------------------------------------------------------

const ANA: i64 = 987_654_321_987;
const BRUNO: i64 = 876_543_219_876;
const CARMEN: i64 = 765_432_198_765;
const DAVID: i64 = 654_321_987_654;

/// What people typed or have in their profiles: none of it may be stored or logged.
const TEXTS: &[&str] = &[
    "Anaximandra",
    "Quispetaype",
    "ana_quispe_77",
    "Brunildo",
    "Zorrillafuentes",
    "bruno_hidden_99",
    "Carmenzita",
    "Abarcaherrera",
    "carmen_private_12",
    "Davidsson",
    "Ochoaverde",
    "david_secret_31",
    "MySecretText-42",
    "+57 300 555 0199",
    "3005550199",
    "+573005550188",
    "5730055501",
    "soy de Maracaibo y mi pasaporte es X1234567",
    "X1234567",
    "Maracaibo",
    "ana@example.org",
];

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn assert_clean_log(log: &str) {
    for secret in TEXTS {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
    for id in [ANA, BRUNO, CARMEN, DAVID] {
        assert!(!log.contains(&id.to_string()), "{id} in the log:\n{log}");
    }
    assert!(log.contains("rumbo is running"), "the log was read: {log}");
}

#[test]
fn nothing_a_person_typed_is_stored_and_ids_go_with_their_sessions() {
    let api = FakeApi::start_blocking();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sessions.db");
    // Sweeps every second, so expiry and the grace period are seen within the test.
    let mut bot = Bot::start(&api, &db, &[("RUMBO_SWEEP_SECONDS", "1")]);
    let people = [
        Person {
            api: &api,
            id: ANA,
            lang: "es",
            first: "Anaximandra",
            last: "Quispetaype",
            username: "ana_quispe_77",
        },
        Person {
            api: &api,
            id: BRUNO,
            lang: "en",
            first: "Brunildo",
            last: "Zorrillafuentes",
            username: "bruno_hidden_99",
        },
        Person {
            api: &api,
            id: CARMEN,
            lang: "es-419",
            first: "Carmenzita",
            last: "Abarcaherrera",
            username: "carmen_private_12",
        },
        Person {
            api: &api,
            id: DAVID,
            lang: "en-GB",
            first: "Davidsson",
            last: "Ochoaverde",
            username: "david_secret_31",
        },
    ];
    for p in &people {
        p.join();
    }
    let [ana, bruno, carmen, david] = &people;
    // Ana types between answers, then reaches her result (a finished session, in its grace
    // period).
    ana.say("/start");
    ana.say("MySecretText-42");
    ana.say("+57 300 555 0199");
    whole_interview(ana);
    ana.say("soy de Maracaibo y mi pasaporte es X1234567");
    // Bruno answers a few questions, shares a contact card and a phone number.
    bruno.say("/start");
    bruno.press_nth(0);
    bruno.say("call me at 3005550199");
    api.push_contact_card(
        BRUNO,
        BRUNO as u64,
        "+573005550188",
        "Brunildo",
        "Zorrillafuentes",
    );
    settle(&api);
    bruno.press_nth(0);
    // Carmen changes language, answers, writes her address.
    carmen.say("/idioma");
    carmen.press_nth(1);
    carmen.press_nth(0);
    carmen.say("ana@example.org");
    carmen.say("/privacidad");
    // David answers two questions and leaves.
    david.say("/start");
    david.press_nth(1);
    david.say("5730055501");
    david.press_nth(0);

    // (a) Four live sessions.
    let ids = [ANA, BRUNO, CARMEN, DAVID];
    assert_eq!(live_chats(&db), ids.into_iter().collect());
    let snapshot = files(&db);
    let page = page_size(&snapshot);
    let mut needles: Vec<String> = TEXTS.iter().map(|s| s.to_string()).collect();
    needles.extend(ids.iter().map(|id| id.to_string()));
    let view = logical(&db, &needles);
    assert_eq!(
        view.tables,
        ["counters", "schema_migrations", "sessions"]
            .map(String::from)
            .into(),
        "a new table: say in docs/privacy.md what it holds, then here"
    );
    // Through SQL: each id is in `sessions.chat_id`, once, and in no other column of any table.
    let mut expected: Vec<_> = ids
        .iter()
        .map(|id| ("sessions".into(), "chat_id".into(), id.to_string(), 1))
        .collect();
    expected.sort();
    let mut hits = view.hits.clone();
    hits.sort();
    assert_eq!(hits, expected, "names, texts or ids stored in a column");
    // In the bytes: texts and names nowhere; ids only on the pages of the sessions table and
    // its index.
    for secret in TEXTS {
        let found = search(&snapshot, &[("text", secret.as_bytes().to_vec())]);
        assert!(found.is_empty(), "{secret:?} on disk at {found:?}");
    }
    for id in ids {
        let found = search(&snapshot, &id_forms(id));
        assert!(
            found.iter().any(|(_, form, _)| form.starts_with("SQLite")),
            "the search finds a live session's id ({id}): {found:?}"
        );
        for (file, form, at) in found {
            let bytes = &snapshot.iter().find(|(n, _)| *n == file).unwrap().1;
            let owner = page_of(&file, bytes, at, page).and_then(|p| view.page_owner.get(&p));
            assert!(
                matches!(
                    owner.map(String::as_str),
                    Some("sessions" | "sessions_updated_at")
                ),
                "{id} as {form} in {file} at {at}, on a page of {owner:?}"
            );
        }
    }
    // The search reads what is there: the counters' words are found.
    assert!(!search(&snapshot, &[("text", b"answered_choice".to_vec())]).is_empty());

    // (b) Sessions end every way they can: /delete, /borrar, the grace period after a result
    // (Ana's was shown an hour ago), the time-to-live (David's last answer, a day ago).
    bruno.say("/delete");
    carmen.say("/borrar");
    sql(
        &db,
        &format!(
            "UPDATE sessions SET updated_at = {} WHERE chat_id = {ANA}",
            now() - 3600
        ),
    );
    sql(
        &db,
        &format!(
            "UPDATE sessions SET updated_at = {} WHERE chat_id = {DAVID}",
            now() - 25 * 3600
        ),
    );
    let deadline = Instant::now() + WAIT;
    while !live_chats(&db).is_empty() {
        assert!(Instant::now() < deadline, "the sweeper left sessions");
        std::thread::sleep(Duration::from_millis(500));
    }
    // A sweep or two more, for the log to be scrubbed if a reader held it up.
    std::thread::sleep(Duration::from_secs(3));
    let after = files(&db);
    for id in ids {
        let found = search(&after, &id_forms(id));
        assert!(found.is_empty(), "{id} still on disk: {found:?}");
    }
    for secret in TEXTS {
        assert!(search(&after, &[("text", secret.as_bytes().to_vec())]).is_empty());
    }
    let view = logical(&db, &needles);
    assert!(view.hits.is_empty(), "{:?}", view.hits);
    // The ends were counted, and nothing else about the people.
    let counted = block_on(async {
        let pool = connect(&db, true).await;
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT metric, SUM(value) FROM counters WHERE metric IN ('deleted', 'expired') GROUP BY metric ORDER BY metric",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    });
    assert_eq!(
        counted,
        vec![("deleted".to_string(), 2), ("expired".to_string(), 1)]
    );

    // After a stop too, and in everything the bot printed.
    assert_eq!(bot.stop(), 0, "{}", bot.log());
    let stopped = files(&db);
    for id in ids {
        assert!(search(&stopped, &id_forms(id)).is_empty());
    }
    assert_clean_log(&bot.log());
}

/// `RUMBO_KEEP_COUNTERS_MONTHS=2`: counters of days before today minus 60 days are deleted
/// while the bot runs; the rest stay.
#[test]
fn counters_older_than_the_retention_period_are_deleted() {
    let api = FakeApi::start_blocking();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sessions.db");
    let today = rumbo::date::Date::today_utc();
    let day = |n: i64| today.add_days(-n).to_string();
    block_on(async {
        let url = format!("sqlite:{}", db.display());
        let store = rumbo::store::Store::open(&url, Duration::from_secs(86_400))
            .await
            .unwrap();
        for d in ["2020-01-01".to_string(), day(61), day(60), day(1)] {
            store
                .add_counts(&d, "v", "es", &[("started", "none".into())])
                .await
                .unwrap();
        }
        store.close().await;
    });
    let days = |db: &Path| -> Vec<String> {
        block_on(async {
            let pool = connect(db, true).await;
            let d: Vec<String> = sqlx::query_scalar("SELECT day FROM counters ORDER BY day")
                .fetch_all(&pool)
                .await
                .unwrap();
            pool.close().await;
            d
        })
    };
    assert_eq!(days(&db).len(), 4);
    let mut bot = Bot::start(&api, &db, &[("RUMBO_KEEP_COUNTERS_MONTHS", "2")]);
    let deadline = Instant::now() + WAIT;
    while days(&db).len() == 4 {
        assert!(Instant::now() < deadline, "old counters were kept");
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(days(&db), vec![day(60), day(1)]);
    assert_eq!(bot.stop(), 0, "{}", bot.log());
}
