//! End-to-end benchmarks: the real `rumbo run` (the release binary) against the in-tree fake
//! Bot API (`tests/support/fake_api.rs`) over HTTP on loopback, driven by simulated people.
//! Not a divan benchmark: each scenario is one long run that prints a summary table.
//!
//! ```sh
//! cargo bench --bench e2e                           # every scenario, full sizes (~15 min)
//! E2E_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench e2e
//! E2E_ONLY=load E2E_USERS=100 cargo bench --bench e2e   # a quick look
//! ```
//!
//! Scenarios (`E2E_ONLY`, comma-separated; default all):
//!
//! * `load`: `E2E_USERS` people (default 1,000) at once, each doing a whole interview (`/start`,
//!   eight answers by button, "see my result": 10 updates), each sending the next update as
//!   soon as the screen it needs arrives. Run on rumbo with SQLite, with SQLite and
//!   `--no-counters`, with PostgreSQL (when `E2E_POSTGRES` names a server; a database is
//!   created and dropped for the run), and on a bare teloxide bot built into this binary that
//!   only echoes (a message: its text back with five buttons; a press: answered, then its data
//!   back with the buttons). Rumbo runs with `--no-pacing` here, the echo bot has no pacing
//!   either: with Telegram's 30 messages a second both would measure the limit, not the code.
//! * `memory`: `E2E_CHATS` distinct chats (default 100,000) each send `/start` and press the
//!   first answer, `E2E_CONCURRENT` (default 1,000) at a time; the peak resident memory
//!   (`VmHWM`) and the resident memory now (`VmRSS`) of `rumbo run` along the way.
//! * `burst`: `E2E_BURST` people (default 5,000) each send `/start`, evenly spread over
//!   `E2E_BURST_SECONDS` (default 60), to rumbo as deployed (paced to Telegram's limits) while
//!   the fake answers 429 (`retry_after`) beyond 30 messages a second: everyone must get their
//!   first question, none twice, and the delay to it is reported.
//!
//! Latency is measured on the fake's clock: from the moment an update is queued to the first
//! request the bot makes for that chat (`first reply`: for a press, usually answering it) and
//! to the message the person needs next (`next screen`: the next question, or the result).

#[path = "../tests/support/fake_api.rs"]
mod fake_api;
#[path = "../tests/support/process.rs"]
mod process;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fake_api::{FakeApi, FakeState, Recorded};
use process::Rumbo;
use serde_json::Value;

/// Venezuelan in Colombia (as in `tests/support/people.rs`): the answers by position, then
/// the last answer button ("see my result").
const INTERVIEW: [usize; 9] = [0, 0, 3, 0, 0, 1, 1, 1, usize::MAX];

fn main() {
    if std::env::var_os("E2E_ECHO_BOT").is_some() {
        echo_bot();
        return;
    }
    let only = std::env::var("E2E_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|s| s.trim() == name);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!(
        "machine: {} cores, load average {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
    if wanted("load") {
        load(&runtime);
    }
    if wanted("memory") {
        memory(&runtime);
    }
    if wanted("burst") {
        burst(&runtime);
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

// --- the bots ------------------------------------------------------------------------------

/// The bot under test, stopped (killed) when dropped.
enum Bot {
    Rumbo(Rumbo),
    Echo(Child),
}

impl Bot {
    fn rumbo(api: &FakeApi, db: &str, args: &[&str]) -> Bot {
        let bot = Rumbo::spawn(api, db, args, &[]);
        wait_for_polling(api, || bot.log());
        Bot::Rumbo(bot)
    }

    fn echo(api: &FakeApi) -> Bot {
        let mut cmd = Command::new(std::env::current_exe().expect("the bench binary"));
        cmd.env("E2E_ECHO_BOT", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in api.env() {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("the echo bot starts");
        wait_for_polling(api, String::new);
        Bot::Echo(child)
    }

    fn pid(&self) -> u32 {
        match self {
            Bot::Rumbo(r) => r.pid(),
            Bot::Echo(c) => c.id(),
        }
    }

    /// Warnings in rumbo's log (none expected), each distinct one printed once.
    fn warnings(&self) -> usize {
        let Bot::Rumbo(r) = self else {
            return 0;
        };
        let log = r.log();
        let warnings: Vec<&str> = log.lines().filter(|l| l.contains(" WARN ")).collect();
        // One line per kind: without numbers (timings), and cut short.
        let mut distinct: Vec<String> = warnings
            .iter()
            .map(|l| {
                let rest = l.split_once(" WARN ").map_or(*l, |(_, rest)| rest);
                rest.chars()
                    .filter(|c| !c.is_ascii_digit())
                    .take(120)
                    .collect()
            })
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        for w in distinct {
            println!("  warning: {w}");
        }
        warnings.len()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if let Bot::Echo(child) = self {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_for_polling(api: &FakeApi, log: impl Fn() -> String) {
    if let Err(e) = api.wait_until_blocking(
        |s| s.count_requests("getUpdates") > 0,
        Duration::from_secs(60),
    ) {
        panic!("the bot never polled: {e}\n{}", log());
    }
}

/// The bare teloxide bot the `load` scenario compares rumbo with: the same dispatcher
/// (default distribution: one worker per chat), no adaptor, only echoes.
fn echo_bot() {
    use teloxide::prelude::*;
    use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

    fn keyboard() -> InlineKeyboardMarkup {
        InlineKeyboardMarkup::new((0..5).map(|i| {
            [InlineKeyboardButton::callback(
                format!("{i}"),
                format!("{i}"),
            )]
        }))
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let token = std::env::var("TELOXIDE_TOKEN").expect("a token");
        let url = std::env::var("TELOXIDE_API_URL").expect("the fake's URL");
        let bot = teloxide::Bot::new(token).set_api_url(url.parse().expect("a URL"));
        let handler = dptree::entry()
            .branch(Update::filter_message().endpoint(
                |bot: teloxide::Bot, msg: Message| async move {
                    let text = msg.text().unwrap_or("?").to_owned();
                    bot.send_message(msg.chat.id, text)
                        .reply_markup(keyboard())
                        .await?;
                    ResponseResult::Ok(())
                },
            ))
            .branch(Update::filter_callback_query().endpoint(
                |bot: teloxide::Bot, q: CallbackQuery| async move {
                    bot.answer_callback_query(q.id.clone()).await?;
                    if let Some(message) = &q.message {
                        let data = q.data.clone().unwrap_or_default();
                        bot.send_message(message.chat().id, data)
                            .reply_markup(keyboard())
                            .await?;
                    }
                    ResponseResult::Ok(())
                },
            ));
        Dispatcher::builder(bot, handler)
            .default_handler(|_| async {})
            .build()
            .dispatch()
            .await;
    });
}

// --- the people ------------------------------------------------------------------------------

/// What the simulated people do.
struct Plan {
    /// How many people, chats `first_chat..first_chat + people`.
    people: usize,
    /// At most this many in the middle of their updates at once (`usize::MAX`: no limit).
    concurrent: usize,
    /// After `/start`, the answer buttons pressed, by position among the answers
    /// (`usize::MAX`: the last).
    presses: Vec<usize>,
    /// `Some(gap)`: person `k` starts `k * gap` after the first, whatever the bot does.
    arrival_gap: Option<Duration>,
    /// The first person's chat id (the others follow).
    first_chat: i64,
}

#[derive(Default)]
struct Measured {
    updates: usize,
    /// From the first update queued to the last request of the bot.
    wall: Duration,
    first_reply: Vec<Duration>,
    next_screen: Vec<Duration>,
    /// Per person, in the order they started: when they got their first screen.
    first_screen_at: Vec<Option<Instant>>,
    /// When the first update was queued.
    start: Option<Instant>,
}

struct Person {
    chat: i64,
    /// Updates sent so far.
    sent: usize,
    pushed_at: Instant,
    replied: bool,
    /// The press waiting for an answer, to tell its reply apart.
    press: Option<String>,
}

/// Runs `plan` against the bot behind `api`; `progress(done)` is called as people finish.
fn drive(api: &FakeApi, plan: &Plan, mut progress: impl FnMut(usize)) -> Measured {
    let steps = 1 + plan.presses.len();
    let mut out = Measured {
        first_screen_at: vec![None; plan.people],
        ..Measured::default()
    };
    let mut people: Vec<Person> = Vec::with_capacity(plan.people);
    // Chat (or press id) -> person index, for those waiting.
    let mut waiting: HashMap<i64, usize> = HashMap::new();
    let mut presses: HashMap<String, i64> = HashMap::new();
    let mut cursor = api.with_state(|s| s.requests().len());
    let start = Instant::now();
    let mut done = 0;
    let deadline = Duration::from_secs(3600);
    while done < plan.people {
        // Newcomers.
        while people.len() < plan.people && waiting.len() < plan.concurrent {
            if let Some(gap) = plan.arrival_gap
                && start + gap * people.len() as u32 > Instant::now()
            {
                break;
            }
            let chat = plan.first_chat + people.len() as i64;
            let pushed_at = Instant::now();
            api.push_command(chat, chat as u64, "/start", Some("en"));
            waiting.insert(chat, people.len());
            people.push(Person {
                chat,
                sent: 1,
                pushed_at,
                replied: false,
                press: None,
            });
        }
        std::thread::sleep(Duration::from_millis(1));
        assert!(start.elapsed() < deadline, "the run never ended");
        // What the bot did since the last look: who has the screen they were waiting for, and
        // the button they press next.
        let mut ready: Vec<(usize, Option<(i32, String)>)> = Vec::new();
        api.with_state(|s: &FakeState| {
            let requests = s.requests();
            while cursor < requests.len() {
                let r: &Recorded = &requests[cursor];
                if r.method == "getupdates" {
                    cursor += 1;
                    continue;
                }
                let Some(status) = r.status else {
                    break; // still being answered
                };
                cursor += 1;
                let chat = r.body.get("chat_id").and_then(Value::as_i64).or_else(|| {
                    r.body
                        .get("callback_query_id")
                        .and_then(Value::as_str)
                        .and_then(|id| presses.get(id).copied())
                });
                let Some(&who) = chat.and_then(|c| waiting.get(&c)) else {
                    continue;
                };
                let p = &mut people[who];
                if !p.replied {
                    p.replied = true;
                    out.first_reply.push(r.at - p.pushed_at);
                }
                if !(r.method == "sendmessage" && status == 200 && has_callback(&r.body)) {
                    continue;
                }
                out.next_screen.push(r.at - p.pushed_at);
                if p.sent == 1 {
                    out.first_screen_at[who] = Some(r.at);
                }
                if let Some(id) = p.press.take() {
                    presses.remove(&id);
                }
                waiting.remove(&p.chat);
                let next = (p.sent < steps).then(|| {
                    let n = plan.presses[p.sent - 1];
                    next_press(s, p.chat, n)
                });
                ready.push((who, next));
            }
        });
        for (who, next) in ready {
            let p = &mut people[who];
            match next {
                None => {
                    done += 1;
                }
                Some((message, data)) => {
                    p.pushed_at = Instant::now();
                    p.replied = false;
                    p.sent += 1;
                    let id = api.push_callback(p.chat, p.chat as u64, message, &data);
                    presses.insert(id.clone(), p.chat);
                    p.press = Some(id);
                    waiting.insert(p.chat, who);
                }
            }
        }
        progress(done);
    }
    // Then the rest of the last replies (a result is several messages).
    let mut seen = 0;
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = api.with_state(|s| s.requests().len() - s.count_requests("getUpdates"));
        if now == seen {
            break;
        }
        seen = now;
    }
    let last = api.with_state(|s| {
        s.requests()
            .iter()
            .filter(|r| r.method != "getupdates" && r.at >= start)
            .map(|r| r.at)
            .max()
    });
    out.updates = plan.people * steps;
    out.start = Some(start);
    out.wall = last.map_or(Duration::ZERO, |t| t - start);
    out
}

/// Whether a sendMessage carries buttons that call back (a screen to answer).
fn has_callback(body: &Value) -> bool {
    body.pointer("/reply_markup/inline_keyboard")
        .and_then(Value::as_array)
        .is_some_and(|rows| {
            rows.iter()
                .filter_map(Value::as_array)
                .flatten()
                .any(|b| b.get("callback_data").is_some())
        })
}

/// The `n`th answer button (Back and Start over left out; `usize::MAX`: the last) of the
/// newest message with buttons in `chat`: the message id and the button's data.
fn next_press(s: &FakeState, chat: i64, n: usize) -> (i32, String) {
    let messages = s.chat_messages(chat);
    let last = messages
        .iter()
        .rev()
        .find(|m| !m.buttons().is_empty())
        .unwrap_or_else(|| panic!("chat {chat}: no buttons\n{}", s.transcript(chat)));
    let answers = last.answer_data();
    let n = n.min(answers.len().saturating_sub(1));
    (last.message_id, answers[n].clone())
}

// --- reporting -------------------------------------------------------------------------------

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

struct Row {
    name: String,
    updates_per_second: f64,
    /// CPU time of the bot per update, and of this process (the fake and the people).
    bot_cpu_ms: f64,
    driver_cpu_ms: f64,
    first: [Duration; 3],
    screen: [Duration; 3],
    warnings: usize,
}

/// CPU seconds (user + system) a process has used, from `/proc/PID/stat`.
fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; clock
    // ticks are 1/100 s on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn row(name: &str, m: &mut Measured, bot: &Bot, cpu_before: (f64, f64)) -> Row {
    let bot_cpu = cpu_seconds(&bot.pid().to_string()) - cpu_before.0;
    let driver_cpu = cpu_seconds("self") - cpu_before.1;
    m.first_reply.sort();
    m.next_screen.sort();
    let three = |v: &[Duration]| {
        [
            percentile(v, 0.5),
            percentile(v, 0.99),
            v.last().copied().unwrap_or_default(),
        ]
    };
    Row {
        name: name.to_owned(),
        updates_per_second: m.updates as f64 / m.wall.as_secs_f64(),
        bot_cpu_ms: bot_cpu * 1000.0 / m.updates as f64,
        driver_cpu_ms: driver_cpu * 1000.0 / m.updates as f64,
        first: three(&m.first_reply),
        screen: three(&m.next_screen),
        warnings: bot.warnings(),
    }
}

// --- load ------------------------------------------------------------------------------------

fn load(runtime: &tokio::runtime::Runtime) {
    let users = env_usize("E2E_USERS", 1_000);
    let plan = Plan {
        people: users,
        concurrent: usize::MAX,
        presses: INTERVIEW.to_vec(),
        arrival_gap: None,
        first_chat: 1_000_000,
    };
    println!(
        "\n== load: {users} people at once, each a whole interview ({} updates), through HTTP",
        plan.presses.len() + 1
    );
    let mut rows = Vec::new();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut run = |name: &str, start: &dyn Fn(&FakeApi) -> Bot| {
        let api = runtime.block_on(FakeApi::start());
        let bot = start(&api);
        let before = (cpu_seconds(&bot.pid().to_string()), cpu_seconds("self"));
        let mut m = drive(&api, &plan, |_| {});
        let r = row(name, &mut m, &bot, before);
        println!(
            "  {name}: {:.0} updates/s, next screen p50 {} ms",
            r.updates_per_second,
            ms(r.screen[0])
        );
        rows.push(r);
        drop(bot);
    };
    let db = |name: &str| format!("sqlite:{}", dir.path().join(name).display());
    run("rumbo, SQLite", &|api| {
        Bot::rumbo(api, &db("a.db"), &["--no-pacing"])
    });
    run("rumbo, SQLite, --no-counters", &|api| {
        Bot::rumbo(api, &db("b.db"), &["--no-pacing", "--no-counters"])
    });
    let postgres = std::env::var("E2E_POSTGRES").ok();
    if let Some(server) = &postgres {
        let url = runtime.block_on(create_database(server, "rumbo_e2e_load"));
        run("rumbo, PostgreSQL", &|api| {
            Bot::rumbo(api, &url, &["--no-pacing"])
        });
        runtime.block_on(drop_database(server, "rumbo_e2e_load"));
    }
    run("bare teloxide echo", &|api| Bot::echo(api));

    let echo = rows.last().map_or(1.0, |r| r.updates_per_second);
    println!(
        "\n| bot | updates/s | vs echo | first reply p50 / p99 / max (ms) | next screen p50 / p99 / max (ms) | bot CPU per update (ms) | fake + people CPU per update (ms) | warnings |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {:.0} | {:.2} | {} / {} / {} | {} / {} / {} | {:.3} | {:.3} | {} |",
            r.name,
            r.updates_per_second,
            r.updates_per_second / echo,
            ms(r.first[0]),
            ms(r.first[1]),
            ms(r.first[2]),
            ms(r.screen[0]),
            ms(r.screen[1]),
            ms(r.screen[2]),
            r.bot_cpu_ms,
            r.driver_cpu_ms,
            r.warnings
        );
    }
    if postgres.is_none() {
        println!("(PostgreSQL skipped: set E2E_POSTGRES=postgres://user@host:port/db)");
    }
}

/// Creates a fresh database `name` on the server `server` (a URL); returns its URL.
async fn create_database(server: &str, name: &str) -> String {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(server)
        .await
        .expect("the PostgreSQL server in E2E_POSTGRES answers");
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .expect("an old database dropped");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("a database created");
    let mut url = url::Url::parse(server).expect("E2E_POSTGRES is a URL");
    url.set_path(name);
    url.to_string()
}

async fn drop_database(server: &str, name: &str) {
    use sqlx::Connection;
    if let Ok(mut conn) = sqlx::PgConnection::connect(server).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
    }
}

// --- memory ----------------------------------------------------------------------------------

/// `VmHWM` and `VmRSS` of a process, in MiB.
fn memory_of(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn memory(runtime: &tokio::runtime::Runtime) {
    let chats = env_usize("E2E_CHATS", 100_000);
    let concurrent = env_usize("E2E_CONCURRENT", 1_000);
    println!(
        "\n== memory: {chats} distinct chats, each /start and one answer, {concurrent} at a time"
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let api = runtime.block_on(FakeApi::start());
    let bot = Bot::rumbo(
        &api,
        &format!("sqlite:{}", dir.path().join("m.db").display()),
        &["--no-pacing"],
    );
    let pid = bot.pid();
    let plan = Plan {
        people: chats,
        concurrent,
        presses: vec![0],
        arrival_gap: None,
        first_chat: 10_000_000,
    };
    let started = Instant::now();
    let before = (cpu_seconds(&pid.to_string()), cpu_seconds("self"));
    let mut marks: Vec<(String, f64, f64)> = Vec::new();
    let (hwm, rss) = memory_of(pid);
    marks.push(("started".into(), hwm, rss));
    let mut next = 0;
    let checkpoints: Vec<usize> = [1, 10, 25, 50, 75, 100]
        .iter()
        .map(|pct| chats * pct / 100)
        .collect();
    let mut m = drive(&api, &plan, |done| {
        while next < checkpoints.len() && done >= checkpoints[next] {
            let (hwm, rss) = memory_of(pid);
            println!(
                "  {done} chats, {:.0} s: VmHWM {hwm:.1} MiB, VmRSS {rss:.1} MiB",
                started.elapsed().as_secs_f64()
            );
            marks.push((format!("{done} chats"), hwm, rss));
            next += 1;
        }
    });
    let r = row("memory", &mut m, &bot, before);
    // The sweeper forgets quiet chats' flood allowances after two minutes.
    std::thread::sleep(Duration::from_secs(
        env_usize("E2E_MEMORY_SETTLE_SECONDS", 150) as u64,
    ));
    let (hwm, rss) = memory_of(pid);
    marks.push(("then idle".into(), hwm, rss));
    println!("\n| after | VmHWM (MiB) | VmRSS (MiB) |");
    println!("|---|---|---|");
    for (name, hwm, rss) in &marks {
        println!("| {name} | {hwm:.1} | {rss:.1} |");
    }
    println!(
        "({:.0} updates/s over the run, {} warnings)",
        r.updates_per_second, r.warnings
    );
}

// --- burst -----------------------------------------------------------------------------------

fn burst(runtime: &tokio::runtime::Runtime) {
    let people = env_usize("E2E_BURST", 5_000);
    let seconds = env_usize("E2E_BURST_SECONDS", 60);
    println!(
        "\n== burst: {people} people write /start within {seconds} s; rumbo paced as deployed; the fake answers 429 beyond 30 messages/s"
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let api = runtime.block_on(FakeApi::start());
    let bot = Bot::rumbo(
        &api,
        &format!("sqlite:{}", dir.path().join("burst.db").display()),
        &[],
    );
    api.strict_rate_limit(30);
    let plan = Plan {
        people,
        concurrent: usize::MAX,
        presses: Vec::new(),
        arrival_gap: Some(Duration::from_secs(seconds as u64) / people.max(1) as u32),
        first_chat: 20_000_000,
    };
    let before = (cpu_seconds(&bot.pid().to_string()), cpu_seconds("self"));
    let mut m = drive(&api, &plan, |_| {});
    let r = row("burst", &mut m, &bot, before);
    // Everyone got exactly one question, and how far the answers strayed from the order of
    // arrival.
    let (questions, rejected, messages) = api.with_state(|s| {
        let mut per_chat: HashMap<i64, usize> = HashMap::new();
        let (mut rejected, mut messages) = (0, 0);
        for r in s.requests_for("sendMessage") {
            if r.status == Some(429) {
                rejected += 1;
            }
            if r.status == Some(200) && m.start.is_some_and(|t| r.at >= t) {
                messages += 1;
            }
            if r.status == Some(200)
                && has_callback(&r.body)
                && let Some(chat) = r.body.get("chat_id").and_then(Value::as_i64)
            {
                *per_chat.entry(chat).or_default() += 1;
            }
        }
        (per_chat, rejected, messages)
    });
    let answered = questions.len();
    let twice = questions.values().filter(|&&n| n > 1).count();
    let mut by_answer: Vec<(Instant, usize)> = m
        .first_screen_at
        .iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|t| (t, i)))
        .collect();
    by_answer.sort();
    let displacement = by_answer
        .iter()
        .enumerate()
        .map(|(rank, &(_, arrival))| rank.abs_diff(arrival))
        .collect::<Vec<_>>();
    let max_displacement = displacement.iter().copied().max().unwrap_or(0);
    let in_place = displacement.iter().filter(|&&d| d == 0).count();
    println!(
        "\n| people | answered | answered twice | 429s | messages sent / s | people answered / s | delay to the first question p50 / p99 / max (s) | answered in arrival order | most places out of order | warnings |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!(
        "| {people} | {answered} | {twice} | {rejected} | {:.1} | {:.1} | {:.1} / {:.1} / {:.1} | {in_place} | {max_displacement} | {} |",
        messages as f64 / m.wall.as_secs_f64().max(f64::MIN_POSITIVE),
        people as f64 / m.wall.as_secs_f64().max(f64::MIN_POSITIVE),
        r.screen[0].as_secs_f64(),
        r.screen[1].as_secs_f64(),
        r.screen[2].as_secs_f64(),
        r.warnings
    );
}
