//! Replicas on one PostgreSQL database, as real `rumbo run` processes against the fake Bot
//! API: a standby that takes over polling when the poller is killed, and two webhook replicas
//! that receive one chat's updates in turn, and the same update twice at once.
//!
//! They need a PostgreSQL server: `RUMBO_TEST_POSTGRES` names it (each test makes its own
//! database); without it they are skipped, unless `RUMBO_REQUIRE_POSTGRES` is set (CI).

mod common;
mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::fake_api::FakeApi;
use support::people::{Deliver, Person, VENEZUELAN_IN_COLOMBIA, see_result, settle};
use support::process::{Rumbo, names};

/// A fresh database on the test server, or `None` (skipped).
fn database(name: &str) -> Option<String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(common::postgres_database(name))
}

/// What every finished interview of [`VENEZUELAN_IN_COLOMBIA`] shows.
fn assert_result(p: &Person<'_>) {
    let t = p.api.transcript(p.chat);
    let want = if p.lang == Some("es") {
        "Oficina de Movilidad Segura en Colombia"
    } else {
        "Safe Mobility Office in Colombia"
    };
    assert!(t.contains(want), "chat {}: no result:\n{t}", p.chat);
}

/// Polling answered 409 "terminated by other getUpdates request": two pollers at once.
fn conflicts(api: &FakeApi) -> usize {
    api.requests_for("getUpdates")
        .iter()
        .filter(|r| r.status == Some(409))
        .count()
}

#[test]
fn a_standby_takes_over_polling_when_the_poller_is_killed() {
    let Some(db) = database("standby") else {
        return;
    };
    let api = FakeApi::start_blocking();
    let mut first = Rumbo::spawn(&api, &db, &[], &[]);
    first.wait_for_log("elected", 1);
    let second = Rumbo::spawn(&api, &db, &[], &[]);
    second.wait_for_log("standby", 1);
    // Half-way through their interviews when the poller dies.
    let people: Vec<Person> = (0..6)
        .map(|i| Person::new(&api, 7100 + i, Some(if i % 2 == 0 { "es" } else { "en" })))
        .collect();
    for p in &people {
        p.text("/start");
        for &n in &VENEZUELAN_IN_COLOMBIA[..4] {
            p.press_nth(n);
        }
    }
    assert!(!second.log().contains("elected"), "{}", second.log());
    let killed = Instant::now();
    first.kill9();
    second.wait_for_log("elected", 1);
    let takeover = killed.elapsed();
    eprintln!("the standby polled {takeover:?} after the kill");
    assert!(takeover < Duration::from_secs(10), "{takeover:?}");
    // The sessions were in the database: each interview goes on where it was.
    for p in &people {
        for &n in &VENEZUELAN_IN_COLOMBIA[4..] {
            p.press_nth(n);
        }
        see_result(p);
        assert_result(p);
    }
    // A replica joining now stands by; a clean stop of the poller hands over at once (the
    // lock is released, not left to the connection's end).
    let third = Rumbo::spawn(&api, &db, &[], &[]);
    third.wait_for_log("standby", 1);
    let stopping = Instant::now();
    let (code, log) = second.stop();
    assert_eq!(code, 0, "{log}");
    third.wait_for_log("elected", 1);
    let handover = stopping.elapsed();
    eprintln!("the standby polled {handover:?} after SIGTERM");
    let late = Person::new(&api, 7199, Some("en"));
    support::people::interview(&late);
    assert_result(&late);
    assert_eq!(conflicts(&api), 0, "two replicas polled at once");
    let (code, log) = third.stop();
    assert_eq!(code, 0, "{log}");
    assert!(!names(&log, 7199) && !names(&log, 7100), "{log}");
}

/// The server processes serving database `db` (the bot's connections), frozen with SIGSTOP
/// until dropped: to the bot, a database that stopped answering without closing anything.
struct Frozen(Vec<String>);

impl Frozen {
    fn backends_of(db: &str) -> Frozen {
        let admin = std::env::var("RUMBO_TEST_POSTGRES").expect("a test server");
        let name = db.rsplit('/').next().expect("a database name").to_owned();
        let pids: Vec<i32> = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let pool = sqlx::PgPool::connect(&admin)
                    .await
                    .expect("the test server");
                let pids =
                    sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE datname = $1")
                        .bind(&name)
                        .fetch_all(&pool)
                        .await
                        .expect("the server's sessions");
                pool.close().await;
                pids
            });
        assert!(!pids.is_empty(), "the bot has no connection to {name}");
        let pids: Vec<String> = pids.iter().map(i32::to_string).collect();
        let status = std::process::Command::new("kill")
            .arg("-STOP")
            .args(&pids)
            .status()
            .expect("kill runs");
        assert!(
            status.success(),
            "cannot stop the server's processes (run as their owner or root)"
        );
        Frozen(pids)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .arg("-CONT")
            .args(&self.0)
            .status();
    }
}

/// A stop asked for while the database hangs (its server processes frozen: no answer, no
/// closed connection) still ends the process, within seconds: the poller's lock is given up
/// and the pools closed with a bounded wait.
#[test]
fn a_stop_ends_the_process_even_when_the_database_hangs() {
    let Some(db) = database("hang") else {
        return;
    };
    let api = FakeApi::start_blocking();
    let bot = Rumbo::spawn(&api, &db, &[], &[]);
    bot.wait_for_log("elected", 1);
    let person = Person::new(&api, 7300, Some("en"));
    person.text("/start");
    person.press_nth(VENEZUELAN_IN_COLOMBIA[0]);
    let frozen = Frozen::backends_of(&db);
    let stopping = Instant::now();
    let (code, log) = bot.stop();
    let took = stopping.elapsed();
    drop(frozen);
    eprintln!("stopped {took:?} after SIGTERM with the database frozen");
    assert_eq!(code, 0, "{log}");
    assert!(took < Duration::from_secs(20), "{took:?}\n{log}");
}

/// Posts `update` to the webhook at `addr` as Telegram would; the HTTP status.
fn post(addr: &str, update: &Value) -> u16 {
    let body = update.to_string();
    let request = format!(
        "POST /hook HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Telegram-Bot-Api-Secret-Token: replica-secret\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut stream = loop {
        match TcpStream::connect(addr) {
            Ok(s) => break s,
            Err(e) => {
                assert!(Instant::now() < deadline, "cannot reach {addr}: {e}");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    };
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A webhook replica listening on its own port.
fn webhook_replica(api: &FakeApi, db: &str) -> (Rumbo, String) {
    let listen = format!("127.0.0.1:{}", free_port());
    let url = format!("http://{listen}/hook");
    let replica = Rumbo::spawn(
        api,
        db,
        &["--webhook-url", &url, "--listen", &listen],
        &[("RUMBO_WEBHOOK_SECRET", "replica-secret")],
    );
    replica.wait_for_log("rumbo is running", 1);
    (replica, listen)
}

#[test]
fn two_webhook_replicas_share_every_chat_without_losing_or_doubling_an_answer() {
    let Some(db) = database("webhooks") else {
        return;
    };
    let api = FakeApi::start_blocking();
    let (a, at_a) = webhook_replica(&api, &db);
    let (b, at_b) = webhook_replica(&api, &db);
    let replicas = [at_a.as_str(), at_b.as_str()];

    // Each person's updates go to the replicas in turn, so every step is decided by the
    // replica that did not decide the step before; eight people at once.
    std::thread::scope(|scope| {
        for i in 0..8 {
            let api = &api;
            scope.spawn(move || {
                let turn = AtomicUsize::new(i);
                let deliver = move |updates: Vec<Value>| {
                    for update in updates {
                        let n = turn.fetch_add(1, Ordering::SeqCst);
                        assert_eq!(post(replicas[n % 2], &update), 200);
                    }
                };
                let lang = if i % 2 == 0 { "es" } else { "en" };
                let p = Person::via(api, 7200 + i as i64, Some(lang), &deliver);
                support::people::interview(&p);
                assert_result(&p);
            });
        }
    });

    // The same press delivered to both replicas at once (Telegram retrying a webhook
    // delivery it thinks failed): applied once. Compared with a person whose presses arrive
    // once each, the transcript has the same messages, and each question was answered once.
    let once = |updates: Vec<Value>| {
        for update in updates {
            assert_eq!(post(replicas[0], &update), 200);
        }
    };
    let twice = |updates: Vec<Value>| {
        for update in updates {
            std::thread::scope(|scope| {
                for at in replicas {
                    let update = &update;
                    scope.spawn(move || assert_eq!(post(at, update), 200));
                }
            });
        }
    };
    let reference = Person::via(&api, 7300, Some("en"), &once);
    let doubled: Vec<Person> = (1..=4)
        .map(|i| Person::via(&api, 7300 + i, Some("en"), &twice as &Deliver<'_>))
        .collect();
    let played = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        std::thread::scope(|scope| {
            scope.spawn(|| support::people::interview(&reference));
            for p in &doubled {
                scope.spawn(|| support::people::interview(p));
            }
        });
        settle(&api);
    }));
    if let Err(panic) = played {
        eprintln!("replica a:\n{}\nreplica b:\n{}", a.log(), b.log());
        std::panic::resume_unwind(panic);
    }
    let shape = |p: &Person<'_>| -> Vec<(usize, bool)> {
        p.sent()
            .iter()
            .map(|m| (m.text.matches("✔️").count(), m.buttons().is_empty()))
            .collect()
    };
    for p in &doubled {
        assert_result(p);
        assert_eq!(
            shape(p),
            shape(&reference),
            "chat {}:\n{}\n--- once:\n{}",
            p.chat,
            p.api.transcript(p.chat),
            reference.api.transcript(reference.chat)
        );
    }
    for (replica, name) in [(a, "a"), (b, "b")] {
        let (code, log) = replica.stop();
        assert_eq!(code, 0, "replica {name}: {log}");
        assert!(!names(&log, 7300) && !names(&log, 7200), "{log}");
        // A replica stopping (for a deploy) leaves the webhook to the others.
        assert!(api.requests_for("deleteWebhook").is_empty());
        assert!(api.webhook_url().is_some());
    }
}
