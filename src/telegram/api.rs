//! The Bot API methods rumbo calls, not through teloxide's request code (and, unless a proxy
//! is configured, not through its HTTP client either: see [`super::http`]).
//!
//! Why not teloxide's requests: teloxide-core waits a fixed 10 seconds after any 5xx answer
//! before even reporting it (`DELAY_ON_SERVER_ERROR`, not configurable), on every method. With
//! one request in ten failing (the fault tests' 5xx row), a getUpdates that failed paused
//! everyone's updates for 10 s and a failed send held its person's next screen for 10 s more;
//! a step could take over 30 s. Here a server error is retried after a short backoff.
//!
//! What stays teloxide's: its types (updates, keyboards, errors as Telegram describes them),
//! its dispatcher and its webhook listener. What is here: the envelope of an answer
//! (`ok`, `result`, `description`, `parameters.retry_after`), [`retry`], and [`Pacer`], the
//! pacing of messages to Telegram's limits that teloxide's `Throttle` adaptor did.
//!
//! Nothing here logs or returns the request URL: it holds the bot's token. A network error is
//! reported as [`Failure::Network`] and nothing more.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;
use tracing::info;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use teloxide::ApiError;
use teloxide::types::{BotCommand, ChatId, InlineKeyboardMarkup, MessageId};

use super::http::Http;

/// Why a request did not succeed.
#[derive(Debug)]
pub(super) enum Failure {
    /// Telegram refused it, and said why.
    Api(ApiError),
    /// Too many requests: try again after this long.
    RetryAfter(Duration),
    /// The Bot API server failed (a 5xx): its status.
    Server(u16),
    /// No answer: the connection failed or timed out.
    Network,
    /// An answer that is not the Bot API's JSON.
    Unreadable,
}

impl Failure {
    /// A failure that may pass by itself: the network, or the server side of the Bot API.
    pub(super) fn transient(&self) -> bool {
        matches!(self, Self::Server(_) | Self::Network | Self::Unreadable)
    }

    /// The person blocked the bot, or their account or chat is gone.
    pub(super) fn gone(&self) -> bool {
        matches!(
            self,
            Self::Api(ApiError::BotBlocked | ApiError::UserDeactivated | ApiError::ChatNotFound)
        )
    }
}

impl std::fmt::Display for Failure {
    /// Its kind, never a response body or the URL.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api(api) => write!(f, "Bot API error: {api}"),
            Self::RetryAfter(wait) => write!(f, "rate limited for {} s", wait.as_secs()),
            Self::Server(status) => write!(f, "Bot API server error {status}"),
            Self::Network => f.write_str("network error"),
            Self::Unreadable => f.write_str("the Bot API answered something unreadable"),
        }
    }
}

/// An answer of the Bot API.
#[derive(Deserialize)]
struct Envelope<T> {
    ok: bool,
    result: Option<T>,
    description: Option<String>,
    parameters: Option<Parameters>,
}

#[derive(Deserialize)]
struct Parameters {
    retry_after: Option<u64>,
}

/// Of a sent message, all rumbo needs: its id, to edit it later.
#[derive(Deserialize)]
struct Sent {
    message_id: i32,
}

/// How long getUpdates waits for updates when there are none (long polling); under the HTTP
/// client's 17 s timeout.
pub(super) const LONG_POLL: u32 = 10;

/// The Bot API methods rumbo calls; each one's URL is made once (see [`Api::new`]).
#[derive(Clone, Copy)]
enum Method {
    SendMessage,
    EditMessageText,
    AnswerCallbackQuery,
    SetMyCommands,
    SetWebhook,
    GetUpdates,
}

impl Method {
    /// Every method, in the order of their values (the index of each one's URL).
    const ALL: [Method; 6] = [
        Method::SendMessage,
        Method::EditMessageText,
        Method::AnswerCallbackQuery,
        Method::SetMyCommands,
        Method::SetWebhook,
        Method::GetUpdates,
    ];

    /// Its name in the Bot API.
    fn name(self) -> &'static str {
        match self {
            Method::SendMessage => "sendMessage",
            Method::EditMessageText => "editMessageText",
            Method::AnswerCallbackQuery => "answerCallbackQuery",
            Method::SetMyCommands => "setMyCommands",
            Method::SetWebhook => "setWebhook",
            Method::GetUpdates => "getUpdates",
        }
    }
}

/// The Bot API of one bot.
pub(super) struct Api {
    /// Posts to `…/bot<token>/<method>` for each [`Method`], in the order of [`Method::ALL`]
    /// (never logged).
    http: Http,
    /// Pacing of messages (`None`: `--no-pacing`).
    pacer: Option<Pacer>,
}

/// The body of a sendMessage.
#[derive(Serialize)]
struct SendMessage<'a> {
    chat_id: i64,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply_markup: Option<&'a InlineKeyboardMarkup>,
}

/// The body of an editMessageText that also removes the buttons.
#[derive(Serialize)]
struct EditMessageText<'a> {
    chat_id: i64,
    message_id: i32,
    text: &'a str,
    reply_markup: InlineKeyboardMarkup,
}

/// The body of an answerCallbackQuery.
#[derive(Serialize)]
struct AnswerCallbackQuery<'a> {
    callback_query_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<&'a str>,
}

/// The body of a setMyCommands.
#[derive(Serialize)]
struct SetMyCommands<'a> {
    commands: &'a [BotCommand],
    #[serde(skip_serializing_if = "Option::is_none")]
    language_code: Option<&'a str>,
}

/// The body of a setWebhook.
#[derive(Serialize)]
struct SetWebhook<'a> {
    url: &'a str,
    secret_token: &'a str,
}

/// The body of a getUpdates.
#[derive(Serialize)]
struct GetUpdates<'a> {
    offset: i32,
    limit: u8,
    timeout: u32,
    allowed_updates: &'a [String],
}

/// A request's body as JSON, made once for all its attempts.
fn json(body: &impl Serialize) -> Result<Bytes, Failure> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|_| Failure::Unreadable)
}

impl Api {
    /// The API of `bot` (its client, server and token), messages paced unless `pacer` is none.
    pub(super) fn new(bot: &teloxide::Bot, pacer: Option<Pacer>) -> anyhow::Result<Self> {
        let base = bot_url(bot.api_url(), bot.token())?;
        let urls = Method::ALL
            .iter()
            .map(|method| {
                let mut url = base.clone();
                if let Ok(mut path) = url.path_segments_mut() {
                    path.push(method.name());
                }
                url
            })
            .collect();
        let http = Http::new(urls, bot.client().clone())?;
        if http.proxied() {
            info!("the Bot API is reached through the proxy the environment names");
        }
        Ok(Self { http, pacer })
    }

    /// Calls `method` with `body` (JSON) once.
    async fn call<T: DeserializeOwned>(&self, method: Method, body: &Bytes) -> Result<T, Failure> {
        let (status, bytes) = self
            .http
            .post(method as usize, body)
            .await
            .map_err(|_| Failure::Network)?;
        if (500..600).contains(&status) {
            return Err(Failure::Server(status));
        }
        let envelope: Envelope<T> =
            serde_json::from_slice(&bytes).map_err(|_| Failure::Unreadable)?;
        match envelope {
            Envelope {
                ok: true,
                result: Some(result),
                ..
            } => Ok(result),
            Envelope { ok: true, .. } => Err(Failure::Unreadable),
            Envelope {
                parameters:
                    Some(Parameters {
                        retry_after: Some(seconds),
                    }),
                ..
            } => Err(Failure::RetryAfter(Duration::from_secs(seconds))),
            _ if status == 429 => Err(Failure::RetryAfter(Duration::from_secs(1))),
            Envelope { description, .. } => {
                let description = description.unwrap_or_default();
                // teloxide reads Telegram's descriptions into its `ApiError` (unknown ones
                // into `ApiError::Unknown`, keeping the text).
                let error = serde_json::from_value(serde_json::Value::String(description))
                    .map_err(|_| Failure::Unreadable)?;
                Err(Failure::Api(error))
            }
        }
    }

    /// Sends a message (paced, see [`Pacer`]) with [`retry`]: the new message's id.
    pub(super) async fn send(
        &self,
        chat: ChatId,
        text: &str,
        reply_markup: Option<&InlineKeyboardMarkup>,
    ) -> Result<MessageId, Failure> {
        let body = json(&SendMessage {
            chat_id: chat.0,
            text,
            reply_markup,
        })?;
        retry(|| async {
            if let Some(pacer) = &self.pacer {
                pacer.wait(chat.0).await;
            }
            self.call::<Sent>(Method::SendMessage, &body).await
        })
        .await
        .map(|sent| MessageId(sent.message_id))
    }

    /// Replaces a message's text and removes its buttons, with [`retry`].
    pub(super) async fn edit(&self, chat: ChatId, message: i32, text: &str) -> Result<(), Failure> {
        let body = json(&EditMessageText {
            chat_id: chat.0,
            message_id: message,
            text,
            reply_markup: InlineKeyboardMarkup::default(),
        })?;
        retry(|| self.call::<IgnoredAny>(Method::EditMessageText, &body))
            .await
            .map(drop)
    }

    /// Answers a button press, with [`retry`].
    pub(super) async fn answer(&self, query: &str, text: Option<&str>) -> Result<(), Failure> {
        let body = json(&AnswerCallbackQuery {
            callback_query_id: query,
            text,
        })?;
        retry(|| self.call::<IgnoredAny>(Method::AnswerCallbackQuery, &body))
            .await
            .map(drop)
    }

    /// Sets the command menu (for one language, or the default one), with [`retry`].
    pub(super) async fn set_commands(
        &self,
        commands: &[BotCommand],
        lang: Option<&str>,
    ) -> Result<(), Failure> {
        let body = json(&SetMyCommands {
            commands,
            language_code: lang,
        })?;
        retry(|| self.call::<IgnoredAny>(Method::SetMyCommands, &body))
            .await
            .map(drop)
    }

    /// Sets the webhook with its secret token, with [`retry`].
    pub(super) async fn set_webhook(&self, url: &url::Url, secret: &str) -> Result<(), Failure> {
        let body = json(&SetWebhook {
            url: url.as_str(),
            secret_token: secret,
        })?;
        retry(|| self.call::<IgnoredAny>(Method::SetWebhook, &body))
            .await
            .map(drop)
    }

    /// One getUpdates, not retried (the poller has its own backoff): the updates as received,
    /// each read by the poller on its own so that one it cannot read does not hide the others.
    pub(super) async fn get_updates(
        &self,
        offset: i32,
        limit: u8,
        timeout: u32,
        allowed: &[String],
    ) -> Result<Vec<Box<RawValue>>, Failure> {
        let body = json(&GetUpdates {
            offset,
            limit,
            timeout,
            allowed_updates: allowed,
        })?;
        self.call(Method::GetUpdates, &body).await
    }
}

/// `server/bot<token>`, as segments: a token has a colon, and joined as text it would read as
/// a URL scheme.
fn bot_url(mut server: url::Url, token: &str) -> anyhow::Result<url::Url> {
    server
        .path_segments_mut()
        .map_err(|()| anyhow::anyhow!("the Bot API URL cannot have a path"))?
        .pop_if_empty()
        .push(&format!("bot{token}"));
    Ok(server)
}

/// How many times a request is tried when Telegram asks to wait (429).
const ATTEMPTS_AFTER_429: u32 = 5;

/// How long a request that keeps failing for a transient reason is tried again: long enough
/// for a Bot API hiccup, short enough that the person gets a word within the minute.
const TRANSIENT_FOR: Duration = Duration::from_secs(30);

/// Runs `call` until it succeeds, waiting out 429s (`retry_after`, for every method) and
/// retrying network and server errors with a backoff from 200 ms doubling to 5 s, for up to
/// [`TRANSIENT_FOR`]. A refusal (a 4xx other than 429) is returned at once.
pub(super) async fn retry<T, F, Fut>(mut call: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let started = Instant::now();
    let mut delay = Duration::from_millis(200);
    let mut limited = 0;
    loop {
        match call().await {
            Ok(out) => return Ok(out),
            Err(Failure::RetryAfter(wait)) if limited + 1 < ATTEMPTS_AFTER_429 => {
                limited += 1;
                tokio::time::sleep(wait).await;
            }
            Err(e) if e.transient() && started.elapsed() + delay < TRANSIENT_FOR => {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Telegram's limits on messages, as rumbo paces them.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    pub per_chat_second: u32,
    pub per_chat_minute: u32,
    pub overall_second: u32,
}

impl Limits {
    /// The spacing of one chat's messages once its burst is spent.
    fn chat_interval(self) -> Duration {
        Duration::from_secs(1) / self.per_chat_second.max(1)
    }

    /// The spacing of everyone's messages together.
    fn overall_interval(self) -> Duration {
        Duration::from_secs(1) / self.overall_second.max(1)
    }
}

/// Paces messages to [`Limits`], evenly: a chat gets two messages at once and then one every
/// half second (and no more than its minute's worth), everyone together one every 1/28 s. A
/// message waits until its chat may have one more, then for the next overall slot, which
/// messages ready to go get first come first served: a chat waiting for its own turn never
/// holds up the others. Even spacing (instead of a second's worth at once and then a second of
/// silence) keeps a busy bot's sends flowing and a server counting its own seconds content.
pub(super) struct Pacer {
    limits: Limits,
    /// The order in which messages whose chat may send take the overall slots.
    queue: tokio::sync::Mutex<()>,
    history: Mutex<History>,
}

/// When the next messages may go.
struct History {
    /// The next overall slot.
    next: Instant,
    chats: HashMap<i64, ChatHistory>,
    pruned: Instant,
}

#[derive(Default)]
struct ChatHistory {
    /// When the chat's next message would be due if it sent one every interval; it may send
    /// while this is at most one interval ahead of now (a burst of two).
    due: Option<Instant>,
    /// Its messages in the last minute.
    minute: VecDeque<Instant>,
}

const MINUTE: Duration = Duration::from_secs(60);

impl History {
    /// How long `chat` must wait before it may have one more message: zero if it may now.
    fn chat_wait(&self, chat: i64, limits: Limits, now: Instant) -> Duration {
        let Some(history) = self.chats.get(&chat) else {
            return Duration::ZERO;
        };
        let burst = limits.chat_interval() * limits.per_chat_second.saturating_sub(1);
        let mut wait = history.due.map_or(Duration::ZERO, |due| {
            due.saturating_duration_since(now + burst)
        });
        let in_minute = history.minute.iter().filter(|t| now - **t < MINUTE).count();
        if in_minute >= limits.per_chat_minute as usize {
            let oldest = history.minute[history.minute.len() - in_minute];
            wait = wait.max((oldest + MINUTE).saturating_duration_since(now));
        }
        wait
    }

    /// Counts a message to `chat` sent now.
    fn sent(&mut self, chat: i64, limits: Limits, now: Instant) {
        self.next = self.next.max(now) + limits.overall_interval();
        let history = self.chats.entry(chat).or_default();
        history.due = Some(history.due.map_or(now, |due| due.max(now)) + limits.chat_interval());
        history.minute.push_back(now);
    }

    /// Forgets, at most once a second, the chats that have nothing left to wait for.
    fn prune(&mut self, now: Instant) {
        if now - self.pruned < Duration::from_secs(1) {
            return;
        }
        self.pruned = now;
        self.chats.retain(|_, history| {
            while history.minute.front().is_some_and(|t| now - *t >= MINUTE) {
                history.minute.pop_front();
            }
            !history.minute.is_empty()
        });
    }
}

impl Pacer {
    pub(super) fn new(limits: Limits) -> Self {
        let now = Instant::now();
        Self {
            limits,
            queue: tokio::sync::Mutex::new(()),
            history: Mutex::new(History {
                next: now,
                chats: HashMap::new(),
                pruned: now,
            }),
        }
    }

    fn history(&self) -> std::sync::MutexGuard<'_, History> {
        self.history.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a message to `chat` may go, and counts it as sent.
    pub(super) async fn wait(&self, chat: i64) {
        loop {
            // The chat's own limits first, without holding anyone up.
            loop {
                let wait = self.history().chat_wait(chat, self.limits, Instant::now());
                if wait.is_zero() {
                    break;
                }
                tokio::time::sleep(wait).await;
            }
            // Then the next overall slot, in turn (tokio's mutex is fair).
            let _turn = self.queue.lock().await;
            loop {
                let now = Instant::now();
                let wait = {
                    let mut history = self.history();
                    history.prune(now);
                    if !history.chat_wait(chat, self.limits, now).is_zero() {
                        // Another message to this chat went meanwhile: its limits again.
                        None
                    } else if history.next <= now {
                        history.sent(chat, self.limits, now);
                        return;
                    } else {
                        Some(history.next - now)
                    }
                };
                match wait {
                    Some(wait) => tokio::time::sleep(wait).await,
                    None => break,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        per_chat_second: 2,
        per_chat_minute: 40,
        overall_second: 28,
    };

    #[test]
    fn each_method_finds_its_own_url() {
        for (index, method) in Method::ALL.iter().enumerate() {
            assert_eq!(*method as usize, index, "{}", method.name());
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_gets_two_messages_a_second() {
        let pacer = Pacer::new(LIMITS);
        let start = tokio::time::Instant::now();
        for _ in 0..6 {
            pacer.wait(1).await;
        }
        // Two at once, then one every half second.
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(2), "{took:?}");
        assert!(took < Duration::from_millis(2100), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_gets_forty_messages_a_minute() {
        let pacer = Pacer::new(LIMITS);
        let start = tokio::time::Instant::now();
        for _ in 0..41 {
            pacer.wait(1).await;
        }
        let took = start.elapsed();
        assert!(took >= Duration::from_secs(60), "{took:?}");
        assert!(took < Duration::from_secs(61), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn everyone_together_gets_the_overall_limit() {
        let pacer = std::sync::Arc::new(Pacer::new(LIMITS));
        let start = tokio::time::Instant::now();
        let tasks: Vec<_> = (0..85)
            .map(|chat| {
                let pacer = pacer.clone();
                tokio::spawn(async move { pacer.wait(chat).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        // One every 1/28 s: the 85th after three seconds.
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(2990), "{took:?}");
        assert!(took < Duration::from_millis(3100), "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_chat_at_its_limit_does_not_hold_up_the_others() {
        let pacer = std::sync::Arc::new(Pacer::new(LIMITS));
        let first = tokio::time::Instant::now();
        pacer.wait(1).await;
        pacer.wait(1).await;
        let waiting = {
            let pacer = pacer.clone();
            tokio::spawn(async move { pacer.wait(1).await })
        };
        tokio::task::yield_now().await;
        let start = tokio::time::Instant::now();
        pacer.wait(2).await;
        // Only the overall spacing after chat 1's two (2/28 s), not chat 1's half second.
        assert!(
            start.elapsed() < Duration::from_millis(100),
            "{:?}",
            start.elapsed()
        );
        waiting.await.unwrap();
        assert!(
            first.elapsed() >= Duration::from_millis(500),
            "{:?}",
            first.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_and_refusals_are_not() {
        let mut tries = 0;
        let out = retry(|| {
            tries += 1;
            let n = tries;
            async move {
                match n {
                    1 => Err(Failure::Server(502)),
                    2 => Err(Failure::Network),
                    3 => Err(Failure::RetryAfter(Duration::from_secs(1))),
                    _ => Ok(n),
                }
            }
        })
        .await;
        assert_eq!(out.unwrap(), 4);

        let mut tries = 0;
        let out: Result<(), _> = retry(|| {
            tries += 1;
            async { Err(Failure::Api(ApiError::BotBlocked)) }
        })
        .await;
        assert!(matches!(out, Err(Failure::Api(ApiError::BotBlocked))));
        assert_eq!(tries, 1);

        // A server that keeps failing is given up on after `TRANSIENT_FOR`.
        let start = tokio::time::Instant::now();
        let out: Result<(), _> = retry(|| async { Err(Failure::Server(500)) }).await;
        assert!(matches!(out, Err(Failure::Server(500))));
        assert!(start.elapsed() <= TRANSIENT_FOR, "{:?}", start.elapsed());
        assert!(start.elapsed() >= TRANSIENT_FOR - Duration::from_secs(6));
    }

    #[test]
    fn method_urls_keep_the_servers_path_and_the_whole_token() {
        for (server, expected) in [
            (
                "https://api.telegram.org",
                "https://api.telegram.org/bot12:AB-c/sendMessage",
            ),
            (
                "http://127.0.0.1:8081/",
                "http://127.0.0.1:8081/bot12:AB-c/sendMessage",
            ),
            (
                "https://example.org/tg/",
                "https://example.org/tg/bot12:AB-c/sendMessage",
            ),
            (
                "https://example.org/tg",
                "https://example.org/tg/bot12:AB-c/sendMessage",
            ),
        ] {
            let mut url = bot_url(url::Url::parse(server).unwrap(), "12:AB-c").unwrap();
            url.path_segments_mut().unwrap().push("sendMessage");
            assert_eq!(url.as_str(), expected);
        }
    }

    #[test]
    fn failures_name_no_url_or_body() {
        for failure in [
            Failure::Network,
            Failure::Server(502),
            Failure::Unreadable,
            Failure::RetryAfter(Duration::from_secs(3)),
            Failure::Api(ApiError::BotBlocked),
        ] {
            let text = failure.to_string();
            assert!(!text.contains("http") && !text.contains("/bot"), "{text}");
        }
    }
}
