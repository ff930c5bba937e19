//! End-to-end tests of `rumbo run`: the real binary, over real HTTP, against the fake Bot API
//! server in `tests/support/` on 127.0.0.1, with a real SQLite file.
//!
//! Each test starts its own fake server and bot process, plays people (chats) through it, and
//! reads what the bot sent as a phone would show it. Waits are bounded; on a timeout the
//! fake's dump of every chat is printed.

mod support;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::fake_api::{FakeApi, Fault, Sent};
use support::people::{Person, QUIET_MS, VENEZUELAN_IN_COLOMBIA, interview, settle};
use support::process::{Rumbo as Bot, WAIT};

fn temp_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let db = dir.path().join("sessions.db");
    (dir, db)
}

fn rows(db: &Path) -> i64 {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT COUNT(*) FROM sessions")
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(-1),
        _ => rows_with_sqlx(db),
    }
}

/// Runs `f` on the session store of `db` (a runtime of its own: these tests have none).
fn with_store<T>(db: &Path, f: impl AsyncFnOnce(&rumbo::store::Store) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let url = format!("sqlite:{}", db.display());
        let store = rumbo::store::Store::open(&url, Duration::from_secs(86_400))
            .await
            .unwrap();
        let out = f(&store).await;
        store.close().await;
        out
    })
}

/// Counts rows with sqlx when the sqlite3 tool is not installed.
fn rows_with_sqlx(db: &Path) -> i64 {
    with_store(db, async |store| store.count().await.unwrap())
}

fn sql(db: &Path, statement: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", db.display()))
            .await
            .unwrap();
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool.close().await;
    })
}

// ---------------------------------------------------------------------------------------------

#[test]
fn a_whole_interview_in_spanish_and_in_english() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let bot = Bot::start(&api, &db, &[], &[]);
    let es = Person::new(&api, 1001, Some("es-419"));
    let en = Person::new(&api, 1002, Some("en-US"));
    interview(&es);
    interview(&en);
    let t = es.transcript();
    for part in [
        "🔒 Esta guía nunca te pide",
        "Pregunta 1",
        "✔️",
        "Tu resultado",
        "✅ Podrías calificar",
        "Oficina de Movilidad Segura en Colombia",
        "Fuentes:",
    ] {
        assert!(t.contains(part), "{part:?} missing:\n{t}");
    }
    let t = en.transcript();
    for part in [
        "Your result",
        "✅ You may be eligible",
        "Safe Mobility Office in Colombia",
    ] {
        assert!(t.contains(part), "{part:?} missing:\n{t}");
    }
    // An answered question keeps its text, shows the answer and loses its buttons.
    let first = &es.sent()[1];
    assert!(first.text.contains("✔️"), "{}", first.text);
    assert!(first.buttons().is_empty());
    // The result has the official link as a URL button.
    assert!(
        es.sent()
            .iter()
            .flat_map(|m| m.buttons().into_iter().flatten())
            .any(|b| b.url.as_deref() == Some("https://movilidadsegura.org/"))
    );
    // Anonymous counters: two sessions started, two completed, by language. The bot writes
    // them in batches once a second.
    let mut counted = (0, 0);
    for _ in 0..50 {
        counted = with_store(&db, async |store| {
            (
                store.counter("started", "none").await.unwrap(),
                store.counter("completed", "").await.unwrap(),
            )
        });
        if counted == (2, 2) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(counted, (2, 2));
    // Every press was answered exactly once.
    let presses = api.requests_for("answerCallbackQuery").len();
    assert_eq!(presses, 2 * 9, "{}", api.dump());
    // Command menus in both languages and by default.
    let es_menu = api.my_commands("es").expect("a Spanish menu");
    assert!(es_menu.iter().any(|(c, _)| c == "ayuda"));
    let en_menu = api.my_commands("en").expect("an English menu");
    assert!(en_menu.iter().any(|(c, _)| c == "help"));
    assert!(api.my_commands("").is_some());
    let (code, log) = bot.stop();
    assert_eq!(code, 0, "{log}");
}

/// With an outbound proxy named in the environment, every request goes through it (on
/// reqwest, which speaks to proxies; without one the bot posts on hyper directly, as in every
/// other test). The Bot API's host here does not exist: the proxy, which is the fake itself
/// (it reads the absolute URLs a proxy receives), is the only way to it.
#[test]
fn an_outbound_proxy_from_the_environment_carries_every_request() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let proxy = api.url();
    let bot = Bot::start(
        &api,
        &db,
        &[],
        &[
            ("TELOXIDE_API_URL", "http://api.telegram.invalid/"),
            ("HTTP_PROXY", proxy.as_str()),
            ("NO_PROXY", ""),
            ("no_proxy", ""),
        ],
    );
    let person = Person::new(&api, 1001, Some("en"));
    interview(&person);
    assert!(person.transcript().contains("Your result"));
    let (code, log) = bot.stop();
    assert_eq!(code, 0, "{log}");
    assert!(
        log.contains("through the proxy the environment names"),
        "{log}"
    );
}

#[test]
fn nothing_is_counted_with_no_counters() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let bot = Bot::start(&api, &db, &[], &[("RUMBO_NO_COUNTERS", "1")]);
    let p = Person::new(&api, 1003, Some("en"));
    interview(&p);
    p.text("/language");
    p.text("/restart");
    assert!(p.transcript().contains("Your result"), "{}", p.transcript());
    // Counters are written once a second and on the way out: stopping writes whatever is left.
    let (code, log) = bot.stop();
    assert_eq!(code, 0, "{log}");
    assert_eq!(counters(&db), Vec::new());
}

#[test]
fn back_change_and_bad_input_of_every_kind() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let _bot = Bot::start(&api, &db, &[], &[]);
    let p = Person::new(&api, 2001, Some("en"));
    p.text("/start");
    p.press_nth(0); // Colombia
    p.press("⬅️ Back");
    assert!(
        p.sent().last().unwrap().text.contains("Question 1"),
        "{}",
        p.transcript()
    );
    p.text("/back");
    assert!(p.transcript().contains("There is nothing to go back to."));
    // Free text naming a choice counts; anything else gets the hint and the question again.
    p.text("colombia");
    assert!(
        p.sent().last().unwrap().text.contains("Question 2"),
        "{}",
        p.transcript()
    );
    let before = p.sent().len();
    for noise in [
        "x".repeat(4000),
        "🙂🙂🙂".to_string(),
        "مرحبا بكم".to_string(),
        "<b>*bold*</b> _x_ [a](http://b)".to_string(),
        "/frobnicate".to_string(),
    ] {
        p.text(&noise);
        let start: String = noise.chars().take(12).collect();
        assert!(
            !p.sent().iter().any(|m| m.text.contains(&start)),
            "{noise:?} echoed:\n{}",
            p.transcript()
        );
    }
    for push in [
        FakeApi::push_sticker,
        FakeApi::push_photo,
        FakeApi::push_voice,
        FakeApi::push_location,
        FakeApi::push_contact,
        FakeApi::push_document,
    ] {
        push(&api, p.chat, p.user());
        settle(&api);
    }
    let after = p.sent();
    let hints = after[before..]
        .iter()
        .filter(|m| m.text.starts_with("Tap one of the buttons"))
        .count();
    assert_eq!(hints, 4 + 6, "{}", p.transcript());
    assert!(p.transcript().contains("I don't know that command"));
    // Still at question 2, nothing changed.
    assert!(after.last().unwrap().text.contains("Question 2"));

    // A button from an old message, forged and truncated data, an inaccessible message.
    let answered_before = api.callback_answers().len();
    let first_question = p.sent()[1].message_id;
    p.press_data(first_question, "2:00000000:1:a:location:mexico");
    p.press_data(p.sent().last().unwrap().message_id, "garbage");
    p.press_data(p.sent().last().unwrap().message_id, "2:abcd");
    api.push_inaccessible_callback(p.chat, p.user(), "2:ffffffff:3:b");
    settle(&api);
    assert_eq!(api.callback_answers().len(), answered_before + 4);
    assert!(p.sent().last().unwrap().text.contains("Question 2"));

    // The same button twice, quickly: acted on once.
    let (message, data) = p.find(&|_| true);
    api.push_callback(p.chat, p.user(), message, &data);
    api.push_callback(p.chat, p.user(), message, &data);
    settle(&api);
    let questions_3 = p
        .sent()
        .iter()
        .filter(|m| m.text.contains("Question 3"))
        .count();
    assert_eq!(questions_3, 1, "{}", p.transcript());

    // From the result, Back goes to the review screen, where every answer can be changed.
    let q = Person::new(&api, 2002, Some("en"));
    interview(&q);
    q.press("⬅️ Back");
    assert!(
        q.sent().last().unwrap().text.starts_with("Your answers."),
        "{}",
        q.transcript()
    );
    let (message, data) = q.find(&|t| t.starts_with("✏️"));
    q.press_data(message, &data);
    assert!(
        q.sent()
            .last()
            .unwrap()
            .text
            .starts_with("Change your answer"),
        "{}",
        q.transcript()
    );
}

#[test]
fn groups_channels_floods_and_blocking() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let _bot = Bot::start(&api, &db, &["--per-minute", "10"], &[]);
    api.push_group_text(-100500, 7, "/start");
    api.push_channel_post(-100600, "hello");
    settle(&api);
    for chat in [-100500, -100600] {
        let sent = api.chat_messages(chat);
        assert_eq!(sent.len(), 1, "{}", api.transcript(chat));
        assert!(
            sent[0].text.contains("private chats") || sent[0].text.contains("chats privados"),
            "{}",
            sent[0].text
        );
    }
    // A flood from one chat: one notice, then silence; another chat is still served.
    let flooder = Person::new(&api, 3001, Some("en"));
    flooder.text("/start");
    for _ in 0..40 {
        api.push_text(flooder.chat, flooder.user(), "hello?", Some("en"));
    }
    api.wait_until_blocking(
        |s| {
            s.chat_messages(3001)
                .iter()
                .any(|m| m.text.contains("very fast"))
        },
        WAIT,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    settle(&api);
    let notices = flooder
        .sent()
        .iter()
        .filter(|m| m.text.contains("very fast"))
        .count();
    assert_eq!(notices, 1, "{}", flooder.transcript());
    let calm = Person::new(&api, 3002, Some("en"));
    calm.text("/start");
    assert!(calm.transcript().contains("Question 1"));
    // Someone who blocked the bot: their session is removed.
    api.block(calm.chat);
    calm.text("/help");
    assert_eq!(rows(&db), 1, "only the flooder's session is left");
}

#[test]
fn sessions_survive_a_kill_expire_and_are_deleted_on_request() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let mut bot = Bot::start(&api, &db, &[], &[]);
    let p = Person::new(&api, 4001, Some("en"));
    p.text("/start");
    p.press_nth(0);
    p.press_nth(0);
    bot.kill9();
    let mut bot = Bot::start(&api, &db, &[], &[]);
    p.press_nth(3);
    assert!(
        p.sent().last().unwrap().text.contains("Question 4"),
        "{}",
        p.transcript()
    );
    // Idle past the time-to-live: a short word, and a fresh start. (The row is changed under
    // a process that has not handled this chat yet: a process owns its SQLite file and
    // reuses the states it stored itself.)
    bot.kill9();
    let mut bot = Bot::start(&api, &db, &[], &[]);
    sql(&db, "UPDATE sessions SET updated_at = 0");
    p.text("hello");
    assert!(
        p.transcript().contains("It has been a long time"),
        "{}",
        p.transcript()
    );
    assert!(p.sent().last().unwrap().text.contains("Question 1"));
    // A stored state from another format: an apology and a fresh start, never stuck.
    bot.kill9();
    let bot = Bot::start(&api, &db, &[], &[]);
    sql(&db, "UPDATE sessions SET state = '{\"format\": 99}'");
    p.text("hello");
    assert!(
        p.transcript().contains("Sorry, we could not continue"),
        "{}",
        p.transcript()
    );
    // /delete: the row is gone at once.
    assert_eq!(rows(&db), 1);
    p.text("/delete");
    assert_eq!(rows(&db), 0);
    assert!(p.transcript().contains("Your answers are deleted"));
    drop(bot);
}

/// Killed after storing a decision and before sending all its replies: the person saw the
/// answer ticked but no next question. The next process (one per SQLite file, so the one that
/// stored it is gone) sends that screen at its first sweep, once, and the interview goes on.
#[test]
fn a_reply_cut_short_by_a_kill_is_sent_by_the_next_process() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let mut bot = Bot::start(&api, &db, &[], &[]);
    let p = Person::new(&api, 4101, Some("en"));
    p.text("/start");
    p.press_nth(0);
    // The next question's message hangs on the way; the bot dies meanwhile.
    api.fail_next("sendMessage", 1, Fault::Stall(Duration::from_secs(60)));
    let last = p
        .sent()
        .into_iter()
        .rev()
        .find(|m| !m.buttons().is_empty())
        .unwrap();
    let data = last.button_data("18 or older").expect("the age question");
    api.push_callback(p.chat, p.user(), last.message_id, &data);
    // Sent so far: the welcome, questions 1 and 2; the fourth is the one held. The edit of
    // question 2 (showing the answer) goes out alongside it: wait for both, the edit by its
    // effect (the fake counts a request just before applying it).
    let chat = p.chat;
    api.wait_until_blocking(
        |s| {
            s.count_requests("sendMessage") >= 4
                && s.chat_messages(chat)
                    .last()
                    .is_some_and(|m| m.text.contains("✔️ Age"))
        },
        WAIT,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    bot.kill9();
    let before = p.sent().len();
    assert!(
        p.sent()[before - 1].text.contains("✔️"),
        "{}",
        p.transcript()
    );
    let bot = Bot::start(&api, &db, &[], &[]);
    api.wait_until_blocking(|s| s.chat_messages(p.chat).len() > before, WAIT)
        .unwrap_or_else(|e| panic!("{e:?}\n{}", bot.log()));
    settle(&api);
    let shown: Vec<Sent> = p.sent().into_iter().skip(before).collect();
    assert_eq!(shown.len(), 1, "{}", p.transcript());
    assert!(shown[0].text.contains("Question 3"), "{}", p.transcript());
    // And the interview goes on from there, the age answered once.
    p.press_nth(3);
    assert!(
        p.sent().last().unwrap().text.contains("Question 4"),
        "{}",
        p.transcript()
    );
    drop(bot);
}

/// Someone tired of waiting for a slow reply sends the same command or presses the same button
/// again before the reply arrives: it comes once. The same command sent after the reply
/// arrived is applied as usual.
#[test]
fn the_same_command_or_press_again_before_its_reply_arrived_is_applied_once() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let bot = Bot::start(&api, &db, &[], &[]);
    let p = Person::new(&api, 4102, Some("en"));
    let count = |what: &str| p.sent().iter().filter(|m| m.text.starts_with(what)).count();
    let wait_for = |messages: usize| {
        api.wait_until_blocking(|s| s.chat_messages(p.chat).len() >= messages, WAIT)
            .unwrap_or_else(|e| panic!("{e:?}\n{}", bot.log()));
        settle(&api);
    };
    // The welcome hangs on the way for 3 s; meanwhile /start again.
    api.fail_next("sendMessage", 1, Fault::Stall(Duration::from_secs(3)));
    api.push_command(p.chat, p.user(), "/start", p.lang);
    api.wait_until_blocking(|s| s.count_requests("sendMessage") >= 1, WAIT)
        .unwrap_or_else(|e| panic!("{e:?}"));
    api.push_command(p.chat, p.user(), "/start", p.lang);
    wait_for(2);
    assert_eq!(count("Question 1"), 1, "{}", p.transcript());
    assert_eq!(p.sent().len(), 2, "{}", p.transcript());
    // The next question hangs; the same answer pressed again meanwhile.
    api.fail_next("sendMessage", 1, Fault::Stall(Duration::from_secs(3)));
    let (message, data) = p.nth_answer(0);
    let sends = api.with_state(|s| s.count_requests("sendMessage"));
    api.push_callback(p.chat, p.user(), message, &data);
    api.wait_until_blocking(|s| s.count_requests("sendMessage") > sends, WAIT)
        .unwrap_or_else(|e| panic!("{e:?}"));
    api.push_callback(p.chat, p.user(), message, &data);
    wait_for(3);
    assert_eq!(count("Question 2"), 1, "{}", p.transcript());
    assert_eq!(p.sent().len(), 3, "{}", p.transcript());
    assert_eq!(api.callback_answers().len(), 2);
    // Later (Telegram dates messages in whole seconds), /start starts over as usual.
    std::thread::sleep(Duration::from_millis(1500));
    p.text("/start");
    assert_eq!(count("Question 1"), 2, "{}", p.transcript());
    drop(bot);
}

#[test]
fn a_reload_keeps_running_interviews_on_their_version() {
    let api = FakeApi::start_blocking();
    let (dir, db) = temp_db();
    let rules = dir.path().join("rules");
    copy_dir(Path::new("rules/example"), &rules);
    copy_dir(Path::new("locales"), &rules.join("locales-top"));
    // The example's interface messages are links into locales/: copy them for real.
    for lang in ["en", "es"] {
        std::fs::remove_file(rules.join(format!("locales/{lang}/interface.ftl"))).ok();
        std::fs::copy(
            format!("locales/{lang}/interface.ftl"),
            rules.join(format!("locales/{lang}/interface.ftl")),
        )
        .unwrap();
    }
    let file = rules.join("example.yaml");
    let bot = Bot::start(&api, &db, &["--rules", file.to_str().unwrap()], &[]);
    let old = Person::new(&api, 5001, Some("en"));
    old.text("/start");
    old.press_nth(0);
    let version_of = |p: &Person<'_>| p.find(&|_| true).1.split(':').nth(1).unwrap().to_string();
    let v1 = version_of(&old);
    // A broken file is reported and the last good version keeps serving.
    let good = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, good.replace("questions:", "questionz:")).unwrap();
    bot.signal("HUP");
    std::thread::sleep(Duration::from_millis(500));
    assert!(bot.log().contains("still serving"), "{}", bot.log());
    // A good edit: new interviews get it, the running one stays on its version.
    std::fs::write(
        &file,
        good.replace("review_every_days: 180", "review_every_days: 181"),
    )
    .unwrap();
    bot.signal("HUP");
    std::thread::sleep(Duration::from_millis(500));
    assert!(bot.log().contains("rules reloaded"), "{}", bot.log());
    let new = Person::new(&api, 5002, Some("en"));
    new.text("/start");
    assert_ne!(version_of(&new), v1);
    old.press_nth(0);
    assert_eq!(version_of(&old), v1);
    assert!(
        !old.transcript().contains("This guide was updated"),
        "{}",
        old.transcript()
    );
    drop(bot);

    // With --watch, saving a file is enough.
    let bot = Bot::start(
        &api,
        &db,
        &["--watch", "--rules", file.to_str().unwrap()],
        &[],
    );
    std::thread::sleep(Duration::from_millis(1200));
    std::fs::write(
        &file,
        good.replace("review_every_days: 180", "review_every_days: 182"),
    )
    .unwrap();
    let deadline = Instant::now() + WAIT;
    while !bot.log().contains("rules reloaded") {
        assert!(Instant::now() < deadline, "no reload:\n{}", bot.log());
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn rate_limits_and_server_errors_lose_and_double_nothing() {
    // The bot sleeps out `retry_after` (1 s) and retries a 5xx after a short backoff.
    QUIET_MS.store(1500, std::sync::atomic::Ordering::Relaxed);
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let _bot = Bot::start(&api, &db, &[], &[]);
    api.fail_next("sendMessage", 2, Fault::TooManyRequests { retry_after: 1 });
    api.fail_next(
        "editMessageText",
        1,
        Fault::TooManyRequests { retry_after: 1 },
    );
    api.fail_next(
        "answerCallbackQuery",
        1,
        Fault::TooManyRequests { retry_after: 1 },
    );
    let p = Person::new(&api, 6001, Some("en"));
    p.text("/start");
    for n in VENEZUELAN_IN_COLOMBIA {
        p.press_nth(n);
    }
    // A server error on the result: retried after 200 ms.
    api.fail_next("sendMessage", 1, Fault::ServerError(502));
    let (message, data) = p.find(&|t| t.starts_with("✅"));
    api.push_callback(p.chat, p.user(), message, &data);
    api.wait_until_blocking(
        |s| {
            s.transcript(6001).contains("Your result")
                && s.transcript(6001).contains("Guide reviewed")
        },
        WAIT,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    settle(&api);
    assert_eq!(api.injected().len(), 5, "{}", api.dump());
    // No question twice, every press answered once.
    let sent = p.sent();
    for n in 1..=8 {
        let label = format!("Question {n}\n");
        let count = sent.iter().filter(|m| m.text.starts_with(&label)).count();
        assert_eq!(count, 1, "{label:?}\n{}", p.transcript());
    }
    let ids: Vec<String> = api
        .callback_answers()
        .iter()
        .map(|a| a.callback_query_id.clone())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len());
    assert_eq!(ids.len(), 9);
}

#[test]
fn a_hundred_people_at_once_all_reach_their_result() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let _bot = Bot::start(&api, &db, &[], &[]);
    let people: Vec<Person<'_>> = (0..100)
        .map(|i| Person::new(&api, 7000 + i, Some("es")))
        .collect();
    for p in &people {
        api.push_command(p.chat, p.user(), "/start", p.lang);
    }
    settle(&api);
    let mut steps: Vec<usize> = VENEZUELAN_IN_COLOMBIA.to_vec();
    steps.push(usize::MAX);
    for n in steps {
        // Everyone presses at once; then wait for all replies.
        for p in &people {
            let last = p
                .sent()
                .into_iter()
                .rev()
                .find(|m| !m.buttons().is_empty())
                .unwrap();
            let answers = last.answer_data();
            let pick = if n == usize::MAX {
                answers.len() - 1
            } else {
                n
            };
            api.push_callback(p.chat, p.user(), last.message_id, &answers[pick]);
        }
        settle(&api);
    }
    for p in &people {
        assert!(
            p.transcript().contains("Tu resultado"),
            "{}",
            p.transcript()
        );
    }
    assert_eq!(api.callback_answers().len(), 100 * 9);
}

/// Updates of one chat that arrive together (someone typing answers quickly, or a backlog after
/// downtime) are handled one at a time in the order they were sent, while other chats' are
/// handled meanwhile: each chat reads exactly what a person waiting for every reply reads.
#[test]
fn a_chats_updates_sent_together_are_handled_in_order() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let _bot = Bot::start(&api, &db, &[], &[]);
    // The answers by number, as someone would type them.
    let answers: Vec<String> = VENEZUELAN_IN_COLOMBIA
        .iter()
        .map(|n| (n + 1).to_string())
        .collect();
    // Waiting for the bot after each message (`text` settles).
    let reference = Person::new(&api, 8100, Some("en"));
    reference.text("/start");
    for answer in &answers {
        reference.text(answer);
    }
    let expected = texts(&api, reference.chat);
    // The notice, a question per answer, then the review: every answer was taken.
    assert_eq!(expected.len(), answers.len() + 2, "{expected:#?}");
    // Ten people, each sending everything at once, queued as fast as the test can.
    let people: Vec<Person<'_>> = (0..10)
        .map(|i| Person::new(&api, 8200 + i, Some("en")))
        .collect();
    for p in &people {
        api.push_command(p.chat, p.user(), "/start", p.lang);
        for answer in &answers {
            api.push_text(p.chat, p.user(), answer, p.lang);
        }
    }
    settle(&api);
    for p in &people {
        assert_eq!(texts(&api, p.chat), expected, "{}", p.transcript());
    }
}

#[test]
fn the_log_holds_no_personal_data() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let bot = Bot::start(&api, &db, &[], &[]);
    let p = Person::new(&api, 987_654_321, Some("es"));
    p.text("/start");
    p.text("mi secreto 4242");
    p.press_nth(0);
    api.push_sticker(p.chat, p.user());
    settle(&api);
    interview(&p);
    let (_, log) = bot.stop();
    for secret in [
        "987654321",
        "Tester987654321",
        "secreto",
        "4242",
        "Colombia",
        "venezuela",
    ] {
        assert!(!log.contains(secret), "{secret:?} in the log:\n{log}");
    }
    assert!(log.contains("rumbo is running"), "{log}");
}

#[test]
fn webhook_mode_serves_health_and_updates() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let listen = format!("127.0.0.1:{port}");
    let url = format!("http://{listen}/hook");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rumbo"));
    cmd.args(["run", "--webhook-url", &url, "--listen", &listen])
        .env("RUMBO_DB", format!("sqlite:{}", db.display()))
        .env("RUMBO_WEBHOOK_SECRET", "s3cret-token")
        .env("RUMBO_AS_OF", "2023-11-01")
        .env_remove("RUMBO_RULES")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (k, v) in api.env() {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    api.wait_until_blocking(|s| s.count_requests("setWebhook") > 0, WAIT)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let health = http(
        &listen,
        "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(
        health.starts_with("HTTP/1.1 200") && health.ends_with("ok\n"),
        "{health}"
    );
    let update = r#"{"update_id":1,"message":{"message_id":1,"date":1700000000,"chat":{"id":8001,"type":"private","first_name":"T"},"from":{"id":8001,"is_bot":false,"first_name":"T","language_code":"en"},"text":"/start","entities":[{"type":"bot_command","offset":0,"length":6}]}}"#;
    let wrong = http(
        &listen,
        &format!(
            "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: wrong\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{update}",
            update.len()
        ),
    );
    assert!(!wrong.starts_with("HTTP/1.1 200"), "{wrong}");
    let right = http(
        &listen,
        &format!(
            "POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: s3cret-token\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{update}",
            update.len()
        ),
    );
    assert!(right.starts_with("HTTP/1.1 200"), "{right}");
    api.wait_until_blocking(|s| s.chat_messages(8001).len() >= 2, WAIT)
        .unwrap_or_else(|e| panic!("{e:?}"));
    let _ = child.kill();
    let _ = child.wait();
}

fn http(addr: &str, request: &str) -> String {
    use std::io::Write;
    // The webhook is registered just before its server binds: try for a few seconds.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut s = loop {
        match std::net::TcpStream::connect(addr) {
            Ok(s) => break s,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("cannot connect to {addr}: {e}"),
        }
    };
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let meta = std::fs::metadata(entry.path()).unwrap();
        if meta.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every counter row, in a fixed order (to see that nothing was counted).
fn counters(db: &Path) -> Vec<(String, String, String, String, String, i64)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", db.display()))
            .await
            .unwrap();
        let rows = sqlx::query_as(
            "SELECT day, rules_version, locale, metric, key, value FROM counters
             ORDER BY day, rules_version, locale, metric, key",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    })
}

/// The texts of a chat's messages.
fn texts(api: &FakeApi, chat: i64) -> Vec<String> {
    api.chat_messages(chat)
        .into_iter()
        .map(|m| m.text)
        .collect()
}

const ADMIN: i64 = 7_123_456_789;
const ADMIN_ES: i64 = 7_123_456_790;

#[test]
fn statistics_for_administrators_and_for_nobody_else() {
    let api = FakeApi::start_blocking();
    let (_dir, db) = temp_db();
    // Counters as the bot writes them: today (the last 7 days) and 20 days ago (the last 30).
    let today = rumbo::date::Date::today_utc();
    let earlier = today.add_days(-20);
    let old = today.add_days(-40);
    with_store(&db, async |_| {});
    for (day, locale, metric, key, value) in [
        (today, "es", "started", "none", 20),
        (today, "en", "started", "none", 3),
        (today, "es", "completed", "", 15),
        (today, "es", "result", "sm-colombia:closed", 12),
        (today, "es", "result", "chnv:closed", 3),
        (earlier, "es", "started", "none", 30),
        (earlier, "es", "completed", "", 25),
        (earlier, "es", "result", "sm-colombia:closed", 25),
        (old, "es", "started", "none", 500),
    ] {
        sql(
            &db,
            &format!(
                "INSERT INTO counters VALUES ('{day}', 'v', '{locale}', '{metric}', '{key}', {value})"
            ),
        );
    }
    // The administrators' days end today: the rules too are evaluated as of today.
    let admins = format!("{ADMIN}, {ADMIN_ES}");
    let bot = Bot::start(
        &api,
        &db,
        &[],
        &[
            ("RUMBO_ADMINS", admins.as_str()),
            ("RUMBO_AS_OF", &today.to_string()),
        ],
    );
    // Some traffic: three sessions started today, two in Spanish (which, with the seeded
    // counters, makes 22 in Spanish and 4 in English this week).
    for (chat, lang) in [(8101, "es"), (8102, "es-419"), (8103, "en")] {
        Person::new(&api, chat, Some(lang)).text("/start");
    }
    let before = counters(&db);

    let admin = Person::new(&api, ADMIN, Some("en"));
    admin.text("/stats");
    let sent = texts(&api, ADMIN);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let summary = &sent[0];
    let week = format!("Statistics {} – {today}", today.add_days(-6));
    let month = format!("Statistics {} – {today}", today.add_days(-29));
    for part in [
        week.as_str(),
        "Sessions started: 26\n",
        "Completed: 15 ",
        month.as_str(),
        "Sessions started: 56\n",
        "Completed: 40 ",
    ] {
        assert!(summary.contains(part), "{part:?} missing:\n{summary}");
    }
    // Four sessions in English: too few to print, and Spanish hidden so that they cannot be
    // worked out from the total.
    assert_eq!(
        summary.matches("Languages: en <10, es hidden\n").count(),
        2,
        "{summary}"
    );
    assert!(summary.find(&week) < summary.find(&month), "{summary}");
    // In Spanish for a Spanish-speaking administrator, under both names and with @botname.
    let admin_es = Person::new(&api, ADMIN_ES, Some("es-419"));
    admin_es.text("/estadisticas");
    admin_es.text(&format!("/stats@{}", FakeApi::BOT_USERNAME));
    let sent = texts(&api, ADMIN_ES);
    assert_eq!(sent.len(), 2, "{sent:?}");
    for s in &sent {
        assert!(s.contains("Sesiones iniciadas: 26\n"), "{s}");
    }
    // Nothing was counted, and no session was stored for them.
    assert_eq!(counters(&db), before);
    assert_eq!(rows(&db), 3);
    // The language chosen in a session wins over the app's, and that session is left as it
    // is, even one past its time-to-live (a normal load would have deleted it).
    with_store(&db, async |store| {
        store
            .put_raw(ADMIN, r#"{"format": 1, "lang": "es"}"#, 0)
            .await
            .unwrap()
    });
    admin.text("/stats");
    let last = api.last_message(ADMIN).unwrap().text;
    assert!(last.starts_with("Estadísticas"), "{last}");
    assert_eq!(rows(&db), 4);
    assert_eq!(counters(&db), before);

    // Anyone else gets exactly the reply to an unknown command, and /stats is not in the menu.
    let curious = Person::new(&api, 8201, Some("en"));
    let control = Person::new(&api, 8202, Some("en"));
    curious.text("/stats");
    control.text("/frobnicate");
    assert_eq!(texts(&api, 8201), texts(&api, 8202));
    assert!(
        texts(&api, 8201)[0].starts_with("I don't know that command"),
        "{}",
        curious.transcript()
    );
    for lang in ["en", "es", ""] {
        let menu = api.my_commands(lang).unwrap();
        assert!(
            !menu
                .iter()
                .any(|(c, _)| c == "stats" || c == "estadisticas"),
            "{menu:?}"
        );
    }
    let (code, log) = bot.stop();
    assert_eq!(code, 0, "{log}");
    assert!(log.contains("statistics sent to an administrator"), "{log}");
    for id in [ADMIN, ADMIN_ES] {
        assert!(!log.contains(&id.to_string()), "{id} in the log:\n{log}");
    }

    // Without RUMBO_ADMINS nobody is an administrator.
    let api = FakeApi::start_blocking();
    let _bot = Bot::start(&api, &db, &[], &[]);
    let admin = Person::new(&api, ADMIN_ES, Some("en"));
    let control = Person::new(&api, 8203, Some("en"));
    admin.text("/stats");
    control.text("/frobnicate");
    assert_eq!(texts(&api, ADMIN_ES), texts(&api, 8203));
}
