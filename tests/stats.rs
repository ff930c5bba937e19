//! `rumbo stats` end to end, on a database like the bot's holding the counters of
//! `tests/fixtures/stats/counters.sql` (three weeks of simulated sessions, two rules versions,
//! two locales).
//!
//! The table, CSV and JSON outputs are compared whole with `tests/fixtures/stats/report.*`;
//! run with `RUMBO_UPDATE_FIXTURES=1` to rewrite them after a deliberate change, and review the
//! diff. Every output is also checked for the rule itself: no count from 1 to k−1 is printed.
//!
//! The HTML report is checked statically (self-contained, accessible, printable), then, when
//! Chromium is installed (`chromium` or `chromium-browser` on PATH; Debian's package is
//! `chromium`), opened headless: the charts must have a size, the page must fit a phone's width,
//! and the page must request nothing. Requests are caught inside the page (Resource Timing
//! lists every load it tried, failed or blocked, and Content-Security-Policy violations are
//! recorded) and, so that nothing leaves this machine whatever happens, Chromium's proxy is a
//! closed port on loopback. A control page with an external image proves the detection works.
//! Without Chromium the test says so on stderr and does the static checks only; with
//! `RUMBO_REQUIRE_CHROMIUM=1` (CI) a missing Chromium is a failure.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::str::FromStr;
use std::time::Duration;

use common::{assert_text, rumbo};
use rumbo::date::Date;
use serde_json::Value;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

const FIXTURES: &str = "tests/fixtures/stats";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Creates `dir/rumbo.db` as the bot does (WAL) and runs `sql` in it.
fn database_with(dir: &Path, sql: &str) -> PathBuf {
    let path = dir.join("rumbo.db");
    runtime().block_on(async {
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("create the database");
        sqlx::raw_sql(sql)
            .execute(&pool)
            .await
            .expect("run the SQL");
        pool.close().await;
    });
    path
}

/// The fixture's counters in a fresh database.
fn fixture_database(dir: &Path) -> PathBuf {
    let sql = std::fs::read_to_string(format!("{FIXTURES}/counters.sql")).expect("the fixture");
    database_with(dir, &sql)
}

fn url(path: &Path) -> String {
    format!("sqlite:{}", path.display())
}

/// `rumbo stats --db <db> ARGS`.
fn stats(db: &Path, args: &[&str]) -> Output {
    rumbo()
        .env_remove("RUMBO_DB")
        .env_remove("RUMBO_RULES")
        .arg("stats")
        .arg("--db")
        .arg(url(db))
        .args(args)
        .output()
        .expect("rumbo runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

#[track_caller]
fn assert_status(output: &Output, status: i32) {
    assert_eq!(
        output.status.code(),
        Some(status),
        "exit status\nstdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// Compares `actual` with the fixture file `name`, or rewrites it with RUMBO_UPDATE_FIXTURES.
#[track_caller]
fn assert_fixture(name: &str, actual: &str) {
    let path = format!("{FIXTURES}/{name}");
    if std::env::var_os("RUMBO_UPDATE_FIXTURES").is_some() {
        std::fs::write(&path, actual).expect("write the fixture");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_text(&path, &expected, actual);
}

/// Fields of the JSON report that hold rates or settings rather than counts.
const NOT_COUNTS: [&str; 6] = [
    "share",
    "per_session",
    "completion_rate",
    "drop_off",
    "format",
    "k",
];

/// Every count in the JSON report is 0, at least k, `"<k"` or `"hidden"`; returns how many
/// counts of each kind it saw (printed, `<k`, hidden).
fn check_counts(value: &Value, k: u64, seen: &mut (usize, usize, usize)) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match v {
                    Value::Number(n) if !NOT_COUNTS.contains(&key.as_str()) => {
                        let n = n
                            .as_u64()
                            .unwrap_or_else(|| panic!("{key}: {n} is a count"));
                        assert!(n == 0 || n >= k, "{key}: {n} is printed but below {k}");
                        seen.0 += 1;
                    }
                    Value::String(s) if s == &format!("<{k}") => seen.1 += 1,
                    Value::String(s) if s == "hidden" => seen.2 += 1,
                    other => check_counts(other, k, seen),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| check_counts(v, k, seen)),
        _ => {}
    }
}

fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output)).expect("the report is JSON")
}

#[test]
fn the_table_csv_and_json_reports_of_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    for (format, file) in [
        ("table", "report.txt"),
        ("csv", "report.csv"),
        ("json", "report.json"),
    ] {
        let output = stats(&db, &["--format", format]);
        assert_status(&output, 0);
        assert_eq!(stderr(&output), "");
        assert_fixture(file, &stdout(&output));
    }
    // The default format is the table.
    let output = stats(&db, &[]);
    assert_fixture("report.txt", &stdout(&output));
}

#[test]
fn no_count_below_k_is_printed_whatever_the_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    let cases: &[&[&str]] = &[
        &[],
        &["--by", "day"],
        &["--by", "month", "--k", "25"],
        &["--locale", "en", "--by", "day"],
        &[
            "--rules-version",
            "0f1e2d3c4b5a6978",
            "--from",
            "2025-03-12",
        ],
        &["--from", "2025-03-05", "--to", "2025-03-06", "--k", "3"],
    ];
    for args in cases {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        let output = stats(&db, &full);
        assert_status(&output, 0);
        let report = json(&output);
        let k = report["k"].as_u64().unwrap();
        let mut seen = (0, 0, 0);
        check_counts(&report, k, &mut seen);
        assert!(seen.0 > 0, "{args:?}: something is printed");
        assert!(seen.1 > 0, "{args:?}: something is below k");
        // The CSV says the same.
        let mut full = vec!["--format", "csv"];
        full.extend_from_slice(args);
        let csv = stdout(&stats(&db, &full));
        for line in csv.lines().skip(1) {
            let value = line.rsplit(',').next().unwrap();
            if let Ok(n) = value.parse::<u64>() {
                let section = line.split(',').next().unwrap();
                let is_rate = line.contains("share")
                    || line.contains("per_session")
                    || line.contains("completion_rate")
                    || line.contains("drop_off")
                    || section == "meta";
                assert!(is_rate || n == 0 || n >= k, "{args:?}: {line}");
            }
        }
    }
}

/// `rumbo stats --db <url> ARGS`, for any database URL.
fn stats_at(url: &str, args: &[&str]) -> Output {
    rumbo()
        .env_remove("RUMBO_DB")
        .env_remove("RUMBO_RULES")
        .arg("stats")
        .arg("--db")
        .arg(url)
        .args(args)
        .output()
        .expect("rumbo runs")
}

/// The bot on PostgreSQL keeps the same counters; the reports read from it must be the very
/// same, byte for byte, in every format and with every filter. The counters are copied from
/// the SQLite fixture through the bot's own store (migrations and all).
#[test]
fn postgresql_gives_the_same_reports_as_sqlite() {
    let rt = runtime();
    let Some(pg) = rt.block_on(common::postgres_database("stats")) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    // Before the bot ever ran there: a clear error, not an empty report.
    let output = stats_at(&pg, &[]);
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("no counters table"),
        "{}",
        stderr(&output)
    );
    rt.block_on(async {
        let source = sqlx::SqlitePool::connect(&url(&db)).await.unwrap();
        let rows: Vec<(String, String, String, String, String, i64)> =
            sqlx::query_as("SELECT day, rules_version, locale, metric, key, value FROM counters")
                .fetch_all(&source)
                .await
                .unwrap();
        assert!(rows.len() > 1000, "the fixture has counters");
        let rows: Vec<rumbo::store::CountRow> = rows
            .into_iter()
            .map(
                |(day, rules_version, locale, metric, key, n)| rumbo::store::CountRow {
                    day,
                    rules_version,
                    locale,
                    metric,
                    key,
                    n: n as u64,
                },
            )
            .collect();
        let store = rumbo::store::Store::open(&pg, Duration::from_secs(3600))
            .await
            .unwrap();
        store.add_count_rows(&rows).await.unwrap();
        store.close().await;
        source.close().await;
    });
    let cases: &[&[&str]] = &[
        &["--format", "json"],
        &["--format", "table", "--by", "day"],
        &["--format", "csv", "--by", "month", "--k", "25"],
        &["--format", "json", "--locale", "en", "--by", "day"],
        &[
            "--format",
            "json",
            "--rules-version",
            "a1b2c3d4e5f60718",
            "--locale",
            "es",
            "--from",
            "2025-03-04",
            "--to",
            "2025-03-12",
        ],
        &["--format", "html"],
    ];
    for args in cases {
        let lite = stats(&db, args);
        let post = stats_at(&pg, args);
        assert_status(&lite, 0);
        assert_status(&post, 0);
        assert_text(
            &format!("{args:?} on PostgreSQL"),
            &stdout(&lite),
            &stdout(&post),
        );
    }
    // Read-only: the reports' connection cannot write, whatever it is asked.
    rt.block_on(async {
        let source = rumbo::stats::open(&pg).await.unwrap();
        let rumbo::stats::Source::Postgres(pool) = &source else {
            panic!("a postgres:// URL opens PostgreSQL");
        };
        let refused = sqlx::query("DELETE FROM counters")
            .execute(pool)
            .await
            .expect_err("a write through the reports' connection");
        assert!(refused.to_string().contains("read-only"), "{refused}");
        source.close().await;
    });
}

#[test]
fn filters_and_periods_are_applied_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    let output = stats(
        &db,
        &[
            "--format",
            "json",
            "--rules-version",
            "a1b2c3d4e5f60718",
            "--locale",
            "es",
            "--from",
            "2025-03-04",
            "--to",
            "2025-03-12",
            "--by",
            "day",
        ],
    );
    assert_status(&output, 0);
    let r = json(&output);
    assert_eq!(r["from"], "2025-03-04");
    assert_eq!(r["to"], "2025-03-12");
    assert_eq!(r["by"], "day");
    assert_eq!(r["filters"]["rules_version"], "a1b2c3d4e5f60718");
    assert_eq!(r["filters"]["locale"], "es");
    let series = r["series"].as_array().unwrap();
    assert_eq!(series.len(), 9);
    assert_eq!(series[0]["period"], "2025-03-04");
    // One locale: the language list is that locale alone, holding every session started.
    let languages = r["languages"].as_array().unwrap();
    assert_eq!(languages.len(), 1);
    assert_eq!(languages[0]["key"], "es");
    assert_eq!(languages[0]["count"], r["overview"]["started"]);
    // Months cut by the range are labelled by month and carry the days inside it.
    let output = stats(&db, &["--format", "json", "--by", "month"]);
    let r = json(&output);
    let series = r["series"].as_array().unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0]["period"], "2025-03");
    assert_eq!(series[0]["start"], "2025-03-03");
    assert_eq!(series[0]["end"], "2025-03-23");
    // Weeks are labelled by their Monday.
    let output = stats(&db, &["--format", "json", "--from", "2025-03-05"]);
    let r = json(&output);
    assert_eq!(r["series"][0]["period"], "2025-03-03");
    assert_eq!(r["series"][0]["start"], "2025-03-05");
}

#[test]
fn a_missing_database_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("typo.db");
    let output = stats(&db, &[]);
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("no such database file"),
        "{}",
        stderr(&output)
    );
    assert!(!db.exists(), "rumbo stats created {}", db.display());
    // The default is sqlite:rumbo.db in the working directory, or RUMBO_DB.
    let output = rumbo()
        .current_dir(dir.path())
        .env_remove("RUMBO_DB")
        .arg("stats")
        .output()
        .unwrap();
    assert_status(&output, 2);
    assert!(stderr(&output).contains("rumbo.db"), "{}", stderr(&output));
    assert!(!dir.path().join("rumbo.db").exists());
    let real = fixture_database(dir.path());
    let output = rumbo()
        .env("RUMBO_DB", url(&real))
        .args(["stats", "--format", "json"])
        .output()
        .unwrap();
    assert_status(&output, 0);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    for (args, says) in [
        (
            &["--from", "2025-03-10", "--to", "2025-03-01"][..],
            "is after",
        ),
        (&["--k", "2"], "at least 3"),
        (&["--from", "2025-02-30"], "that month has 28 days"),
        (&["--by", "year"], "day, week or month"),
        (&["--format", "pdf"], "table, csv, json or html"),
        (&["--out", "/nonexistent-folder/report.html"], "nonexistent"),
    ] {
        let output = stats(&db, args);
        assert_status(&output, 2);
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    // A database the bot wrote before it counted: said plainly.
    let old = tempfile::tempdir().unwrap();
    let db = database_with(
        old.path(),
        "CREATE TABLE sessions (chat_id INTEGER PRIMARY KEY);",
    );
    let output = stats(&db, &[]);
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("no counters table"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_database_is_only_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    let before = std::fs::read(&db).unwrap();
    let output = stats(&db, &["--format", "json"]);
    assert_status(&output, 0);
    assert_eq!(std::fs::read(&db).unwrap(), before, "the database changed");
    // Reading while the bot holds it open in WAL mode, with rows still in the WAL.
    let url = url(&db);
    runtime().block_on(async {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(
                SqliteConnectOptions::from_str(&url)
                    .unwrap()
                    .journal_mode(SqliteJournalMode::Wal),
            )
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO counters VALUES ('2025-03-24', 'a1b2c3d4e5f60718', 'es', 'started', 'clinic', 12)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let output = stats(&db, &["--format", "json", "--from", "2025-03-24"]);
        assert_status(&output, 0);
        assert_eq!(json(&output)["overview"]["started"], 12);
        pool.close().await;
    });
}

#[test]
fn an_empty_table_gives_an_empty_report() {
    let dir = tempfile::tempdir().unwrap();
    let sql = std::fs::read_to_string(format!("{FIXTURES}/counters.sql")).unwrap();
    let create = &sql[..sql.find("INSERT").unwrap()];
    let db = database_with(dir.path(), create);
    let output = stats(&db, &["--format", "json"]);
    assert_status(&output, 0);
    let r = json(&output);
    assert_eq!(r["from"], Value::Null);
    assert_eq!(r["overview"]["started"], 0);
    assert_eq!(r["series"], serde_json::json!([]));
    let output = stats(&db, &[]);
    assert!(stdout(&output).starts_with("Rumbo statistics, no counters"));
    let output = stats(&db, &["--format", "html"]);
    assert_status(&output, 0);
}

#[test]
fn out_writes_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    let file = dir.path().join("report.csv");
    let output = stats(&db, &["--format", "csv", "--out", file.to_str().unwrap()]);
    assert_status(&output, 0);
    assert_eq!(stdout(&output), "");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.starts_with("section,group,key,value\nmeta,,format,1\n"));
}

#[test]
fn the_summary_for_admins_is_short_and_suppressed() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    let d = |s: &str| Date::from_str(s).unwrap();
    let (en, es, tiny) = runtime().block_on(async {
        let pool = rumbo::stats::open(&url(&db)).await.unwrap();
        let en = rumbo::stats::summary(&pool, d("2025-03-17"), d("2025-03-23"), 10, "en")
            .await
            .unwrap();
        let es = rumbo::stats::summary(&pool, d("2025-03-17"), d("2025-03-23"), 10, "es-CO")
            .await
            .unwrap();
        let tiny = rumbo::stats::summary(&pool, d("2025-03-23"), d("2025-03-23"), 10, "en")
            .await
            .unwrap();
        (en, es, tiny)
    });
    assert_text(
        "summary",
        r#"
Statistics 2025-03-17 – 2025-03-23
Sessions started: 117
Completed: 93 (79.5%)
Results: open 80, may apply 13, upcoming 25, closed 40
Most frequent outcomes:
  safe_mobility: 72 (open 59, may apply 13)
  pep_tutor: 40 (closed 40)
  regularization_2025: 25 (upcoming 25)
  asylum: 21 (open 21)
Languages: es 96, en 21
Counts below 10 are shown as <10; "hidden" hides a count so that a small one cannot be worked out."#,
        &en,
    );
    assert!(es.starts_with("Estadísticas 2025-03-17 – 2025-03-23\nSesiones iniciadas: 117\n"));
    assert!(es.contains("menores que 10"));
    // One day: small numbers, suppressed.
    for line in tiny.lines() {
        for word in line.split([' ', ',', '(', ')', ':']) {
            if let Ok(n) = word.parse::<u64>() {
                assert!(
                    n == 0 || n >= 10 || line.starts_with("Statistics"),
                    "{line}"
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// HTML

/// Static checks: one file that needs nothing from outside, with what phones, printers and
/// screen readers need.
fn check_html_statically(html: &str) {
    for needed in [
        "<!doctype html>",
        r#"<html lang="en">"#,
        r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#,
        r#"content="default-src 'none'; style-src 'unsafe-inline'; img-src data:""#,
        "@media print",
        "Counts from 1 to 9 are shown as &lt;10",
    ] {
        assert!(html.contains(needed), "the report lacks {needed}");
    }
    // Nothing to fetch: no address, no script, no external reference of any kind.
    for banned in [
        "://",
        "<script",
        "<link",
        "<iframe",
        "<object",
        "<embed",
        " src=",
        " href=",
        "url(",
        "@import",
        "@font-face",
    ] {
        assert!(!html.contains(banned), "the report contains `{banned}`");
    }
    // Each chart is an inline SVG with text alternatives, next to a table.
    let charts = html.matches(r#"<svg class="chart""#).count();
    assert_eq!(charts, 4, "funnel, sessions, outcomes and languages charts");
    for svg in html.split(r#"<svg class="chart""#).skip(1) {
        let head = &svg[..svg.find('>').unwrap()];
        assert!(head.contains(r#"role="img""#) && head.contains("aria-label="));
        assert!(svg.contains("<title id=") && svg.contains("<desc id="));
    }
    assert!(html.matches("<table>").count() >= charts);
    assert!(html.matches(r#"<th scope="col">"#).count() > 10);
}

/// The first of `chromium`, `chromium-browser` on PATH.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

/// Adds to a copy of `html` a script that records, into attributes of `<body>`, the size of
/// every chart, bar and line, every resource the page tried to load, every load the
/// Content-Security-Policy blocked, and whether the page is wider than the window. The copy's
/// policy also allows that inline script (and nothing else).
fn probe(html: &str) -> String {
    const FIRST: &str = "<script>window.blocked = [];\
        document.addEventListener('securitypolicyviolation', e => window.blocked.push(e.blockedURI));</script>";
    const LAST: &str = "<script>window.addEventListener('load', () => setTimeout(() => {\
        const b = document.body;\
        for (const el of document.querySelectorAll('svg.chart, rect.bar, polyline.line')) {\
          const r = el.getBoundingClientRect();\
          el.setAttribute('data-box', Math.round(r.width) + 'x' + Math.round(r.height)); }\
        b.setAttribute('data-resources', performance.getEntriesByType('resource').map(r => r.name).join(' '));\
        b.setAttribute('data-blocked', window.blocked.join(' '));\
        b.setAttribute('data-overflow', String(document.documentElement.scrollWidth > window.innerWidth));\
        b.setAttribute('data-probed', 'yes');\
        }, 100));</script>";
    html.replacen("<head>", &format!("<head>{FIRST}"), 1)
        .replace(
            "img-src data:\"",
            "img-src data:; script-src 'unsafe-inline'\"",
        )
        .replace("</body>", &format!("{LAST}</body>"))
}

/// Runs headless Chromium on `page`; every request it makes goes to a closed port on
/// loopback, so nothing leaves the machine (Chromium makes some of its own).
fn headless(chromium: &Path, profile: &Path, extra: &[&str], page: &Path) -> Output {
    let mut cmd = assert_cmd::Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--virtual-time-budget=5000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()))
    .timeout(Duration::from_secs(120));
    cmd.output().expect("chromium runs")
}

/// The attribute `name` of the `<body>` in a dumped DOM.
fn body_attribute(dom: &str, name: &str) -> String {
    let body = &dom[dom.find("<body").expect("a body")..];
    let body = &body[..body.find('>').unwrap()];
    let start = body
        .find(&format!("{name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {body}"))
        + name.len()
        + 2;
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

/// The `data-box` sizes of the elements whose opening tag starts with `tag`.
fn boxes(dom: &str, tag: &str) -> Vec<(u32, u32)> {
    dom.split(tag)
        .skip(1)
        .map(|rest| {
            let open = &rest[..rest.find('>').unwrap()];
            let start = open.find("data-box=\"").expect("measured") + 10;
            let size = &open[start..start + open[start..].find('"').unwrap()];
            let (w, h) = size.split_once('x').unwrap();
            (w.parse().unwrap(), h.parse().unwrap())
        })
        .collect()
}

#[test]
fn the_html_report_is_self_contained_and_renders_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_database(dir.path());
    let report = dir.path().join("report.html");
    let output = stats(
        &db,
        &["--format", "html", "--out", report.to_str().unwrap()],
    );
    assert_status(&output, 0);
    let html = std::fs::read_to_string(&report).unwrap();
    check_html_statically(&html);

    let Some(chromium) = chromium() else {
        assert!(
            std::env::var_os("RUMBO_REQUIRE_CHROMIUM").is_none(),
            "RUMBO_REQUIRE_CHROMIUM is set but chromium is not on PATH"
        );
        eprintln!(
            "NOTE: chromium is not installed (looked for `chromium` and `chromium-browser` on \
             PATH): the HTML report was checked statically only, not rendered. Install Debian's \
             `chromium` package to run the browser checks."
        );
        return;
    };
    let profile = dir.path().join("profile");

    // The charts render with a size, on a phone-sized window, and nothing is requested.
    let probed = dir.path().join("probe.html");
    std::fs::write(&probed, probe(&html)).unwrap();
    let output = headless(
        &chromium,
        &profile,
        &["--window-size=390,844", "--dump-dom"],
        &probed,
    );
    let dom = stdout(&output);
    assert_eq!(
        body_attribute(&dom, "data-probed"),
        "yes",
        "the probe ran\n{}",
        stderr(&output)
    );
    assert_eq!(body_attribute(&dom, "data-resources"), "", "requests made");
    assert_eq!(body_attribute(&dom, "data-blocked"), "", "requests blocked");
    assert_eq!(
        body_attribute(&dom, "data-overflow"),
        "false",
        "wider than a phone"
    );
    let charts = boxes(&dom, r#"<svg class="chart""#);
    assert_eq!(charts.len(), 4);
    for (w, h) in &charts {
        assert!(*w > 100 && *h > 50, "a chart of {w}x{h}");
    }
    let bars = boxes(&dom, r#"<rect class="bar""#);
    assert!(bars.len() >= 8, "{} bars", bars.len());
    assert!(bars.iter().all(|&(w, h)| w > 0 && h > 0), "{bars:?}");
    let lines = boxes(&dom, r#"<polyline class="line""#);
    assert!(lines.len() >= 2, "{} lines", lines.len());
    assert!(lines.iter().all(|&(w, _)| w > 0), "{lines:?}");

    // The detection itself works: a page with an external image and a stylesheet background
    // shows both as requested.
    let control = dir.path().join("control.html");
    std::fs::write(
        &control,
        probe(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\
             <img src=\"http://rumbo-test.invalid/a.png\">\
             <p style=\"background: url(https://rumbo-test.invalid/b.png)\">x</p></body></html>",
        ),
    )
    .unwrap();
    let output = headless(&chromium, &profile, &["--dump-dom"], &control);
    let requested = body_attribute(&stdout(&output), "data-resources");
    assert!(
        requested.contains("rumbo-test.invalid/a.png")
            && requested.contains("rumbo-test.invalid/b.png"),
        "the control page's requests were not seen: {requested:?}"
    );

    // The report itself (not the probe) also loads and draws as shipped.
    let shot = dir.path().join("phone.png");
    let output = headless(
        &chromium,
        &profile,
        &[
            "--window-size=390,844",
            "--hide-scrollbars",
            &format!("--screenshot={}", shot.display()),
        ],
        &report,
    );
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10_000,
        "a screenshot of {size} bytes\n{}",
        stderr(&output)
    );
}

/// The funnel follows the question order of the rules (`--rules`; the built-in rules by
/// default); a question the rules do not have follows, by times shown; a broken rules file is
/// an error, not a silently different order.
#[test]
fn the_funnel_follows_the_interview_order_of_the_rules() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = fixture_database(dir.path());
    let rules = dir.path().join("order.yaml");
    std::fs::write(
        &rules,
        "rumbo: 1\nid: order\nreviewed: 2026-11-01\nquestions:\n\
         - id: has_passport\n  choices: [with, without]\n\
         - id: age_band\n  choices: [adult, minor]\n\
         - id: location\n  choices: [colombia, ecuador]\n\
         outcomes:\n- id: any\n  when: { location: colombia }\n",
    )
    .expect("write the rules");
    let rules_arg = rules.display().to_string();
    let output = stats(&db, &["--format", "json", "--rules", &rules_arg]);
    assert_status(&output, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("json");
    let order: Vec<&str> = report["funnel"]
        .as_array()
        .expect("a funnel")
        .iter()
        .map(|q| q["question"].as_str().expect("an id"))
        .collect();
    assert_eq!(
        order[..3],
        ["has_passport", "age_band", "location"],
        "{order:?}"
    );
    assert!(order[3..].contains(&"nationality"), "{order:?}");

    std::fs::write(&rules, "rumbo: 1\nquestions: [\n").expect("write");
    let output = stats(&db, &["--rules", &rules_arg]);
    assert_status(&output, 2);
    assert!(
        stderr(&output).contains("order.yaml"),
        "{}",
        stderr(&output)
    );
}
