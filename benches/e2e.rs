//! End-to-end benchmarks: the real `rumbo run` (the release binary) against the in-tree fake
//! Bot API (`tests/support/fake_api.rs`) over HTTP on loopback, driven by simulated people.
//! Not a divan benchmark: each scenario is one long run that prints a summary table.
//!
//! ```sh
//! cargo bench --bench e2e                           # every scenario, full sizes (~15 min)
//! E2E_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres cargo bench --bench e2e
//! E2E_ONLY=load E2E_USERS=100 E2E_ROUNDS=1 cargo bench --bench e2e   # a quick look
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
//!   `E2E_ROUNDS` rounds (default 5) each run every bot once, each round starting one bot
//!   further along, so that every bot takes every place in the order as often as the others;
//!   each bot's median and range over the rounds are printed, and each round's ratio to the
//!   echo bot of the same round.
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

/// One run of a bot under a plan.
struct Run {
    updates: usize,
    wall: Duration,
    /// CPU seconds of the bot, and of this process (the fake and the people), over the run.
    bot_cpu: f64,
    driver_cpu: f64,
    /// Sorted latencies (see [`Measured`]).
    first: Vec<Duration>,
    screen: Vec<Duration>,
    warnings: usize,
}

impl Run {
    fn updates_per_second(&self) -> f64 {
        self.updates as f64 / self.wall.as_secs_f64()
    }

    /// The `p`th percentile of the latency to the next screen.
    fn screen_at(&self, p: f64) -> Duration {
        percentile(&self.screen, p)
    }
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

fn run_of(mut m: Measured, bot: &Bot, cpu_before: (f64, f64)) -> Run {
    m.first_reply.sort();
    m.next_screen.sort();
    Run {
        updates: m.updates,
        wall: m.wall,
        bot_cpu: cpu_seconds(&bot.pid().to_string()) - cpu_before.0,
        driver_cpu: cpu_seconds("self") - cpu_before.1,
        first: m.first_reply,
        screen: m.next_screen,
        warnings: bot.warnings(),
    }
}

// --- load ------------------------------------------------------------------------------------

fn load(runtime: &tokio::runtime::Runtime) {
    let users = env_usize("E2E_USERS", 1_000);
    let rounds = env_usize("E2E_ROUNDS", 5).max(1);
    let plan = Plan {
        people: users,
        concurrent: usize::MAX,
        presses: INTERVIEW.to_vec(),
        arrival_gap: None,
        first_chat: 1_000_000,
    };
    println!(
        "\n== load: {users} people at once, each a whole interview ({} updates), through HTTP; \
         {rounds} rounds",
        plan.presses.len() + 1
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let postgres = std::env::var("E2E_POSTGRES").ok();
    let postgres_url = |server: &str| runtime.block_on(create_database(server, "rumbo_e2e_load"));
    // The bots measured, the echo first: each round runs them all, starting one further along
    // the list, so that each takes every place in the order as often as the others (the
    // machine's speed drifts, and a later run finds this process's memory warmer).
    type Start<'a> = Box<dyn Fn(&FakeApi, usize) -> Bot + 'a>;
    let db = |name: &str, round: usize| {
        format!(
            "sqlite:{}",
            dir.path().join(format!("{name}{round}.db")).display()
        )
    };
    let mut bots: Vec<(&str, Start)> = vec![
        ("bare teloxide echo", Box::new(|api, _| Bot::echo(api))),
        (
            "rumbo, SQLite",
            Box::new(|api, round| Bot::rumbo(api, &db("a", round), &["--no-pacing"])),
        ),
        (
            "rumbo, SQLite, --no-counters",
            Box::new(|api, round| {
                Bot::rumbo(api, &db("b", round), &["--no-pacing", "--no-counters"])
            }),
        ),
    ];
    if let Some(server) = &postgres {
        bots.push((
            "rumbo, PostgreSQL",
            Box::new(move |api, _| {
                let url = postgres_url(server);
                Bot::rumbo(api, &url, &["--no-pacing"])
            }),
        ));
    }
    // Per bot, per round.
    let mut runs: Vec<Vec<Run>> = (0..bots.len()).map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for k in 0..bots.len() {
            let b = (round + k) % bots.len();
            let (name, start) = &bots[b];
            let api = runtime.block_on(FakeApi::start());
            let bot = start(&api, round);
            let before = (cpu_seconds(&bot.pid().to_string()), cpu_seconds("self"));
            let m = drive(&api, &plan, |_| {});
            let r = run_of(m, &bot, before);
            println!(
                "  round {}: {name}: {:.0} updates/s",
                round + 1,
                r.updates_per_second()
            );
            runs[b].push(r);
            drop(bot);
        }
    }
    if let Some(server) = &postgres {
        runtime.block_on(drop_database(server, "rumbo_e2e_load"));
    }
    let echo = &runs[0];
    println!(
        "\n| bot | updates/s, median (range) | vs echo, median (range) | first reply p50 / p99 / max (ms) | next screen p50 / p99 / max (ms) | bot CPU per update (ms) | fake + people CPU per update (ms) | warnings |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for ((name, _), runs) in bots.iter().zip(&runs) {
        // Each round's against the echo of the same round.
        let ratios: Vec<f64> = runs
            .iter()
            .zip(echo)
            .map(|(r, e)| r.updates_per_second() / e.updates_per_second())
            .collect();
        let speeds: Vec<f64> = runs.iter().map(Run::updates_per_second).collect();
        let mut first: Vec<Duration> = runs.iter().flat_map(|r| r.first.clone()).collect();
        let mut screen: Vec<Duration> = runs.iter().flat_map(|r| r.screen.clone()).collect();
        first.sort();
        screen.sort();
        let updates: usize = runs.iter().map(|r| r.updates).sum();
        let per_update = |cpu: f64| cpu * 1000.0 / updates as f64;
        let (low, mid, high) = spread(&speeds);
        let (rlow, rmid, rhigh) = spread(&ratios);
        println!(
            "| {name} | {mid:.0} ({low:.0}–{high:.0}) | {rmid:.2} ({rlow:.2}–{rhigh:.2}) | {} | {} | {:.3} | {:.3} | {} |",
            three(&first),
            three(&screen),
            per_update(runs.iter().map(|r| r.bot_cpu).sum()),
            per_update(runs.iter().map(|r| r.driver_cpu).sum()),
            runs.iter().map(|r| r.warnings).sum::<usize>()
        );
    }
    if postgres.is_none() {
        println!("(PostgreSQL skipped: set E2E_POSTGRES=postgres://user@host:port/db)");
    }
}

/// The lowest, the median and the highest of `values`.
fn spread(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    };
    (v[0], mid, v[v.len() - 1])
}

/// `p50 / p99 / max` of sorted latencies, in milliseconds.
fn three(sorted: &[Duration]) -> String {
    format!(
        "{} / {} / {}",
        ms(percentile(sorted, 0.5)),
        ms(percentile(sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or_default())
    )
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
    let m = drive(&api, &plan, |done| {
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
    let r = run_of(m, &bot, before);
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
        r.updates_per_second(),
        r.warnings
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
    let m = drive(&api, &plan, |_| {});
    let first_screen_at = m.first_screen_at.clone();
    let start = m.start;
    let r = run_of(m, &bot, before);
    // Everyone got exactly one question, and how far the answers strayed from the order of
    // arrival.
    let (questions, rejected, messages) = api.with_state(|s| {
        let mut per_chat: HashMap<i64, usize> = HashMap::new();
        let (mut rejected, mut messages) = (0, 0);
        for r in s.requests_for("sendMessage") {
            if r.status == Some(429) {
                rejected += 1;
            }
            if r.status == Some(200) && start.is_some_and(|t| r.at >= t) {
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
    let mut by_answer: Vec<(Instant, usize)> = first_screen_at
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
        messages as f64 / r.wall.as_secs_f64().max(f64::MIN_POSITIVE),
        people as f64 / r.wall.as_secs_f64().max(f64::MIN_POSITIVE),
        r.screen_at(0.5).as_secs_f64(),
        r.screen_at(0.99).as_secs_f64(),
        r.screen_at(1.0).as_secs_f64(),
        r.warnings
    );
}
