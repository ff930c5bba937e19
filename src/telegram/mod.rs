//! `rumbo run`: the Telegram adapter. The only module that knows teloxide (invariant 1).
//!
//! Contract: turns Telegram updates into `conversation::Event`s, runs `conversation::handle`
//! on the chat's stored state, carries out the effects through the Bot API (retrying 429s and
//! server errors, treating "message is not modified" as done), and stores the new state.
//! Updates are taken in the order they arrive: each takes its chat's turn (one at a time per
//! chat) and then one of [`IN_FLIGHT`] places, both first come first served, and is handled on
//! a task of its own; chats run concurrently. Nothing a person wrote, and no id, is logged.
//!
//! One command never reaches the conversation: `/stats` (`/estadisticas`) from a user listed in
//! `RUMBO_ADMINS` is answered here with the anonymous summary, read through a read-only
//! connection, without loading, storing or counting anything for that chat. From anyone else it
//! is passed on like any other text, so it gets the conversation's unknown-command reply and
//! does not reveal that the command exists.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use teloxide::ApiError;
use teloxide::dispatching::Dispatcher;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, CallbackQueryId, ChatId, InlineKeyboardButton, InlineKeyboardMarkup,
    MaybeInaccessibleMessage, UpdateKind,
};
use teloxide::update_listeners::{UpdateListener, webhooks};
use tracing::{info, warn};

use api::{Api, Failure, Limits, Pacer};

use crate::check::RuleSet;
use crate::conversation::{self, ChatState, Command, Context, Effect, Event};
use crate::date::Date;
use crate::i18n::Args;
use crate::render::{Screen, Target};
use crate::store::{CountRow, Store};

mod api;
mod http;
mod polling;

/// The bot as handlers see it: teloxide's `Bot` for the dispatcher (which asks getMe), and
/// rumbo's own [`Api`] for every method the bot calls. Messages are paced to Telegram's limits
/// (as set in [`run`]: 28 a second overall, two a second and 40 a minute per chat) unless
/// pacing is off (`--no-pacing`); the other methods (edits, answers to presses, menus) are
/// never paced.
#[derive(Clone)]
struct Tg {
    bot: Bot,
    api: Arc<Api>,
}

impl Tg {
    fn api(&self) -> &Api {
        &self.api
    }
}

/// Loads and checks the rules and locales: the rule set, or the diagnostics as text.
pub type Loader = Arc<dyn Fn() -> Result<RuleSet, String> + Send + Sync>;

/// How `rumbo run` was asked to run.
pub struct Settings {
    pub token: String,
    /// Another Bot API server (`TELOXIDE_API_URL`).
    pub api_url: Option<url::Url>,
    /// The session database, `sqlite:path`.
    pub db: String,
    /// Sessions idle longer than this start afresh.
    pub ttl: Duration,
    /// Finished sessions are deleted this long after the result.
    pub grace: Duration,
    /// Webhook mode: the public URL and the local address to listen on.
    pub webhook: Option<(url::Url, SocketAddr)>,
    pub webhook_secret: Option<String>,
    /// Files whose change triggers a reload (`--watch`); empty: only SIGHUP.
    pub watch: Vec<PathBuf>,
    /// Updates one chat may send per minute before it is asked to slow down.
    pub per_minute: u32,
    /// Evaluate the rules as of this date instead of today (demos and tests).
    pub as_of: Option<Date>,
    /// Delete counters older than this many months.
    pub keep_months: Option<u32>,
    /// Telegram user ids allowed to use `/stats` (`RUMBO_ADMINS`); empty: nobody.
    pub admins: HashSet<u64>,
    /// How often expired sessions are swept and old counters forgotten.
    pub sweep_every: Duration,
    /// Messages are paced to Telegram's limits (`false`: `--no-pacing`, for benchmarks and
    /// a Bot API server that paces for us; 429s are still waited out).
    pub pacing: bool,
    /// Anonymous counters are kept (`false`: `--no-counters`, nothing is counted).
    pub counting: bool,
}

/// Reads `RUMBO_ADMINS`: Telegram user ids separated by commas (spaces around them allowed).
/// Empty means nobody. The error says which item is wrong without repeating it (it may be
/// someone's id, and the message goes to the log).
pub fn parse_admins(text: &str) -> Result<HashSet<u64>, String> {
    if text.trim().is_empty() {
        return Ok(HashSet::new());
    }
    text.split(',')
        .enumerate()
        .map(|(i, item)| {
            let item = item.trim();
            let n = i + 1;
            if item.is_empty() {
                return Err(format!("item {n} is empty"));
            }
            if !item.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("item {n} is not a number"));
            }
            match item.parse::<u64>() {
                Ok(id) if id > 0 => Ok(id),
                _ => Err(format!("item {n} is not a Telegram user id")),
            }
        })
        .collect()
}

/// Whether `text` is `/stats` or `/estadisticas` (accent, case and `@botname` tolerated, a
/// payload ignored).
fn is_stats_command(text: &str) -> bool {
    let Some(rest) = text.trim().strip_prefix('/') else {
        return false;
    };
    let word = rest.split(char::is_whitespace).next().unwrap_or(rest);
    let name = crate::matching::normalize(word.split('@').next().unwrap_or(word));
    name == "stats" || name == "estadisticas"
}

/// Whether `token` looks like a bot token (`<digits>:<secret>`), without saying what it is.
pub fn token_is_well_formed(token: &str) -> bool {
    match token.split_once(':') {
        Some((id, secret)) => {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && secret.len() >= 20
                && secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        }
        None => false,
    }
}

/// Every rules version the bot can serve: the newest, and older ones running sessions use.
struct Registry {
    current: Arc<RuleSet>,
    versions: HashMap<String, Arc<RuleSet>>,
}

/// A chat's allowance of updates: a bucket refilled at `per_minute`.
struct Bucket {
    tokens: f64,
    last: Instant,
    noticed: bool,
}

/// What to do with an update from a chat that may be flooding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    Go,
    /// Over the limit for the first time: say so once.
    SlowDown,
    Ignore,
}

struct Limiter {
    per_minute: u32,
    buckets: HashMap<i64, Bucket>,
}

impl Limiter {
    fn check(&mut self, chat: i64, now: Instant) -> Pace {
        let capacity = f64::from(self.per_minute);
        let bucket = self.buckets.entry(chat).or_insert(Bucket {
            tokens: capacity,
            last: now,
            noticed: false,
        });
        let refill = now.duration_since(bucket.last).as_secs_f64() * capacity / 60.0;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            bucket.noticed = false;
            Pace::Go
        } else if !bucket.noticed {
            bucket.noticed = true;
            Pace::SlowDown
        } else {
            Pace::Ignore
        }
    }

    /// Forgets chats quiet long enough to have a full bucket again.
    fn prune(&mut self, now: Instant) {
        self.buckets
            .retain(|_, b| now.duration_since(b.last) < Duration::from_secs(120));
    }
}

/// What every handler shares.
struct App {
    registry: RwLock<Registry>,
    store: Store,
    limiter: Mutex<Limiter>,
    loader: Loader,
    grace: Duration,
    as_of: Option<Date>,
    /// Counters older than this many months are deleted (`None`: kept).
    keep_months: Option<u32>,
    /// Counters not yet written: (day, rules version, locale, metric, key) -> count.
    pending: Mutex<HashMap<PendingKey, u64>>,
    /// Who may use `/stats`.
    admins: HashSet<u64>,
    /// A read-only connection to the database for `/stats` (only when there are admins): the
    /// summary cannot write even by mistake.
    stats: Option<crate::stats::Source>,
    sweep_every: Duration,
    /// One turn at a time per chat in this process, taken in the order the updates arrived;
    /// the sweeper's resume takes its turn too (see `turn`).
    turns: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    /// The places for updates being handled ([`IN_FLIGHT`]), given first come first served.
    in_flight: Arc<tokio::sync::Semaphore>,
    /// `false`: nothing is counted (`--no-counters`).
    counting: bool,
}

type PendingKey = (String, String, String, &'static str, String);

impl App {
    /// Waits for `chat`'s turn in this process, first come first served: a chat's updates
    /// are handled one at a time in the order they asked. The sweeper's resume waits its turn
    /// too; without it the two could run at once: both would be correct (compare-and-swap),
    /// but the message the resume sent could be left with live buttons beside the next screen.
    async fn turn(&self, chat: i64) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = self
            .turns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(chat)
            .or_default()
            .clone();
        lock.lock_owned().await
    }

    /// Whether an update of `chat` is being handled in this process right now.
    fn busy(&self, chat: i64) -> bool {
        self.turns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&chat)
            .is_some_and(|lock| lock.try_lock().is_err())
    }

    /// Waits until no update is being handled (at a stop, after the dispatcher has handed
    /// over its last one).
    async fn drain(&self) {
        let all = u32::try_from(IN_FLIGHT).unwrap_or(u32::MAX);
        if let Ok(permits) = self.in_flight.acquire_many(all).await {
            drop(permits);
        }
    }

    /// Forgets the turns no one holds or waits for.
    fn prune_turns(&self) {
        self.turns
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, lock| Arc::strong_count(lock) > 1);
    }

    /// Whether an update of `chat` may be handled now (see `Limiter`).
    fn pace(&self, chat: ChatId) -> Pace {
        self.limiter
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .check(chat.0, Instant::now())
    }

    /// Adds the counters of one handled event to the batch in memory; `flush_counts` writes
    /// it every second. Counting never waits for the database, so it cannot slow or break a
    /// conversation.
    async fn count(&self, rules_version: &str, locale: &str, counts: &[(&'static str, String)]) {
        if counts.is_empty() || !self.counting {
            return;
        }
        let day = Date::today_utc().to_string();
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        for (metric, key) in counts {
            *pending
                .entry((
                    day.clone(),
                    rules_version.to_string(),
                    locale.to_string(),
                    metric,
                    key.clone(),
                ))
                .or_default() += 1;
        }
    }

    /// Writes the batched counters in one transaction. On failure (a full disk, a locked or
    /// read-only database) they stay in memory for the next try, and the failure is logged
    /// without any personal data: counters hold none.
    async fn flush_counts(&self) {
        let batch = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner()));
        if batch.is_empty() {
            return;
        }
        let rows: Vec<CountRow> = batch
            .iter()
            .map(|((day, version, locale, metric, key), &n)| CountRow {
                day: day.clone(),
                rules_version: version.clone(),
                locale: locale.clone(),
                metric: metric.to_string(),
                key: key.clone(),
                n,
            })
            .collect();
        if let Err(e) = self.store.add_count_rows(&rows).await {
            warn!(error = %e, counters = rows.len(), "adding to the counters failed; kept for the next try");
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            for (k, n) in batch {
                *pending.entry(k).or_default() += n;
            }
        }
    }

    /// Counts a session that expired unfinished, at the question it stopped.
    async fn count_expiry(&self, state: &ChatState) {
        let Some(session) = &state.session else {
            return;
        };
        let set = self.set_for(Some(state));
        let key = match crate::engine::view(&set.rules, session, self.today()) {
            crate::engine::Reply::Ask { question, .. }
                if session.rules_version == set.rules.version =>
            {
                set.rules.question(question).id.clone()
            }
            _ => String::new(),
        };
        let locale = state
            .lang
            .clone()
            .unwrap_or_else(|| set.rules.default_locale.clone());
        self.count(&session.rules_version, &locale, &[("expired", key)])
            .await;
    }

    fn today(&self) -> Date {
        self.as_of.unwrap_or_else(Date::today_utc)
    }

    fn current(&self) -> Arc<RuleSet> {
        self.registry
            .read()
            .map(|r| r.current.clone())
            .unwrap_or_else(|e| e.into_inner().current.clone())
    }

    /// The rules a stored interview runs on: its own version while loaded, else the newest
    /// (the engine then starts it afresh with a notice).
    fn set_for(&self, state: Option<&ChatState>) -> Arc<RuleSet> {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        state
            .and_then(|s| s.session.as_ref())
            .and_then(|s| registry.versions.get(&s.rules_version))
            .cloned()
            .unwrap_or_else(|| registry.current.clone())
    }

    /// Loads the rules again; a file with errors is reported and the last good version
    /// keeps serving.
    async fn reload(&self) {
        match (self.loader)() {
            Ok(set) => {
                let version = set.rules.version.clone();
                let set = Arc::new(set);
                {
                    let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
                    registry.versions.insert(version.clone(), set.clone());
                    registry.current = set;
                }
                info!(rules_version = %version, "rules reloaded");
                self.drop_unused_versions().await;
            }
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                let version = self.current().rules.version.clone();
                warn!(rules_version = %version, "the new rules have errors; still serving the last good version");
            }
        }
    }

    /// Forgets rules versions no stored session runs on.
    async fn drop_unused_versions(&self) {
        let Ok(used) = self.store.versions_in_use().await else {
            return;
        };
        let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
        let current = registry.current.rules.version.clone();
        registry
            .versions
            .retain(|v, _| *v == current || used.contains(v));
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// How often the poller checks that it still holds the polling lock, and a standby tries to
/// take it.
const LEASE_CHECK: Duration = Duration::from_secs(1);

/// How long a stopping bot waits for its last counts to be written and its databases closed.
const CLOSE_WITHIN: Duration = Duration::from_secs(10);

/// How often batched counters are written: one transaction a second, whatever the traffic.
/// A kill -9 loses at most this much counting (never a session).
const COUNT_FLUSH: Duration = Duration::from_secs(1);

/// Runs the bot until SIGINT or SIGTERM.
pub async fn run(settings: Settings, loader: Loader) -> anyhow::Result<()> {
    let first = (loader)().map_err(|diagnostics| anyhow::anyhow!("{diagnostics}"))?;
    let store = Store::open(&settings.db, settings.ttl)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let stats = if settings.admins.is_empty() {
        None
    } else {
        Some(
            crate::stats::open(&settings.db)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?,
        )
    };
    let mut bot = Bot::new(settings.token.clone());
    if let Some(url) = &settings.api_url {
        bot = bot.set_api_url(url.clone());
    }
    // A result is several messages, so a chat may get two at once (Telegram tolerates short
    // bursts; a 429 is waited out anyway); an interview stays well under the per-minute
    // limit. Overall, 28 a second rather than Telegram's 30: our count and Telegram's never
    // run on quite the same second, and each 429 costs its person a wait while the crowd
    // behind overtakes them (the burst benchmark, with teloxide's `Throttle`: 17 429s at 30,
    // 3 at 28; with this pacer at 28, none).
    let pacer = settings.pacing.then(|| {
        Pacer::new(Limits {
            per_chat_second: 2,
            per_chat_minute: 40,
            overall_second: 28,
        })
    });
    let api = Arc::new(Api::new(&bot, pacer)?);
    let bot = Tg { bot, api };
    let first = Arc::new(first);
    let app = Arc::new(App {
        registry: RwLock::new(Registry {
            current: first.clone(),
            versions: HashMap::from([(first.rules.version.clone(), first.clone())]),
        }),
        store,
        limiter: Mutex::new(Limiter {
            per_minute: settings.per_minute.max(1),
            buckets: HashMap::new(),
        }),
        loader,
        grace: settings.grace,
        as_of: settings.as_of,
        keep_months: settings.keep_months,
        pending: Mutex::new(HashMap::new()),
        admins: settings.admins.clone(),
        stats,
        sweep_every: settings.sweep_every.max(Duration::from_secs(1)),
        turns: Mutex::new(HashMap::new()),
        in_flight: Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT)),
        counting: settings.counting,
    });
    set_commands(&bot, &first).await;

    // SIGTERM and Ctrl-C: finish the updates in hand, then stop.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let Ok(mut term) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        else {
            return;
        };
        tokio::select! {
            _ = term.recv() => info!("SIGTERM: finishing the updates in hand, then stopping"),
            _ = tokio::signal::ctrl_c() => info!("Ctrl-C: finishing the updates in hand, then stopping"),
        }
        let _ = stop_tx.send(true);
    });
    spawn_reloads(app.clone(), settings.watch.clone());
    // What expired while the bot was down goes before the first update is read.
    sweep(&app).await;
    spawn_sweeper(bot.clone(), app.clone());
    let flusher = app.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(COUNT_FLUSH).await;
            flusher.flush_counts().await;
        }
    });

    info!(rules_version = %first.rules.version, "rumbo is running");
    let mut failed = false;
    match settings.webhook.clone() {
        None if app.store.backend() == "postgres" => poll_as_elected(&bot, &app, stop_rx).await,
        None => {
            while let (Ended::Failed, _) = poll(&bot, &app, &stop_rx, None).await {
                pause(&stop_rx).await;
            }
        }
        Some((url, listen)) => {
            let secret = settings
                .webhook_secret
                .clone()
                .unwrap_or_else(random_secret);
            // The webhook is set here and never deleted on the way out (teloxide's own setup
            // deletes it when the listener stops): with replicas, one stopping for a deploy
            // must not cut the others off from Telegram.
            bot.api()
                .set_webhook(&url, &secret)
                .await
                .map_err(|e| anyhow::anyhow!("setting the webhook failed: {e}"))?;
            let options = webhooks::Options::new(listen, url).secret_token(secret);
            let (listener, stop, router) = webhooks::axum_no_setup(options);
            let router = router.route("/healthz", axum::routing::get(|| async { "ok\n" }));
            let tcp = tokio::net::TcpListener::bind(listen).await?;
            tokio::spawn(async move {
                if let Err(e) = axum::serve(tcp, router).with_graceful_shutdown(stop).await {
                    warn!(error = %e, "the webhook server stopped");
                }
            });
            // The listener cannot be made again without the server: if the dispatcher
            // cannot start (getMe failed), the process stops with an error for its service
            // manager to restart it.
            failed = matches!(
                serve(&app, dispatcher(&bot, &app), stop_rx, None, listener).await,
                (Ended::Failed, _)
            );
        }
    }
    // A stop ends the process: a database that does not let go (a server restarting, a
    // connection some task still holds) is waited for a while, then left to the server, which
    // frees what a closed socket held. What was stored is stored.
    let closing = async {
        app.flush_counts().await;
        if let Some(pool) = &app.stats {
            pool.close().await;
        }
        app.store.close().await;
    };
    if tokio::time::timeout(CLOSE_WITHIN, closing).await.is_err() {
        warn!(
            "the database did not close within {} s of the stop; stopping anyway",
            CLOSE_WITHIN.as_secs()
        );
    }
    if failed {
        anyhow::bail!("the Bot API did not answer getMe: the webhook was not served");
    }
    info!("stopped");
    Ok(())
}

type Handlers = Dispatcher<Bot, std::convert::Infallible, ()>;

/// How many updates are handled at once. More wait, in the order they arrived, for a place (a
/// burst is answered first come first served, and memory follows this number, not the
/// crowd); enough to keep the Bot API and the database busy (the load benchmark did as many
/// updates a second with 16, 32 or 64), few enough that those admitted together stay close
/// to their order (README, Performance).
const IN_FLIGHT: usize = 32;

/// The dispatcher: messages, button presses and channel posts to their handlers.
fn dispatcher(bot: &Tg, app: &Arc<App>) -> Handlers {
    // One endpoint taking the update whole: dptree hands each handler parameter over as a
    // clone, and a filter per kind would copy the update (with its message and keyboard) once
    // for the filter and again for each parameter.
    let handler = dptree::entry().endpoint(on_update);
    // The dispatcher itself only asks getMe; handlers send through `Tg`. No distribution by
    // chat: teloxide's (a worker per chat, each with a queue of 64 updates) keeps as many
    // workers as were ever busy at once, and serves chats in no particular order. Instead
    // every update goes to one queue whose handlers start in the order of arrival, and
    // `admit` keeps a chat's updates in order and the crowd first come first served.
    Dispatcher::builder(bot.bot.clone(), handler)
        .distribution_function(|_| None::<()>)
        .dependencies(dptree::deps![app.clone(), bot.clone()])
        // The default handler would log whole updates (names, texts, ids).
        .default_handler(|_| async {})
        .build()
}

/// How [`serve`] ended.
enum Ended {
    /// A stop was asked for.
    Stopped,
    /// The polling lock was lost (its database connection is gone).
    LeaseLost,
    /// The dispatcher could not start: its getMe failed.
    Failed,
}

/// Runs `dispatcher` on `listener` until a stop is asked for or, with a lease, until the lease
/// is lost; either way the updates in hand are finished first. Returns how it ended, and the
/// lease.
async fn serve<L>(
    app: &App,
    mut dispatcher: Handlers,
    mut stop: tokio::sync::watch::Receiver<bool>,
    mut lease: Option<crate::store::Lease>,
    listener: L,
) -> (Ended, Option<crate::store::Lease>)
where
    L: UpdateListener + Send,
    L::Err: std::fmt::Debug,
{
    let token = dispatcher.shutdown_token();
    let errors = LoggingErrorHandler::with_custom_text("the update listener failed");
    let dispatching = dispatcher.try_dispatch_with_listener(listener, errors);
    tokio::pin!(dispatching);
    let watching = async {
        tokio::select! {
            _ = stop.wait_for(|stop| *stop) => Ended::Stopped,
            () = async {
                match &mut lease {
                    Some(lease) => loop {
                        tokio::time::sleep(LEASE_CHECK).await;
                        if !lease.alive(LEASE_CHECK).await {
                            break;
                        }
                    },
                    None => std::future::pending::<()>().await,
                }
            } => Ended::LeaseLost,
        }
    };
    let (ended, finished) = tokio::select! {
        started = &mut dispatching => match started {
            // The listener ended by itself: not one of ours.
            Ok(()) => (Ended::Stopped, true),
            Err(_) => {
                warn!("the Bot API did not answer getMe; trying again");
                (Ended::Failed, true)
            }
        },
        ended = watching => {
            if matches!(ended, Ended::LeaseLost) {
                warn!("lost the polling lock (database connection gone): stopping polling");
            }
            // The dispatcher may not be running yet (asking getMe): ask until it is.
            let mut finished = false;
            while !finished && token.shutdown().is_err() {
                tokio::select! {
                    _ = &mut dispatching => finished = true,
                    () = tokio::time::sleep(Duration::from_millis(50)) => {}
                }
            }
            (ended, finished)
        }
    };
    // Runs to its end unless it ended already (a finished future is not polled again).
    if !finished {
        let _ = dispatching.await;
    }
    // The dispatcher is done once every update has a place; wait for them to be handled.
    app.drain().await;
    (ended, lease)
}

/// Serves a dispatcher on a new polling listener (see [`serve`]).
async fn poll(
    bot: &Tg,
    app: &Arc<App>,
    stop: &tokio::sync::watch::Receiver<bool>,
    lease: Option<crate::store::Lease>,
) -> (Ended, Option<crate::store::Lease>) {
    let listener = polling::listener(bot.api.clone());
    serve(app, dispatcher(bot, app), stop.clone(), lease, listener).await
}

/// Waits a second before trying again, or less if a stop is asked for.
async fn pause(stop: &tokio::sync::watch::Receiver<bool>) {
    let mut stop = stop.clone();
    let _ = tokio::time::timeout(LEASE_CHECK, stop.wait_for(|stop| *stop)).await;
}

/// Polling with replicas on PostgreSQL: one replica holds the polling lock and polls; the
/// others wait on standby, trying for the lock every `LEASE_CHECK`. When the poller dies (even
/// by `kill -9`) the database frees its lock and a standby takes over; when the poller loses
/// its database connection it stops polling and stands by again, so two replicas never poll
/// at once for longer than a lease check.
async fn poll_as_elected(bot: &Tg, app: &Arc<App>, stop: tokio::sync::watch::Receiver<bool>) {
    let mut said_standby = false;
    loop {
        if *stop.borrow() {
            return;
        }
        // A stop asked for while the database is slow to answer is not kept waiting.
        let mut stopping = stop.clone();
        let lead = tokio::select! {
            lead = app.store.try_lead() => lead,
            _ = stopping.wait_for(|stop| *stop) => return,
        };
        let lease = match lead {
            Ok(Some(lease)) => lease,
            Ok(None) => {
                if !said_standby {
                    info!("standby: another replica is polling; taking over if it stops");
                    said_standby = true;
                }
                pause(&stop).await;
                continue;
            }
            Err(e) => {
                warn!(error = %e, "cannot reach the database to elect the poller; retrying");
                pause(&stop).await;
                continue;
            }
        };
        said_standby = false;
        info!("elected: this replica polls Telegram");
        let (ended, lease) = poll(bot, app, &stop, Some(lease)).await;
        if let Some(lease) = lease {
            lease.release().await;
        }
        match ended {
            Ended::Stopped => return,
            Ended::LeaseLost => {}
            Ended::Failed => pause(&stop).await,
        }
    }
}

/// A webhook secret when none is configured: 32 characters Telegram accepts.
fn random_secret() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut out = String::new();
    while out.len() < 32 {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(32);
    out
}

/// SIGHUP, and with `--watch` a change to a rules or locale file, reload the rules.
fn spawn_reloads(app: Arc<App>, watch: Vec<PathBuf>) {
    let on_hup = app.clone();
    tokio::spawn(async move {
        let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        else {
            return;
        };
        while hup.recv().await.is_some() {
            info!("SIGHUP: reloading the rules");
            on_hup.reload().await;
        }
    });
    if watch.is_empty() {
        return;
    }
    tokio::spawn(async move {
        let stamp = |paths: &[PathBuf]| -> Vec<Option<SystemTime>> {
            paths
                .iter()
                .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
                .collect()
        };
        let mut seen = stamp(&watch);
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = stamp(&watch);
            if now != seen {
                seen = now;
                info!("a rules or locale file changed: reloading");
                app.reload().await;
            }
        }
    });
}

/// Chats whose replies a dead process cut short get their current screen again, without
/// waiting for the person to press something.
async fn resume_stalled(bot: &Tg, app: &App) {
    // On SQLite every pending decision is a candidate (`stalled` tells them apart).
    let before = match app.store.backend() {
        "sqlite" => i64::MAX,
        _ => unix_now() - STALLED_AFTER,
    };
    match app.store.stalled(before, 100).await {
        Ok(chats) => {
            // Candidates only: `process` tells replies cut short from replies still being
            // sent, and logs each one it sends again.
            for chat in chats {
                // Being handled here now: not cut short, and the sweeper need not wait for it.
                if app.busy(chat) {
                    continue;
                }
                let turn = app.turn(chat).await;
                let job = Job {
                    delivery: None,
                    event: Event::Resume,
                    client_lang: None,
                    press: None,
                };
                process(bot, app, ChatId(chat), job, turn).await;
            }
        }
        Err(e) => warn!(error = %e, "looking for replies cut short failed"),
    }
}

/// Deletes expired sessions, and finished ones after the grace period; counts where the
/// unfinished ones stopped.
async fn sweep(app: &App) {
    match app.store.sweep(unix_now(), app.grace).await {
        Ok((0, _)) => {}
        Ok((n, expired)) => {
            info!(sessions = n, "deleted expired or finished sessions");
            for state in expired {
                app.count_expiry(&state).await;
            }
        }
        Err(e) => warn!(error = %e, "sweeping sessions failed"),
    }
}

/// Deletes expired and finished sessions, resends replies cut short, forgets quiet chats'
/// flood allowances, and gives freed memory back to the system. The first round's sweep is
/// the one `run` makes before polling.
fn spawn_sweeper(bot: Tg, app: Arc<App>) {
    tokio::spawn(async move {
        loop {
            if let Some(months) = app.keep_months {
                let cutoff = Date::today_utc().add_days(-30 * i64::from(months));
                if let Err(e) = app.store.forget_counters_before(&cutoff.to_string()).await {
                    warn!(error = %e, "forgetting old counters failed");
                }
            }
            resume_stalled(&bot, &app).await;
            app.limiter
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .prune(Instant::now());
            app.drop_unused_versions().await;
            app.prune_turns();
            // What the chats handled since the last sweep freed goes back to the system.
            crate::memory::give_back();
            tokio::time::sleep(app.sweep_every).await;
            sweep(&app).await;
        }
    });
}

/// The command menu in each language of the rules, and for everyone else in the default one.
async fn set_commands(bot: &Tg, set: &RuleSet) {
    let commands = |lang: &str| -> Vec<BotCommand> {
        Command::ALL
            .iter()
            .map(|&(command, en, es)| {
                let name = if lang == "es" { es } else { en };
                let description = set
                    .locales
                    .format(lang, command.description_id(), &Args::new())
                    .unwrap_or_else(|_| name.to_string());
                BotCommand::new(name, description)
            })
            .collect()
    };
    for lang in set.locales.languages() {
        let menu = commands(&lang);
        if let Err(e) = bot.api().set_commands(&menu, Some(&lang)).await {
            warn!(error = %e, lang = %lang, "setting the command menu failed");
        }
    }
    let menu = commands(&set.rules.default_locale);
    if let Err(e) = bot.api().set_commands(&menu, None).await {
        warn!(error = %e, "setting the default command menu failed");
    }
}

/// Messages, button presses and channel posts to their handlers; other updates are ignored.
async fn on_update(bot: Tg, update: Update, app: Arc<App>) -> Result<(), std::convert::Infallible> {
    let id = update.id.0;
    match update.kind {
        UpdateKind::Message(msg) => on_message(bot, msg, id, app).await,
        UpdateKind::CallbackQuery(query) => on_callback(bot, query, id, app).await,
        UpdateKind::ChannelPost(msg) => on_channel_post(bot, msg, app).await,
        _ => {}
    }
    Ok(())
}

async fn on_message(bot: Tg, msg: Message, update: u32, app: Arc<App>) {
    let chat = msg.chat.id;
    let client_lang = msg.from.as_ref().and_then(|u| u.language_code.clone());
    if !msg.chat.is_private() {
        private_only(&bot, &app, chat, client_lang.as_deref()).await;
        return;
    }
    match app.pace(chat) {
        Pace::Go => {}
        Pace::SlowDown => {
            say(&bot, &app, chat, client_lang.as_deref(), "ui-flood").await;
            return;
        }
        Pace::Ignore => return,
    }
    if let Some(text) = msg.text()
        && is_stats_command(text)
        && let Some(user) = &msg.from
        && app.admins.contains(&user.id.0)
    {
        send_stats(&bot, &app, chat, client_lang.as_deref()).await;
        return;
    }
    let event = match msg.text() {
        Some(text) => Event::from_text(text),
        None => Event::Unsupported,
    };
    let job = Job {
        delivery: Some(Delivery {
            id: update,
            sent_at: Some(msg.date.timestamp()),
        }),
        event,
        client_lang,
        press: None,
    };
    admit(&bot, &app, chat, job).await;
}

async fn on_callback(bot: Tg, query: CallbackQuery, update: u32, app: Arc<App>) {
    let id = query.id.clone();
    let Some(message) = query.message.as_ref() else {
        // A button on an inline-mode message: not ours.
        answer(&bot, &id, None).await;
        return;
    };
    let chat = message.chat().id;
    let client_lang = query.from.language_code.clone();
    if !message.chat().is_private() {
        answer(&bot, &id, None).await;
        return;
    }
    let pace = app.pace(chat);
    if pace != Pace::Go {
        answer(&bot, &id, None).await;
        if pace == Pace::SlowDown {
            say(&bot, &app, chat, client_lang.as_deref(), "ui-flood").await;
        }
        return;
    }
    let shown = match message {
        MaybeInaccessibleMessage::Regular(m) => Some(m.id.0),
        MaybeInaccessibleMessage::Inaccessible(_) => None,
    };
    let event = Event::Press {
        data: query.data.clone().unwrap_or_default(),
        message: shown,
    };
    let job = Job {
        delivery: Some(Delivery {
            id: update,
            sent_at: None,
        }),
        event,
        client_lang,
        press: Some(id),
    };
    admit(&bot, &app, chat, job).await;
}

async fn on_channel_post(bot: Tg, msg: Message, app: Arc<App>) {
    private_only(&bot, &app, msg.chat.id, None).await;
}

/// `/stats` for an administrator: the summaries of the last 7 and 30 days (UTC, ending today or
/// at `--as-of`), counts below 10 suppressed, in the chat's chosen language or else the app's.
/// Reads only: the session row is peeked at, not loaded (which could expire it), and nothing
/// is counted. The log says that statistics were sent, never to whom.
async fn send_stats(bot: &Tg, app: &App, chat: ChatId, client_lang: Option<&str>) {
    let set = app.current();
    let chosen = app.store.peek_lang(chat.0).await.ok().flatten();
    let lang = chosen
        .filter(|l| set.locales.languages().contains(l))
        .unwrap_or_else(|| {
            set.locales
                .negotiate(client_lang, &set.rules.default_locale)
        });
    let Some(pool) = &app.stats else {
        return;
    };
    let to = app.today();
    let mut parts = Vec::new();
    for days in [7, 30] {
        let from = to.add_days(1 - days);
        match crate::stats::summary(pool, from, to, crate::stats::DEFAULT_K, &lang).await {
            Ok(text) => parts.push(text),
            Err(e) => {
                warn!(error = %e, "reading the statistics failed");
                say(bot, app, chat, Some(&lang), "ui-unavailable").await;
                return;
            }
        }
    }
    match bot.api().send(chat, &parts.join("\n\n"), None).await {
        Ok(_) => info!("statistics sent to an administrator"),
        Err(e) => warn!(error = %e, "sending the statistics failed"),
    }
}

/// How long after a decision was stored its replies count as cut short if they are still not
/// all sent, whoever stored it: longer than sending takes while a process lives (pacing,
/// retries after 5xx and 429s).
const STALLED_AFTER: i64 = 120;

/// This process, as recorded in the decisions it stores (`ChatState::pending_by`).
static INSTANCE: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish()
});

/// Whether the replies of the decision stored in `state` were cut short: it is still pending
/// and either another process stored it on SQLite (one process per file: that one is gone,
/// so it is resumed at once, at the first sweep after a restart), or it is older than
/// [`STALLED_AFTER`] (on PostgreSQL another replica may still be sending it until then).
fn stalled(app: &App, state: &ChatState, now: i64) -> bool {
    let Some(since) = state.pending else {
        return false;
    };
    let gone = app.store.backend() == "sqlite" && state.pending_by != Some(*INSTANCE);
    gone || now - since >= STALLED_AFTER
}

/// What identifies an event as "the same again" before its replies arrived: a button's data
/// or a command with its argument; free text is never kept. `/back` twice means two steps
/// back, so it never counts as the same again.
fn event_key(event: &Event) -> Option<String> {
    match event {
        Event::Press { data, .. } => Some(format!("press {data}")),
        Event::Command {
            command: Command::Back,
            ..
        } => None,
        Event::Command { command, payload } => Some(format!("{command:?} {payload}")),
        Event::Text(_) | Event::Unsupported | Event::Resume => None,
    }
}

/// How many delivery ids a chat's state keeps: Telegram redelivers only its newest updates.
const RECENT_DELIVERIES: usize = 8;

/// Adds `delivery` to the chat's recent ones, forgetting the oldest beyond
/// [`RECENT_DELIVERIES`]. Ids are compared for equality only: Telegram may restart them at a
/// random value after a quiet week.
fn remember(recent: &mut Vec<u32>, delivery: u32) {
    recent.push(delivery);
    if recent.len() > RECENT_DELIVERIES {
        recent.drain(..recent.len() - RECENT_DELIVERIES);
    }
}

/// Groups and channels get one polite sentence and nothing else.
async fn private_only(bot: &Tg, app: &App, chat: ChatId, lang: Option<&str>) {
    say(bot, app, chat, lang, "ui-private-only").await;
}

/// Sends one interface message in the person's language.
async fn say(bot: &Tg, app: &App, chat: ChatId, lang: Option<&str>, id: &str) {
    let set = app.current();
    let lang = set.locales.negotiate(lang, &set.rules.default_locale);
    let text = set
        .locales
        .format(&lang, id, &Args::new())
        .unwrap_or_else(|_| id.to_string());
    if let Err(e) = bot.api().send(chat, &text, None).await {
        warn!(error = %e, "sending a notice failed");
    }
}

/// An update as Telegram delivered it.
#[derive(Clone, Copy)]
struct Delivery {
    /// The update's id: the same id again is the same update delivered twice.
    id: u32,
    /// When the person sent the message (Unix time, whole seconds); presses carry none.
    sent_at: Option<i64>,
}

/// An update to handle: what `process` needs of it.
struct Job {
    delivery: Option<Delivery>,
    event: Event,
    client_lang: Option<String>,
    /// The press to answer, if it is one.
    press: Option<CallbackQueryId>,
}

/// Takes the chat's turn, then a place among the updates in flight, and hands the update to a
/// task of its own. Both are given first come first served, and the dispatcher starts its
/// handlers in the order the updates arrived, so they reach this point in that order (nothing
/// before it waits): a chat's updates are handled in order, and a crowd is served in the order
/// it wrote. Returns once the update has its place.
async fn admit(bot: &Tg, app: &Arc<App>, chat: ChatId, job: Job) {
    let turn = app.turn(chat.0).await;
    let Ok(place) = app.in_flight.clone().acquire_owned().await else {
        return; // never closed
    };
    let (bot, app) = (bot.clone(), app.clone());
    tokio::spawn(async move {
        process(&bot, &app, chat, job, turn).await;
        drop(place);
    });
}

/// One event of one chat, in its turn: load, decide, act, store.
async fn process(
    bot: &Tg,
    app: &App,
    chat: ChatId,
    job: Job,
    _turn: tokio::sync::OwnedMutexGuard<()>,
) {
    let Job {
        delivery,
        event,
        client_lang,
        press,
    } = job;
    let now = unix_now();
    // Decide, then claim the decision with a compare-and-swap write before acting on it: when
    // two replicas get updates of one chat at once, the one that loses the race decides again
    // on the winner's state, so no answer is lost or applied twice, and nothing is sent that
    // was not stored.
    let mut attempts = 0;
    let (set, outcome, version, active_at) = loop {
        let loaded = match app.store.load(chat.0, now).await {
            Ok(l) => l,
            Err(e) => {
                warn!(error = %e, "loading a session failed");
                unavailable(bot, app, chat, client_lang.as_deref(), press.as_ref()).await;
                return;
            }
        };
        if let Some(old) = &loaded.expired_state {
            app.count_expiry(old).await;
        }
        // Delivered before, or the same button pressed again: if the replies to the last
        // decision were never all sent (the process sending them died), show the current
        // screen again; otherwise a second delivery was applied already (here or on another
        // replica) and only the press is acknowledged.
        let key = event_key(&event);
        let (redelivered, same_press, stalled, early) = match &loaded.state {
            Some(s) => {
                let stalled = stalled(app, s, now);
                // The same press or command as the last decision's, before its replies
                // reached the person: still being sent, or this one was written before they
                // were all sent (Telegram dates messages in whole seconds).
                let early = key.is_some()
                    && s.last_event == key
                    && (s.pending.is_some() && !stalled
                        || delivery
                            .and_then(|d| d.sent_at)
                            .zip(s.replied_at)
                            .is_some_and(|(at, done)| at <= done));
                (
                    delivery.is_some_and(|d| s.recent.contains(&d.id)),
                    matches!(&event, Event::Press { data, .. } if s.last_press.as_deref() == Some(data)),
                    stalled,
                    early,
                )
            }
            None => (false, false, false, false),
        };
        // The sweeper's own resume (no update): only if the replies are still cut short.
        if matches!(event, Event::Resume) {
            if !stalled {
                return;
            }
            info!("replies in a chat were cut short: sending its screen again");
        }
        let event = if stalled && (redelivered || same_press || early) {
            info!("the last reply in a chat was cut short: showing its screen again");
            Event::Resume
        } else if redelivered || early {
            // Applied before; or the same press or command again before the replies to it
            // reached the person (a slow Bot API, someone tired of waiting): they are on
            // their way or there already, and applying it again would show a screen twice.
            if let Some(id) = &press {
                answer(bot, id, None).await;
            }
            return;
        } else {
            event.clone()
        };
        let set = app.set_for(loaded.state.as_ref());
        // No update to say the app's language (the sweeper's resume): the last screen's.
        let shown_in = loaded.state.as_ref().and_then(|s| s.shown_in.clone());
        let ctx = Context {
            set: &set,
            client_lang: client_lang.as_deref().or(shown_in.as_deref()),
            today: app.today(),
            expired: loaded.expired,
            unreadable: loaded.unreadable,
        };
        // Kept across a restart of the interview, which starts a fresh state.
        let mut recent = loaded
            .state
            .as_ref()
            .map(|s| s.recent.clone())
            .unwrap_or_default();
        if let Some(delivery) = delivery {
            remember(&mut recent, delivery.id);
        }
        // A resume answers the same event again, and sends only what the decision cut short
        // had not sent: its last messages are always the screen a resume shows.
        let (key, missing) = match (&event, &loaded.state) {
            // (No count: stored by an older version, which did not keep one; send it all.)
            (Event::Resume, Some(s)) if s.sends > 0 => {
                (s.last_event.clone(), s.sends.checked_sub(s.sent))
            }
            (Event::Resume, Some(s)) => (s.last_event.clone(), None),
            _ => (key, None),
        };
        let mut outcome = conversation::handle(loaded.state, event, &ctx);
        if let Some(missing) = missing {
            let sends = outcome.effects.iter().filter(|e| is_send(e)).count();
            let mut skip = sends.saturating_sub(missing as usize);
            outcome.effects.retain(|e| {
                let keep = skip == 0 || !is_send(e);
                if !keep {
                    skip -= 1;
                }
                keep
            });
        }
        let sends = outcome.effects.iter().filter(|e| is_send(e)).count();
        if let Some(state) = outcome.state.as_mut() {
            state.sends = u32::try_from(sends).unwrap_or(u32::MAX);
            state.sent = 0;
            state.recent = recent;
            // Until the replies are sent (see the end of this function).
            state.pending = Some(now);
            state.pending_by = Some(*INSTANCE);
            state.last_event = key;
            state.replied_at = None;
            state.shown_in = Some(outcome.lang.clone());
        }
        let claimed = match &outcome.state {
            Some(s) => {
                app.store
                    .save(chat.0, s, loaded.version, loaded.active_at, now)
                    .await
            }
            None => app.store.delete(chat.0).await.map(|()| Some(now)),
        };
        match claimed {
            // The row's version after this write (a new row starts at 1), and its time of
            // activity.
            Ok(Some(at)) => break (set, outcome, loaded.version + 1, at),
            Ok(None) if attempts < MAX_ATTEMPTS => attempts += 1,
            Ok(None) => {
                warn!("a session kept changing under this update; it was not applied");
                unavailable(bot, app, chat, client_lang.as_deref(), press.as_ref()).await;
                return;
            }
            Err(e) => {
                warn!(error = %e, "storing a session failed");
                unavailable(bot, app, chat, client_lang.as_deref(), press.as_ref()).await;
                return;
            }
        }
    };
    // Counted after the replies and the save, so a slow or failing counter write never
    // delays or breaks the conversation (`count` only logs a failure).
    let counted = || app.count(&set.rules.version, &outcome.lang, &outcome.counts);
    let mut state = outcome.state;
    let mut version = version;
    // The press is answered (every press, once: the first answer's notice, if any) and the
    // answered question edited while the next screen is sent: the person waits for the
    // screen only, and a slow or failing answer or edit never delays it. Each of the three
    // keeps its own order; none depends on another.
    let mut notice = None;
    let mut edits = Vec::new();
    let mut sends = Vec::new();
    for effect in outcome.effects {
        match effect {
            Effect::AnswerPress(text) => {
                notice.get_or_insert(text);
            }
            Effect::Edit { message, text } => edits.push((message, text)),
            Effect::Send { screen, current } => sends.push((screen, current)),
        }
    }
    let answering = async {
        if let Some(id) = &press {
            answer(bot, id, notice.flatten()).await;
        }
    };
    let editing = async {
        for (message, text) in edits {
            match bot.api().edit(chat, message, &text).await {
                Ok(()) | Err(Failure::Api(ApiError::MessageNotModified)) => {}
                // An old message Telegram no longer lets us edit: the new screen follows
                // anyway.
                Err(Failure::Api(
                    ApiError::MessageCantBeEdited | ApiError::MessageToEditNotFound,
                )) => {}
                Err(e) if e.gone() => return Err(Gone),
                Err(e) => warn!(error = %e, "editing a message failed"),
            }
        }
        Ok(())
    };
    // Progress is recorded after each message but the last (whose record is the completion
    // below), until another update of this chat is stored: then that one's state wins.
    let sending = async {
        let mut recording = true;
        for (screen, current) in sends {
            match bot
                .api()
                .send(chat, &screen.text, Some(&keyboard(&screen)))
                .await
            {
                Ok(sent) => {
                    let Some(s) = state.as_mut() else { continue };
                    if current {
                        s.current_message = Some(sent.0);
                    }
                    s.sent += 1;
                    if recording && s.sent < s.sends {
                        match app.store.record(chat.0, s, version).await {
                            Ok(true) => version += 1,
                            Ok(false) => recording = false,
                            Err(e) => {
                                warn!(error = %e, "storing a session failed");
                                recording = false;
                            }
                        }
                    }
                }
                Err(e) if e.gone() => return Err(Gone),
                Err(e) => warn!(error = %e, "sending a message failed"),
            }
        }
        Ok(())
    };
    let ((), edited, sent) = tokio::join!(answering, editing, sending);
    if edited.is_err() || sent.is_err() {
        forget(app, chat).await;
        counted().await;
        return;
    }
    // Every reply is sent: the decision is complete. This write also stores the id of the
    // message now on screen (to edit it later), known only after sending. If another update
    // of this chat was stored meanwhile, its state wins.
    // Once stored, the state is kept for the chat's next update, which then need not read it.
    if let Some(mut s) = state {
        s.pending = None;
        s.pending_by = None;
        s.sends = 0;
        s.sent = 0;
        s.replied_at = Some(unix_now());
        match app.store.record(chat.0, &s, version).await {
            Ok(true) => app.store.keep(chat.0, s, version + 1, active_at),
            Ok(false) => {}
            Err(e) => warn!(error = %e, "storing a session failed"),
        }
    }
    counted().await;
}

/// The person blocked the bot or their account is gone (see [`gone`]).
struct Gone;

fn is_send(effect: &Effect) -> bool {
    matches!(effect, Effect::Send { .. })
}

/// How many times an update is decided again after losing a race with another replica.
const MAX_ATTEMPTS: u32 = 5;

/// The store cannot be read or written: the press is acknowledged and the person gets a short
/// apology; nothing else is done, so nothing is half-applied.
async fn unavailable(
    bot: &Tg,
    app: &App,
    chat: ChatId,
    lang: Option<&str>,
    press: Option<&CallbackQueryId>,
) {
    if let Some(id) = press {
        answer(bot, id, None).await;
    }
    say(bot, app, chat, lang, "ui-unavailable").await;
}

async fn forget(app: &App, chat: ChatId) {
    if let Err(e) = app.store.delete(chat.0).await {
        warn!(error = %e, "deleting a session failed");
    }
}

/// Answers a button press; a query too old to answer (after downtime) is not an error.
async fn answer(bot: &Tg, id: &CallbackQueryId, text: Option<String>) {
    // A query too old to answer (after downtime) is harmless; Telegram words it "query ID"
    // and teloxide matches "query id", so it may come as an unknown error too.
    match bot.api().answer(&id.0, text.as_deref()).await {
        Ok(()) | Err(Failure::Api(ApiError::InvalidQueryId)) => {}
        Err(Failure::Api(ApiError::Unknown(text)))
            if text.to_ascii_lowercase().contains("query is too old") => {}
        Err(e) => warn!(error = %e, "answering a button press failed"),
    }
}

/// The buttons of a screen, one row per row; a link that is not a URL is left out.
fn keyboard(screen: &Screen) -> InlineKeyboardMarkup {
    let rows = screen
        .buttons
        .iter()
        .map(|row| {
            row.iter()
                .filter_map(|b| match &b.target {
                    Target::Callback(cb) => {
                        Some(InlineKeyboardButton::callback(b.label.clone(), cb.encode()))
                    }
                    Target::Url(u) => url::Url::parse(u)
                        .ok()
                        .map(|u| InlineKeyboardButton::url(b.label.clone(), u)),
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect::<Vec<_>>();
    InlineKeyboardMarkup::new(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_are_parsed_strictly() {
        assert_eq!(parse_admins("").unwrap(), HashSet::new());
        assert_eq!(parse_admins("  ").unwrap(), HashSet::new());
        assert_eq!(
            parse_admins("123456789, 987654321987").unwrap(),
            HashSet::from([123_456_789, 987_654_321_987])
        );
        for (bad, why) in [
            ("12,,13", "item 2 is empty"),
            ("12,", "item 2 is empty"),
            ("12;13", "item 1 is not a number"),
            ("-5", "item 1 is not a number"),
            ("@someone", "item 1 is not a number"),
            ("0", "item 1 is not a Telegram user id"),
            (
                "99999999999999999999999",
                "item 1 is not a Telegram user id",
            ),
        ] {
            let err = parse_admins(bad).unwrap_err();
            assert_eq!(err, why, "{bad:?}");
        }
    }

    #[test]
    fn the_same_again_is_a_press_or_a_command_but_back() {
        let start = Event::from_text("/start flyer-a");
        assert_eq!(event_key(&start), Some("Start flyer-a".into()));
        assert_ne!(
            event_key(&start),
            event_key(&Event::from_text("/start flyer-b"))
        );
        assert_eq!(event_key(&Event::from_text("/atras")), None);
        assert_eq!(event_key(&Event::from_text("/back")), None);
        assert_eq!(event_key(&Event::from_text("Colombia")), None);
        let press = Event::Press {
            data: "2:a:1:a:q:c".into(),
            message: Some(3),
        };
        assert_eq!(event_key(&press), Some("press 2:a:1:a:q:c".into()));
    }

    #[test]
    fn a_chat_remembers_its_newest_deliveries_only() {
        let mut recent = Vec::new();
        for id in 1..=20 {
            remember(&mut recent, id);
        }
        assert_eq!(recent, (13..=20).collect::<Vec<u32>>());
        // Ids restarted at random by Telegram: still just remembered, never compared by order.
        remember(&mut recent, 3);
        assert!(recent.contains(&3) && !recent.contains(&13));
        // An old state without the field reads as remembering nothing.
        let state: ChatState = serde_json::from_str(r#"{"format":1,"step":2}"#).unwrap();
        assert!(state.recent.is_empty());
    }

    #[test]
    fn stats_commands_are_recognised() {
        for yes in [
            "/stats",
            "/STATS",
            " /stats@rumbo_bot",
            "/estadisticas",
            "/estadísticas",
            "/stats now",
        ] {
            assert!(is_stats_command(yes), "{yes:?}");
        }
        for no in ["stats", "/stat", "/statsx", "/start", "/ stats", ""] {
            assert!(!is_stats_command(no), "{no:?}");
        }
    }
}
