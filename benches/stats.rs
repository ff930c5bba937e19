//! `rumbo stats` over a year of counters for 100 rules versions. Run with
//! `cargo bench --bench stats`.
//!
//! The database is generated once, outside the timed part: 365 days, 100 rules versions (each
//! live for its share of the year, and still counting for a week after the next one arrives,
//! as sessions finish on the version they started on), three locales, and per day, version and
//! locale about 300 keys: 8 sources, 20 questions with 4 choices each, 12 outcomes in every
//! status, 96 combinations of two report dimensions, expiries at every question. That is the
//! shape of a busy deployment that updates its rules twice a week; counts are random, many
//! below k, so suppression has work to do. The timed part is what `rumbo stats` does: read
//! (read-only) and build the suppressed report, then print it.

use std::fmt::Write as _;
use std::time::Duration;

use divan::Bencher;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};

use rumbo::date::Date;
use rumbo::stats::format::{self, Format};
use rumbo::stats::{By, Filters};

fn main() {
    divan::main();
}

const VERSIONS: usize = 100;
const DAYS: i64 = 365;
const LOCALES: [&str; 3] = ["es", "en", "fr"];
const STATUSES: [&str; 4] = ["open", "maybe", "upcoming", "closed"];

/// A small deterministic generator (xorshift), so every run reads the same database.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// The rows of one day, version and locale.
fn rows(day: Date, version: &str, locale: &str, random: &mut Random, out: &mut Vec<String>) {
    let mut push = |metric: &str, key: &str, value: u64| {
        if value > 0 {
            out.push(format!(
                "('{day}','{version}','{locale}','{metric}','{key}',{value})"
            ));
        }
    };
    let scale = if locale == "es" { 40 } else { 8 };
    for s in 0..8 {
        push("started", &format!("source_{s}"), random.below(scale));
    }
    for q in 0..20 {
        let question = format!("question_{q:02}");
        push("shown", &question, random.below(scale * 2));
        push("answered", &question, random.below(scale * 2));
        for c in 0..4 {
            push(
                "answered_choice",
                &format!("{question}:choice_{c}"),
                random.below(scale / 2 + 1),
            );
        }
        push("expired", &question, random.below(3));
    }
    for metric in ["back", "change", "restart", "completed", "deleted"] {
        push(metric, "", random.below(scale));
    }
    push("switch", "en", random.below(4));
    push("switch", "es", random.below(4));
    for o in 0..12 {
        for status in STATUSES {
            push(
                "result",
                &format!("outcome_{o:02}:{status}"),
                random.below(scale),
            );
        }
    }
    for location in 0..8 {
        for nationality in 0..3 {
            for status in STATUSES {
                push(
                    "result_by",
                    &format!(
                        "location=place_{location},nationality=country_{nationality}|outcome_{:02}:{status}",
                        (location + nationality) % 12
                    ),
                    random.below(scale / 4 + 1),
                );
            }
        }
    }
}

/// Writes the year of counters to `path`; returns the number of rows.
async fn generate(path: &std::path::Path) -> usize {
    // The bot's own schema (every migration, with the index the report reads), then plain
    // inserts: faster than going through `add_counts` one update at a time.
    let url = format!("sqlite:{}", path.display());
    rumbo::store::Store::open(&url, Duration::from_secs(3600))
        .await
        .expect("create the database")
        .close()
        .await;
    let options = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("open the database");
    let start = Date::new(2025, 1, 1).expect("a date");
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut total = 0;
    let per_version = DAYS as f64 / VERSIONS as f64;
    for d in 0..DAYS {
        let day = start.add_days(d);
        let mut values = Vec::new();
        for v in 0..VERSIONS {
            // Version v arrives on day v * 3.65 and counts until a week after v + 1 arrives.
            let first = (v as f64 * per_version) as i64;
            let last = ((v + 1) as f64 * per_version) as i64 + 7;
            if d < first || d > last {
                continue;
            }
            let version = format!("{:016x}", 0x1000_0000_0000_0000u64 + v as u64);
            for locale in LOCALES {
                rows(day, &version, locale, &mut random, &mut values);
            }
        }
        total += values.len();
        let mut tx = pool.begin().await.expect("a transaction");
        for chunk in values.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO counters (day, rules_version, locale, metric, key, value) VALUES ",
            );
            let _ = write!(sql, "{}", chunk.join(","));
            sqlx::query(&sql)
                .execute(&mut *tx)
                .await
                .expect("insert counters");
        }
        tx.commit().await.expect("commit");
    }
    pool.close().await;
    total
}

/// The database, generated once for every benchmark in this file.
fn database() -> &'static str {
    static URL: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    &URL.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("year.db");
        let started = std::time::Instant::now();
        let rows = runtime().block_on(generate(&path));
        eprintln!(
            "generated {rows} counter rows in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let url = format!("sqlite:{}", path.display());
        (dir, url)
    })
    .1
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Opens the generated database (generate it first: that blocks on a runtime of its own).
async fn open(url: &str) -> rumbo::stats::Source {
    rumbo::stats::open(url).await.expect("open")
}

/// The whole of `rumbo stats --by <by>` but the printing: open, read, suppress.
#[divan::bench(args = ["week", "day"], sample_count = 10, sample_size = 1, max_time = Duration::from_secs(60))]
fn report(bencher: Bencher, by: &str) {
    let by: By = by.parse().expect("a period");
    let rt = runtime();
    let url = database();
    bencher.bench_local(|| {
        rt.block_on(async {
            let pool = open(url).await;
            let report = rumbo::stats::report(&pool, &Filters::default(), by, 10)
                .await
                .expect("a report");
            pool.close().await;
            report
        })
    });
}

/// One rules version and one locale: the filters narrow the read.
#[divan::bench(sample_count = 10, sample_size = 1, max_time = Duration::from_secs(60))]
fn report_filtered(bencher: Bencher) {
    let rt = runtime();
    let url = database();
    let filters = Filters {
        rules_version: Some(format!("{:016x}", 0x1000_0000_0000_0000u64 + 50)),
        locale: Some("en".into()),
        ..Filters::default()
    };
    bencher.bench_local(|| {
        rt.block_on(async {
            let pool = open(url).await;
            let report = rumbo::stats::report(&pool, &filters, By::Week, 10)
                .await
                .expect("a report");
            pool.close().await;
            report
        })
    });
}

/// Printing a built report (weeks) in each format.
#[divan::bench(args = ["table", "csv", "json", "html"], sample_count = 20)]
fn print(bencher: Bencher, format: &str) {
    let format: Format = format.parse().expect("a format");
    let url = database();
    let report = runtime().block_on(async {
        let pool = open(url).await;
        rumbo::stats::report(&pool, &Filters::default(), By::Week, 10)
            .await
            .expect("a report")
    });
    bencher.bench_local(|| {
        let mut out = Vec::with_capacity(256 * 1024);
        format::write(&report, format, &mut out).expect("write");
        out
    });
}
