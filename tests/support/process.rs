//! A real `rumbo run` process for the end-to-end tests: started with the fake Bot API's
//! address, its stderr (the log) collected, stopped by a signal or killed when dropped.

#![allow(dead_code)] // each test file uses a part

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::fake_api::FakeApi;

/// How long any wait of the end-to-end tests may last before it fails.
pub const WAIT: Duration = Duration::from_secs(40);

/// A running `rumbo run`, killed when dropped; its stderr is collected.
pub struct Rumbo {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Rumbo {
    /// Starts `rumbo run ARGS` on the SQLite file `db`, as of 2023-11-01, and waits until it
    /// polls.
    pub fn start(api: &FakeApi, db: &Path, args: &[&str], env: &[(&str, &str)]) -> Rumbo {
        let polls = api.with_state(|s| s.count_requests("getUpdates"));
        let bot = Rumbo::spawn(api, &format!("sqlite:{}", db.display()), args, env);
        // Ready once it polls (a process started earlier on the same fake polled already).
        api.wait_until_blocking(|s| s.count_requests("getUpdates") > polls, WAIT)
            .unwrap_or_else(|e| panic!("the bot never polled: {e:?}\n{}", bot.log()));
        bot
    }

    /// Starts `rumbo run ARGS` on the database `db_url`, as of 2023-11-01, without waiting.
    pub fn spawn(api: &FakeApi, db_url: &str, args: &[&str], env: &[(&str, &str)]) -> Rumbo {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rumbo"));
        cmd.arg("run")
            .args(args)
            .env_remove("RUMBO_RULES")
            .env_remove("RUMBO_LOCALES")
            .env_remove("RUMBO_LOG")
            .env("RUMBO_DB", db_url)
            .env("RUMBO_AS_OF", "2023-11-01")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in api.env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("rumbo starts");
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().expect("stderr is piped");
        let sink = log.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Rumbo { child, log }
    }

    /// The process id (the benchmarks read its memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log holds `needle` `times` times; fails the test after [`WAIT`].
    pub fn wait_for_log(&self, needle: &str, times: usize) {
        let deadline = Instant::now() + WAIT;
        while self.log().matches(needle).count() < times {
            assert!(
                Instant::now() < deadline,
                "the log never said {needle:?} {times} time(s):\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// SIGTERM, then the exit status and the log.
    pub fn stop(mut self) -> (i32, String) {
        self.signal("TERM");
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait works") {
                std::thread::sleep(Duration::from_millis(100));
                return (status.code().unwrap_or(-1), self.log());
            }
            if Instant::now() >= deadline {
                // What it was doing, for the failure's reader (the log holds no personal data).
                let log = self.log();
                let lines: Vec<&str> = log.lines().collect();
                let tail = &lines[lines.len().saturating_sub(40)..];
                panic!(
                    "rumbo did not stop on SIGTERM; its log ends:\n{}",
                    tail.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Rumbo {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Whether `log` holds the chat id `chat` as a number of its own (not inside a longer one,
/// such as a timestamp's fraction of a second).
pub fn names(log: &str, chat: i64) -> bool {
    let id = chat.to_string();
    log.match_indices(&id).any(|(at, _)| {
        let before = log[..at].chars().next_back();
        let after = log[at + id.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}
