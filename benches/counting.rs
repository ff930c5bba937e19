//! What counting costs per update: the store work every update does (load the session, save
//! it) with and without adding its counters, on a real SQLite file in WAL mode. The counts are
//! those of a typical step (an answer, its choice, the next question shown), produced by the
//! conversation itself. Run with `cargo bench --bench counting`.
//!
//! `mode`: `none` (no counting), `each` (one counter transaction per update, as
//! `rumbo chat --record` does) and `batched` (the bot: counts gathered in memory and written in
//! one transaction a second; here one per 1,000 updates, about a second at full load).

use std::sync::LazyLock;
use std::time::Duration;

use divan::Bencher;

use rumbo::check::{self, RuleSet};
use rumbo::conversation::{self, ChatState, Context, Event};
use rumbo::date::Date;
use rumbo::files;
use rumbo::store::{CountRow, Store};

fn main() {
    divan::main();
}

fn today() -> Date {
    Date::new(2023, 11, 1).expect("a real date")
}

static SHIPPED: LazyLock<RuleSet> = LazyLock::new(|| {
    check::load(&files::embedded(), today())
        .rule_set
        .expect("the shipped rules are clean")
});

/// How many chats the updates rotate over.
const CHATS: i64 = 1_000;

/// The state after `/start` and the counters of the step that answers the first question.
fn state_and_counts() -> (ChatState, Vec<(&'static str, String)>) {
    let ctx = Context {
        set: &SHIPPED,
        client_lang: Some("es"),
        today: today(),
        expired: false,
        unreadable: false,
    };
    let started = conversation::handle(None, Event::from_text("/start"), &ctx);
    let state = started.state.expect("a state");
    let answered = conversation::handle(Some(state.clone()), Event::from_text("1"), &ctx);
    assert!(answered.counts.len() >= 2, "{:?}", answered.counts);
    (state, answered.counts)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

/// Updates per batched write.
const BATCH: u32 = 1_000;

#[divan::bench(args = ["none", "each", "batched"], sample_count = 30, sample_size = 100)]
fn update(bencher: Bencher, mode: &str) {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let url = format!("sqlite:{}", dir.path().join("bench.db").display());
    let store = rt
        .block_on(Store::open(&url, Duration::from_secs(24 * 3600)))
        .expect("a store");
    let (state, counts) = state_and_counts();
    let version = SHIPPED.rules.version.clone();
    let mut chat = 0;
    let mut pending: std::collections::HashMap<(&'static str, String), u64> = Default::default();
    let mut since_flush = 0;
    bencher.bench_local(|| {
        chat = chat % CHATS + 1;
        rt.block_on(async {
            let loaded = store.load(chat, 1_000).await.expect("load");
            store
                .save(chat, &state, loaded.version, loaded.active_at, 1_000)
                .await
                .expect("save");
            match mode {
                "each" => store
                    .add_counts("2023-11-01", &version, "es", &counts)
                    .await
                    .expect("count"),
                "batched" => {
                    for (metric, key) in &counts {
                        *pending.entry((metric, key.clone())).or_default() += 1;
                    }
                    since_flush += 1;
                    if since_flush == BATCH {
                        since_flush = 0;
                        let rows: Vec<CountRow> = pending
                            .drain()
                            .map(|((metric, key), n)| CountRow {
                                day: "2023-11-01".into(),
                                rules_version: version.clone(),
                                locale: "es".into(),
                                metric: metric.into(),
                                key,
                                n,
                            })
                            .collect();
                        store.add_count_rows(&rows).await.expect("count");
                    }
                }
                _ => {}
            }
        })
    });
    rt.block_on(store.close());
}
