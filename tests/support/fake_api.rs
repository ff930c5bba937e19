//! A fake Telegram Bot API server for end-to-end tests.
//!
//! The real Bot API cannot be reached from CI, answers slowly, and cannot be told to fail on
//! purpose. This fake speaks just enough of the protocol for the bot to run unmodified against
//! it: the bot is pointed at [`FakeApi::url`] (with `Bot::set_api_url`, or the
//! `TELOXIDE_API_URL` variable for the real binary) and uses [`FakeApi::TOKEN`].
//!
//! What it models, and why:
//!
//! * **The update queue**, with Telegram's offset rules (an offset confirms every update below
//!   it) and long polling, so the bot's own polling loop runs as in production. Long polls are
//!   cut short after [`FakeApi::set_long_poll_cap`] (1 s by default) so that shutting the bot
//!   down never waits for a 10 s poll.
//! * **Chats with message ids, edits and deletions**, so tests read what a person would see
//!   ([`FakeApi::chat_messages`]) rather than a list of requests, and so the edit errors the bot
//!   must survive (not modified, not found, can't be edited) come back exactly as Telegram words
//!   them: teloxide turns the description into an `ApiError` by exact string comparison.
//! * **Callback queries**, which must be answered once: a second or unknown answer gets the
//!   "query is too old" error.
//! * **Faults on demand** ([`FakeApi::fail_next`], [`FakeApi::fail_rate`],
//!   [`FakeApi::strict_rate_limit`]): 429 with `retry_after`, 5xx, and connections closed
//!   without an answer, before or after the request took effect.
//! * **Some checks Telegram makes** that a bot can trip over: empty or too long texts, HTML
//!   that Telegram would refuse to parse, callback data over 64 bytes, buttons without an
//!   action, malformed command lists.
//!
//! Everything the bot does is recorded ([`FakeApi::requests`]), and tests wait for the bot
//! with [`FakeApi::wait_until`] and friends, which give up after a timeout with a readable
//! dump of every chat instead of hanging.
//!
//! Things to know when writing tests:
//!
//! * After any 5xx answer teloxide's own requests sleep 10 s before they return the error
//!   (getUpdates included; rumbo makes its requests itself and retries after 200 ms), so with
//!   a teloxide client inject [`Fault::ServerError`] sparingly and never into getUpdates in a
//!   test that must be fast.
//! * [`ANY_METHOD`] leaves getUpdates alone for the same reason: a fault in the polling loop
//!   stalls every chat at once. Name `"getUpdates"` to fault it on purpose.
//! * An `editMessageText` without `reply_markup` removes the inline keyboard, as on Telegram.
//! * Texts are stored as the bot sent them (markup included); [`Sent::visible_text`] gives
//!   what a person would read when the parse mode is HTML. MarkdownV2 is not checked.
//! * JSON request bodies are understood, and multipart ones for their text fields only
//!   (teloxide sends `setWebhook` as multipart); file uploads are not simulated.
//!
//! The server runs on loopback only, on a port the system picks, and stops when the
//! [`FakeApi`] is dropped.

// Each test crate that includes `support` uses only part of this module.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::{self, Write as _};
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Request, StatusCode, Uri, header};
use axum::response::{IntoResponse, Json, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};
use tower::ServiceExt as _;

/// How long the waiting helpers wait when a test has no better idea. Long enough for a slow
/// CI machine, short enough that a broken test fails instead of hanging the run.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A method name for [`FakeApi::fail_next`] and [`FakeApi::fail_rate`] that matches every
/// method except getUpdates (a fault there stalls the whole bot; name it to mean it).
pub const ANY_METHOD: &str = "*";

/// Telegram's answer to a second or unknown `answerCallbackQuery`, word for word. Note the
/// capital "ID": teloxide 0.17 expects "query id" and so reports this as
/// `ApiError::Unknown(..)`, not `ApiError::InvalidQueryId`.
pub const QUERY_TOO_OLD: &str =
    "Bad Request: query is too old and response timeout expired or query ID is invalid";

/// Telegram's answer to an edit that changes nothing (teloxide: `ApiError::MessageNotModified`).
pub const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message \
     content and reply markup are exactly the same as a current content and reply markup of the \
     message";

/// Telegram's answer to an edit of a message that does not exist (any more).
pub const EDIT_NOT_FOUND: &str = "Bad Request: message to edit not found";

const TERMINATED: &str = "Conflict: terminated by other getUpdates request; make sure that only \
     one bot instance is running";
const WEBHOOK_ACTIVE: &str = "Conflict: can't use getUpdates method while webhook is active; use \
     deleteWebhook to delete the webhook first";
const TEXT_BUTTON: &str = "Bad Request: can't parse inline keyboard button: Text buttons are \
     unallowed in the inline keyboard";

/// Supergroup and channel ids start with -100 followed by at least ten digits.
const SUPERGROUP_IDS_BELOW: i64 = -1_000_000_000_000;

/// Tags Telegram accepts with `parse_mode: HTML`.
const HTML_TAGS: &[&str] = &[
    "a",
    "b",
    "blockquote",
    "code",
    "del",
    "em",
    "i",
    "ins",
    "pre",
    "s",
    "span",
    "strike",
    "strong",
    "tg-emoji",
    "tg-spoiler",
    "u",
];

/// The update types Telegram sends when the bot has not asked for a list.
const NOT_SENT_BY_DEFAULT: &[&str] = &["chat_member", "message_reaction", "message_reaction_count"];

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/// A failure to inject instead of the real answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// HTTP 429 with `parameters.retry_after`, as Telegram's flood control answers.
    /// teloxide reports it as `RequestError::RetryAfter`; rumbo waits that many seconds and
    /// tries again.
    TooManyRequests { retry_after: u32 },
    /// An HTTP 5xx with a JSON error body. teloxide's requests sleep 10 s before returning
    /// it; rumbo's do not.
    ServerError(u16),
    /// The connection is closed without an answer and the request has no effect, as when a
    /// request is lost on the way. teloxide reports `RequestError::Network` at once.
    Drop,
    /// The request takes effect but the connection is closed before the answer, as when the
    /// answer is lost on the way back. A retried edit then gets "message is not modified".
    DropAfterHandling,
    /// The request is held this long, then served: a slow network, or a window in which
    /// to kill the bot half-way through its replies.
    Stall(Duration),
}

/// What decided to inject a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InjectedBy {
    /// [`FakeApi::fail_next`].
    Queue,
    /// [`FakeApi::fail_rate`].
    Random,
    /// [`FakeApi::strict_rate_limit`].
    RateLimit,
}

/// One fault that was injected.
#[derive(Clone, Debug)]
pub struct Injected {
    /// The method, in lower case.
    pub method: String,
    pub fault: Fault,
    pub by: InjectedBy,
    pub at: Instant,
}

/// One request the bot made.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method, in lower case (`"sendmessage"`); teloxide writes it in PascalCase.
    pub method: String,
    /// The JSON body; `{}` when there was none, a string when it was not JSON.
    pub body: Value,
    /// When the request arrived.
    pub at: Instant,
    /// The HTTP status answered, or `None` while a long poll is still waiting or when the
    /// connection was closed without an answer.
    pub status: Option<u16>,
}

/// A message the bot sent, as it stands now (edits applied).
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    pub message_id: i32,
    /// The text as the bot sent it, markup included when a parse mode was given.
    pub text: String,
    pub parse_mode: Option<String>,
    /// The `reply_markup` as the bot sent it (inline keyboard, reply keyboard, …).
    pub reply_markup: Option<Value>,
    /// How many times the message was edited.
    pub edits: u32,
}

/// A button of an inline keyboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    pub callback_data: Option<String>,
    pub url: Option<String>,
}

/// One `answerCallbackQuery` that Telegram accepted.
#[derive(Clone, Debug, PartialEq)]
pub struct CallbackAnswer {
    pub callback_query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
    pub url: Option<String>,
}

/// The kind of a chat, as Telegram's `chat.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ChatType {
    Private,
    Group,
    Supergroup,
    Channel,
}

/// A wait that ran out of time. Its `Debug` output (what `unwrap` prints) is the readable
/// dump of the fake's state, so a failing test shows what the bot did say.
pub struct WaitError {
    pub waited: Duration,
    pub dump: String,
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "gave up waiting for the bot after {:.1?}\n{}",
            self.waited, self.dump
        )
    }
}

impl fmt::Debug for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for WaitError {}

impl Sent {
    /// The rows of the inline keyboard (empty without one).
    pub fn buttons(&self) -> Vec<Vec<Button>> {
        inline_rows(self.reply_markup.as_ref())
            .iter()
            .map(|row| {
                row.iter()
                    .map(|button| Button {
                        text: str_field(button, "text").unwrap_or_default(),
                        callback_data: str_field(button, "callback_data"),
                        url: str_field(button, "url"),
                    })
                    .collect()
            })
            .collect()
    }

    /// The callback data of the inline button whose text is exactly `label`.
    pub fn button_data(&self, label: &str) -> Option<String> {
        self.buttons()
            .into_iter()
            .flatten()
            .find(|button| button.text == label)
            .and_then(|button| button.callback_data)
    }

    /// The data of the answer buttons, in order: every button with callback data but Back
    /// (`…:b`) and Start over (`…:r`).
    pub fn answer_data(&self) -> Vec<String> {
        self.buttons()
            .into_iter()
            .flatten()
            .filter_map(|b| b.callback_data)
            .filter(|d| !d.ends_with(":b") && !d.ends_with(":r"))
            .collect()
    }

    /// The text a person reads: tags removed and entities decoded when the parse mode is
    /// HTML, the text itself otherwise.
    pub fn visible_text(&self) -> String {
        visible_text(&self.text, self.parse_mode.as_deref()).unwrap_or_else(|_| self.text.clone())
    }
}

// ---------------------------------------------------------------------------------------------
// The server handle
// ---------------------------------------------------------------------------------------------

/// A running fake Bot API. Dropping it stops the server.
pub struct FakeApi {
    shared: Arc<Shared>,
    addr: SocketAddr,
    server: Server,
}

/// How the server runs: on the test's runtime, or on a thread of its own.
enum Server {
    Task(JoinHandle<()>),
    Thread {
        stop: Option<oneshot::Sender<()>>,
        thread: Option<std::thread::JoinHandle<()>>,
    },
}

impl Drop for Server {
    fn drop(&mut self) {
        match self {
            Server::Task(task) => task.abort(),
            Server::Thread { stop, thread } => {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                if let Some(thread) = thread.take() {
                    let _ = thread.join();
                }
            }
        }
    }
}

impl FakeApi {
    /// The bot token the fake accepts; any other gets 401 Unauthorized, as on Telegram.
    pub const TOKEN: &str = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz";
    /// The bot's user id (the number before the colon of the token, as on Telegram).
    pub const BOT_ID: u64 = 123456;
    /// The bot's username, as getMe returns it.
    pub const BOT_USERNAME: &str = "rumbo_test_bot";

    /// Starts the fake on the current tokio runtime, on a free loopback port.
    pub async fn start() -> FakeApi {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the fake Bot API binds a loopback port");
        let addr = listener
            .local_addr()
            .expect("a bound socket has an address");
        let shared = Arc::new(Shared::new());
        let task = tokio::spawn(serve(listener, shared.clone()));
        FakeApi {
            shared,
            addr,
            server: Server::Task(task),
        }
    }

    /// Starts the fake on a thread with its own runtime, for tests without one (for example
    /// tests that run the real `rumbo` binary as a child process).
    pub fn start_blocking() -> FakeApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("the fake Bot API binds a loopback port");
        listener
            .set_nonblocking(true)
            .expect("a socket can be made non-blocking");
        let addr = listener
            .local_addr()
            .expect("a bound socket has an address");
        let shared = Arc::new(Shared::new());
        let (stop, stopped) = oneshot::channel::<()>();
        let for_thread = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fake-telegram".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime for the fake Bot API");
                runtime.block_on(async move {
                    let listener =
                        TcpListener::from_std(listener).expect("the listener joins the runtime");
                    tokio::select! {
                        () = serve(listener, for_thread) => {}
                        _ = stopped => {}
                    }
                });
            })
            .expect("a thread for the fake Bot API");
        FakeApi {
            shared,
            addr,
            server: Server::Thread {
                stop: Some(stop),
                thread: Some(thread),
            },
        }
    }

    /// The base URL to give teloxide (`Bot::set_api_url`, `TELOXIDE_API_URL`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The environment that points a `Bot::from_env()` bot at the fake.
    pub fn env(&self) -> [(&'static str, String); 2] {
        [
            ("TELOXIDE_TOKEN", Self::TOKEN.to_owned()),
            ("TELOXIDE_API_URL", self.url()),
        ]
    }

    // --- updates ---------------------------------------------------------------------------

    /// Queues a text message from `user_id` in `chat_id` (private when positive) and returns
    /// its update id. The user's `language_code` is remembered for later updates from them.
    pub fn push_text(
        &self,
        chat_id: i64,
        user_id: u64,
        text: &str,
        language_code: Option<&str>,
    ) -> u32 {
        self.shared.update(|s| {
            s.set_language(user_id, language_code);
            s.push_user_text(chat_id, user_id, text, false)
        })
    }

    /// Queues a command such as `/start` or `/start payload`, with the `bot_command` entity
    /// Telegram adds (without it teloxide does not see a command).
    pub fn push_command(
        &self,
        chat_id: i64,
        user_id: u64,
        text: &str,
        language_code: Option<&str>,
    ) -> u32 {
        assert!(
            text.starts_with('/'),
            "a command starts with '/', got {text:?}"
        );
        self.shared.update(|s| {
            s.set_language(user_id, language_code);
            s.push_user_text(chat_id, user_id, text, true)
        })
    }

    /// Queues a press on an inline button of message `message_id` and returns the callback
    /// query id, which the bot must answer once. The message is sent along as it stands now.
    pub fn push_callback(&self, chat_id: i64, user_id: u64, message_id: i32, data: &str) -> String {
        self.shared
            .update(|s| s.push_callback(chat_id, user_id, Some(message_id), data))
    }

    /// Queues a press on a button of a message the bot can no longer see (Telegram sends
    /// such a message with `date: 0`; teloxide makes it `MaybeInaccessibleMessage::Inaccessible`).
    /// The message id is one the fake never stored, so editing it fails as "not found".
    pub fn push_inaccessible_callback(&self, chat_id: i64, user_id: u64, data: &str) -> String {
        self.shared
            .update(|s| s.push_callback(chat_id, user_id, None, data))
    }

    /// Queues a sticker from the user.
    pub fn push_sticker(&self, chat_id: i64, user_id: u64) -> u32 {
        let sticker = json!({
            "file_id": "fake-sticker", "file_unique_id": "fake-sticker-u", "type": "regular",
            "width": 512, "height": 512, "is_animated": false, "is_video": false,
            "emoji": "👍", "file_size": 1000
        });
        self.push_media(chat_id, user_id, "sticker", sticker)
    }

    /// Queues a photo from the user.
    pub fn push_photo(&self, chat_id: i64, user_id: u64) -> u32 {
        let sizes = json!([
            {"file_id": "fake-photo-s", "file_unique_id": "fake-photo-su", "width": 90,
             "height": 90, "file_size": 1500},
            {"file_id": "fake-photo-m", "file_unique_id": "fake-photo-mu", "width": 320,
             "height": 320, "file_size": 15000}
        ]);
        self.push_media(chat_id, user_id, "photo", sizes)
    }

    /// Queues a voice note from the user.
    pub fn push_voice(&self, chat_id: i64, user_id: u64) -> u32 {
        let voice = json!({
            "file_id": "fake-voice", "file_unique_id": "fake-voice-u", "duration": 3,
            "mime_type": "audio/ogg", "file_size": 4000
        });
        self.push_media(chat_id, user_id, "voice", voice)
    }

    /// Queues a shared location (Havana) from the user.
    pub fn push_location(&self, chat_id: i64, user_id: u64) -> u32 {
        let location = json!({"latitude": 23.1136, "longitude": -82.3666});
        self.push_media(chat_id, user_id, "location", location)
    }

    /// Queues a shared contact (the user's own) from the user.
    pub fn push_contact(&self, chat_id: i64, user_id: u64) -> u32 {
        let contact = json!({
            "phone_number": "+10000000000", "first_name": "Contact", "user_id": user_id
        });
        self.push_media(chat_id, user_id, "contact", contact)
    }

    /// Queues a document (a PDF) from the user.
    pub fn push_document(&self, chat_id: i64, user_id: u64) -> u32 {
        let document = json!({
            "file_id": "fake-document", "file_unique_id": "fake-document-u",
            "file_name": "passport.pdf", "mime_type": "application/pdf", "file_size": 12345
        });
        self.push_media(chat_id, user_id, "document", document)
    }

    /// Queues a text in a group: a `supergroup` when `chat_id` looks like one (-100…), a
    /// `group` otherwise. Texts starting with `/` carry a `bot_command` entity.
    pub fn push_group_text(&self, chat_id: i64, user_id: u64, text: &str) -> u32 {
        assert!(chat_id < 0, "group chat ids are negative, got {chat_id}");
        self.shared
            .update(|s| s.push_user_text(chat_id, user_id, text, text.starts_with('/')))
    }

    /// Queues a post in a channel (an update of type `channel_post`, with no `from`).
    pub fn push_channel_post(&self, chat_id: i64, text: &str) -> u32 {
        assert!(chat_id < 0, "channel ids are negative, got {chat_id}");
        self.shared.update(|s| s.push_channel_post(chat_id, text))
    }

    /// Queues any update. Its `update_id` is set (or replaced) so that ids keep increasing.
    pub fn push_raw(&self, update: Value) -> u32 {
        let Value::Object(mut fields) = update else {
            panic!("an update is a JSON object, got {update}");
        };
        self.shared.update(|s| {
            let id = s.take_update_id();
            fields.insert("update_id".into(), id.into());
            s.updates.push_back((id, Value::Object(fields)));
            id
        })
    }

    fn push_media(&self, chat_id: i64, user_id: u64, field: &str, value: Value) -> u32 {
        self.shared
            .update(|s| s.push_user_media(chat_id, user_id, field, value))
    }

    // --- behaviour --------------------------------------------------------------------------

    /// How long a getUpdates may wait for updates, whatever `timeout` the bot asked for.
    pub fn set_long_poll_cap(&self, cap: Duration) {
        self.shared.update(|s| s.long_poll_cap = cap);
    }

    /// Sets the `language_code` sent with the user's next updates (`None`: none sent).
    pub fn set_language(&self, user_id: u64, language_code: Option<&str>) {
        self.shared
            .update(|s| s.set_language(user_id, language_code));
    }

    /// Sets the names sent with the user's updates (and their private chat's), as Telegram
    /// does: `first_name` always, `last_name` and `username` when set.
    pub fn set_profile(
        &self,
        user_id: u64,
        first_name: &str,
        last_name: Option<&str>,
        username: Option<&str>,
    ) {
        self.shared.update(|s| {
            let user = s.user(user_id);
            user.first_name = first_name.to_owned();
            user.last_name = last_name.map(str::to_owned);
            user.username = username.map(str::to_owned);
        });
    }

    /// Queues a shared contact card with this phone number and names.
    pub fn push_contact_card(
        &self,
        chat_id: i64,
        user_id: u64,
        phone: &str,
        first_name: &str,
        last_name: &str,
    ) -> u32 {
        let contact = json!({
            "phone_number": phone, "first_name": first_name, "last_name": last_name,
            "user_id": user_id
        });
        self.push_media(chat_id, user_id, "contact", contact)
    }

    /// From now on sends to `chat_id` fail with 403 "Forbidden: bot was blocked by the user".
    pub fn block(&self, chat_id: i64) {
        self.shared.update(|s| s.blocked.insert(chat_id));
    }

    /// Undoes [`FakeApi::block`].
    pub fn unblock(&self, chat_id: i64) {
        self.shared.update(|s| s.blocked.remove(&chat_id));
    }

    /// Makes every callback query not yet answered too old to answer, as after downtime.
    pub fn expire_callback_queries(&self) {
        self.shared.update(|s| s.open_callbacks.clear());
    }

    // --- faults -----------------------------------------------------------------------------

    /// Answers the next `n` calls of `method` (any case, or [`ANY_METHOD`]) with `fault`.
    /// Queued faults are used in the order they were queued.
    pub fn fail_next(&self, method: &str, n: u32, fault: Fault) {
        let method = method.to_ascii_lowercase();
        self.shared.update(|s| {
            s.queued_faults.push(QueuedFault {
                method,
                left: n,
                fault,
            })
        });
    }

    /// Answers each call of `method` (any case, or [`ANY_METHOD`]) with `fault` with the given
    /// probability, drawn from a seeded generator so that a run can be repeated
    /// ([`FakeApi::seed`]).
    pub fn fail_rate(&self, method: &str, probability: f64, fault: Fault) {
        assert!(
            (0.0..=1.0).contains(&probability),
            "a probability is between 0 and 1, got {probability}"
        );
        let method = method.to_ascii_lowercase();
        self.shared.update(|s| {
            s.random_faults.push(RandomFault {
                method,
                probability,
                fault,
            })
        });
    }

    /// Restarts the generator behind [`FakeApi::fail_rate`] from `seed`.
    pub fn seed(&self, seed: u64) {
        self.shared.update(|s| s.rng = XorShift::new(seed));
    }

    /// Answers 429 (`retry_after: 1`) to sending methods beyond `per_second` in any one
    /// second, across all chats, as Telegram's flood control does. 0 turns it off.
    pub fn strict_rate_limit(&self, per_second: u32) {
        self.shared.update(|s| {
            s.rate_limit = (per_second > 0).then_some(per_second);
            s.recent_sends.clear();
        });
    }

    /// Removes every queued, random and rate-limit fault (the count of injected ones stays).
    pub fn clear_faults(&self) {
        self.shared.update(|s| {
            s.queued_faults.clear();
            s.random_faults.clear();
            s.rate_limit = None;
        });
    }

    /// Every fault injected so far.
    pub fn injected(&self) -> Vec<Injected> {
        self.with_state(|s| s.injected.clone())
    }

    /// How many faults were injected into `method` (any case, or [`ANY_METHOD`] for all).
    pub fn injected_count(&self, method: &str) -> usize {
        self.with_state(|s| s.injected_count(method))
    }

    // --- inspection -------------------------------------------------------------------------

    /// Runs `look` on the state, for anything the other accessors do not cover.
    pub fn with_state<R>(&self, look: impl FnOnce(&FakeState) -> R) -> R {
        look(&self.shared.lock())
    }

    /// Every request the bot made, oldest first.
    pub fn requests(&self) -> Vec<Recorded> {
        self.with_state(|s| s.requests.clone())
    }

    /// The requests of one method (any case), oldest first.
    pub fn requests_for(&self, method: &str) -> Vec<Recorded> {
        self.with_state(|s| s.requests_for(method).cloned().collect())
    }

    /// The messages the bot sent to `chat_id` that still exist, edits applied, in order.
    pub fn chat_messages(&self, chat_id: i64) -> Vec<Sent> {
        self.with_state(|s| s.chat_messages(chat_id))
    }

    /// The newest message the bot sent to `chat_id` that still exists.
    pub fn last_message(&self, chat_id: i64) -> Option<Sent> {
        self.with_state(|s| s.last_message(chat_id))
    }

    /// Every accepted `answerCallbackQuery`, oldest first.
    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.with_state(|s| s.callback_answers.clone())
    }

    /// The `(command, description)` list set for the default scope and `language_code`
    /// (`""` for the list without a language).
    pub fn my_commands(&self, language_code: &str) -> Option<Vec<(String, String)>> {
        self.with_state(|s| s.my_commands(&default_scope(), language_code))
    }

    /// The webhook URL, if the bot set one.
    pub fn webhook_url(&self) -> Option<String> {
        self.with_state(|s| s.webhook_url.clone())
    }

    /// Updates not yet confirmed by the bot.
    pub fn pending_updates(&self) -> usize {
        self.with_state(FakeState::pending_updates)
    }

    /// Takes every queued update out of the queue (as if a poller had fetched and confirmed
    /// it), for a test that delivers them itself, e.g. to webhook replicas.
    pub fn take_updates(&self) -> Vec<Value> {
        self.shared
            .update(|s| s.updates.drain(..).map(|(_, update)| update).collect())
    }

    /// The conversation in `chat_id`, both sides, deleted messages included, as text.
    pub fn transcript(&self, chat_id: i64) -> String {
        self.with_state(|s| s.transcript(chat_id))
    }

    /// Everything worth seeing when a test fails: chats, recent requests, faults.
    pub fn dump(&self) -> String {
        self.with_state(FakeState::dump)
    }

    // --- waiting ----------------------------------------------------------------------------

    /// Waits until `done` holds, re-checking after every change; after `timeout`, an error
    /// carrying a dump of the state.
    pub async fn wait_until(
        &self,
        done: impl Fn(&FakeState) -> bool,
        timeout: Duration,
    ) -> Result<(), WaitError> {
        self.wait_for(|s| done(s).then_some(()), timeout).await
    }

    /// Waits until `found` returns something and returns it; after `timeout`, an error
    /// carrying a dump of the state.
    pub async fn wait_for<T>(
        &self,
        found: impl Fn(&FakeState) -> Option<T>,
        timeout: Duration,
    ) -> Result<T, WaitError> {
        let started = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Register for the next change before looking, so that a change between the look
            // and the wait is not missed.
            let mut changed = pin!(self.shared.notify.notified());
            changed.as_mut().enable();
            if let Some(value) = found(&self.shared.lock()) {
                return Ok(value);
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                let state = self.shared.lock();
                return found(&state).ok_or_else(|| WaitError {
                    waited: started.elapsed(),
                    dump: state.dump(),
                });
            }
        }
    }

    /// Waits until the bot has sent at least `count` messages to `chat_id` that still exist,
    /// and returns them all.
    pub async fn wait_for_messages(
        &self,
        chat_id: i64,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Sent>, WaitError> {
        self.wait_for(|s| at_least(s.chat_messages(chat_id), count), timeout)
            .await
    }

    /// [`FakeApi::wait_until`] for tests without a runtime. Never call it from async code: it
    /// blocks the thread, which may be the one that serves the fake started with
    /// [`FakeApi::start`].
    pub fn wait_until_blocking(
        &self,
        done: impl Fn(&FakeState) -> bool,
        timeout: Duration,
    ) -> Result<(), WaitError> {
        self.wait_for_blocking(|s| done(s).then_some(()), timeout)
    }

    /// [`FakeApi::wait_for`] for tests without a runtime.
    pub fn wait_for_blocking<T>(
        &self,
        found: impl Fn(&FakeState) -> Option<T>,
        timeout: Duration,
    ) -> Result<T, WaitError> {
        let started = Instant::now();
        let deadline = started + timeout;
        let mut state = self.shared.lock();
        loop {
            if let Some(value) = found(&state) {
                return Ok(value);
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(WaitError {
                    waited: started.elapsed(),
                    dump: state.dump(),
                });
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// [`FakeApi::wait_for_messages`] for tests without a runtime.
    pub fn wait_for_messages_blocking(
        &self,
        chat_id: i64,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Sent>, WaitError> {
        self.wait_for_blocking(|s| at_least(s.chat_messages(chat_id), count), timeout)
    }
}

fn at_least(messages: Vec<Sent>, count: usize) -> Option<Vec<Sent>> {
    (messages.len() >= count).then_some(messages)
}

// ---------------------------------------------------------------------------------------------
// Shared state
// ---------------------------------------------------------------------------------------------

/// The state and the two ways of hearing about its changes: `notify` for async waiters (the
/// long polls and [`FakeApi::wait_for`]), `changed` for blocking ones.
struct Shared {
    state: Mutex<FakeState>,
    notify: Notify,
    changed: Condvar,
}

impl Shared {
    fn new() -> Shared {
        Shared {
            state: Mutex::new(FakeState::new()),
            notify: Notify::new(),
            changed: Condvar::new(),
        }
    }

    /// Locks the state. A test that panicked while holding the lock leaves it poisoned; the
    /// state is still usable, and the server must keep answering, so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the state and wakes everyone waiting for a change.
    fn update<R>(&self, change: impl FnOnce(&mut FakeState) -> R) -> R {
        let result = change(&mut self.lock());
        self.wake();
        result
    }

    fn wake(&self) {
        self.notify.notify_waiters();
        self.changed.notify_all();
    }
}

struct QueuedFault {
    method: String,
    left: u32,
    fault: Fault,
}

struct RandomFault {
    method: String,
    probability: f64,
    fault: Fault,
}

/// A small xorshift generator: enough for "fail about one call in ten", repeatable from a
/// seed, and no extra crate.
struct XorShift(u64);

impl XorShift {
    fn new(seed: u64) -> XorShift {
        // Spread the seed's bits (small seeds start poorly) and keep the state non-zero.
        XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next_f64(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Author {
    Bot,
    User(u64),
    Channel,
}

struct StoredMessage {
    message_id: i32,
    author: Author,
    /// The text as sent, or a short description such as `[sticker]` for other messages.
    text: String,
    is_text: bool,
    parse_mode: Option<String>,
    reply_markup: Option<Value>,
    date: i64,
    edit_date: Option<i64>,
    edits: u32,
    deleted: bool,
}

impl StoredMessage {
    fn sent(&self) -> Sent {
        Sent {
            message_id: self.message_id,
            text: self.text.clone(),
            parse_mode: self.parse_mode.clone(),
            reply_markup: self.reply_markup.clone(),
            edits: self.edits,
        }
    }
}

struct ChatLog {
    kind: ChatType,
    title: String,
    /// Message ids are shared by both sides of a chat, as on Telegram.
    next_message_id: i32,
    messages: Vec<StoredMessage>,
}

struct UserInfo {
    first_name: String,
    last_name: Option<String>,
    username: Option<String>,
    language_code: Option<String>,
}

struct CommandSet {
    scope: Value,
    language_code: String,
    commands: Vec<(String, String)>,
}

/// What an API call answers when it fails.
struct ApiFailure {
    status: u16,
    description: String,
    retry_after: Option<u32>,
}

impl ApiFailure {
    fn new(status: u16, description: impl Into<String>) -> ApiFailure {
        ApiFailure {
            status,
            description: description.into(),
            retry_after: None,
        }
    }

    fn bad(description: impl Into<String>) -> ApiFailure {
        ApiFailure::new(400, description)
    }
}

type ApiResult = Result<Value, ApiFailure>;

/// Everything the fake knows. Tests read it through [`FakeApi::with_state`] and the waiting
/// helpers; only the server changes it.
pub struct FakeState {
    next_update_id: u32,
    /// Updates not yet confirmed, oldest first.
    updates: VecDeque<(u32, Value)>,
    /// The last `allowed_updates` the bot asked for (Telegram remembers it between calls).
    allowed_updates: Option<Vec<String>>,
    /// Bumped by every getUpdates, so that an older one still waiting can be told it was
    /// replaced (Telegram's 409 "terminated by other getUpdates request").
    poll_generation: u64,
    long_poll_cap: Duration,
    webhook_url: Option<String>,
    chats: BTreeMap<i64, ChatLog>,
    users: HashMap<u64, UserInfo>,
    next_callback: u64,
    open_callbacks: HashSet<String>,
    callback_answers: Vec<CallbackAnswer>,
    commands: Vec<CommandSet>,
    blocked: HashSet<i64>,
    requests: Vec<Recorded>,
    queued_faults: Vec<QueuedFault>,
    random_faults: Vec<RandomFault>,
    rng: XorShift,
    rate_limit: Option<u32>,
    recent_sends: VecDeque<Instant>,
    injected: Vec<Injected>,
    started: Instant,
}

impl FakeState {
    fn new() -> FakeState {
        FakeState {
            // Real ids are large; these still fit the u32 (and i32 offset) teloxide expects.
            next_update_id: 500_000_001,
            updates: VecDeque::new(),
            allowed_updates: None,
            poll_generation: 0,
            long_poll_cap: Duration::from_secs(1),
            webhook_url: None,
            chats: BTreeMap::new(),
            users: HashMap::new(),
            next_callback: 1,
            open_callbacks: HashSet::new(),
            callback_answers: Vec::new(),
            commands: Vec::new(),
            blocked: HashSet::new(),
            requests: Vec::new(),
            queued_faults: Vec::new(),
            random_faults: Vec::new(),
            rng: XorShift::new(0x5EED),
            rate_limit: None,
            recent_sends: VecDeque::new(),
            injected: Vec::new(),
            started: Instant::now(),
        }
    }

    // --- what tests read --------------------------------------------------------------------

    /// Every request the bot made, oldest first.
    pub fn requests(&self) -> &[Recorded] {
        &self.requests
    }

    /// The requests of one method (any case), oldest first.
    pub fn requests_for<'a>(&'a self, method: &str) -> impl Iterator<Item = &'a Recorded> + 'a {
        let method = method.to_ascii_lowercase();
        self.requests.iter().filter(move |r| r.method == method)
    }

    /// How many requests of one method (any case) the bot made.
    pub fn count_requests(&self, method: &str) -> usize {
        self.requests_for(method).count()
    }

    /// The messages the bot sent to `chat_id` that still exist, edits applied, in order.
    pub fn chat_messages(&self, chat_id: i64) -> Vec<Sent> {
        self.chats
            .get(&chat_id)
            .map(|chat| {
                chat.messages
                    .iter()
                    .filter(|m| m.author == Author::Bot && !m.deleted)
                    .map(StoredMessage::sent)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The newest message the bot sent to `chat_id` that still exists.
    pub fn last_message(&self, chat_id: i64) -> Option<Sent> {
        self.chat_messages(chat_id).pop()
    }

    /// Every accepted `answerCallbackQuery`, oldest first.
    pub fn callback_answers(&self) -> &[CallbackAnswer] {
        &self.callback_answers
    }

    /// Every fault injected so far.
    pub fn injected(&self) -> &[Injected] {
        &self.injected
    }

    /// How many faults were injected into `method` (any case, or [`ANY_METHOD`] for all).
    pub fn injected_count(&self, method: &str) -> usize {
        let method = method.to_ascii_lowercase();
        self.injected
            .iter()
            .filter(|i| method == ANY_METHOD || i.method == method)
            .count()
    }

    /// Updates not yet confirmed by the bot.
    pub fn pending_updates(&self) -> usize {
        self.updates.len()
    }

    /// The `(command, description)` list set for `scope` (JSON, e.g. `{"type":"default"}`)
    /// and `language_code` (`""` for none).
    pub fn my_commands(&self, scope: &Value, language_code: &str) -> Option<Vec<(String, String)>> {
        self.commands
            .iter()
            .find(|set| &set.scope == scope && set.language_code == language_code)
            .map(|set| set.commands.clone())
    }

    /// The webhook URL, if the bot set one.
    pub fn webhook_url(&self) -> Option<&str> {
        self.webhook_url.as_deref()
    }

    /// The conversation in `chat_id`, both sides, deleted messages included, as text.
    pub fn transcript(&self, chat_id: i64) -> String {
        let mut out = String::new();
        let Some(chat) = self.chats.get(&chat_id) else {
            let _ = writeln!(out, "chat {chat_id}: nothing yet");
            return out;
        };
        let _ = writeln!(out, "chat {chat_id} ({:?}):", chat.kind);
        for m in &chat.messages {
            let who = match m.author {
                Author::Bot => "bot".to_owned(),
                Author::User(id) => format!("user {id}"),
                Author::Channel => "channel".to_owned(),
            };
            let mut notes = Vec::new();
            if m.edits > 0 {
                notes.push(format!("edited {}x", m.edits));
            }
            if m.deleted {
                notes.push("deleted".to_owned());
            }
            if let Some(mode) = &m.parse_mode {
                notes.push(mode.clone());
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join(", "))
            };
            let text = m.text.replace('\n', "\n        ");
            let _ = writeln!(out, "  #{} {who}{notes}: {text}", m.message_id);
            let buttons = m.sent().buttons();
            for row in buttons {
                let row: Vec<String> = row
                    .iter()
                    .map(|b| match (&b.callback_data, &b.url) {
                        (Some(data), _) => format!("[{} -> {data}]", b.text),
                        (None, Some(url)) => format!("[{} -> {url}]", b.text),
                        (None, None) => format!("[{}]", b.text),
                    })
                    .collect();
                let _ = writeln!(out, "        {}", row.join(" "));
            }
        }
        out
    }

    /// Everything worth seeing when a test fails: chats, recent requests, faults.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "--- fake Telegram, {:.1?} after start; {} update(s) not yet confirmed",
            self.started.elapsed(),
            self.updates.len()
        );
        if self.chats.is_empty() {
            let _ = writeln!(out, "no chats");
        }
        for id in self.chats.keys() {
            out.push_str(&self.transcript(*id));
        }
        const SHOWN: usize = 25;
        let skipped = self.requests.len().saturating_sub(SHOWN);
        let _ = writeln!(
            out,
            "requests ({} in all{}):",
            self.requests.len(),
            if skipped > 0 { ", newest shown" } else { "" }
        );
        for r in &self.requests[skipped..] {
            let status = r.status.map_or("-".to_owned(), |s| s.to_string());
            let mut body = r.body.to_string();
            if body.len() > 160 {
                let cut = (0..=160).rev().find(|&i| body.is_char_boundary(i));
                body.truncate(cut.unwrap_or(0));
                body.push('…');
            }
            let _ = writeln!(
                out,
                "  +{:>7.3}s {} -> {status} {body}",
                r.at.duration_since(self.started).as_secs_f64(),
                r.method
            );
        }
        if !self.callback_answers.is_empty() {
            let _ = writeln!(out, "callback answers: {:?}", self.callback_answers);
        }
        if !self.injected.is_empty() {
            let _ = writeln!(out, "injected faults:");
            for i in &self.injected {
                let _ = writeln!(out, "  {} {:?} ({:?})", i.method, i.fault, i.by);
            }
        }
        out.push_str("---");
        out
    }

    // --- update queue -----------------------------------------------------------------------

    fn take_update_id(&mut self) -> u32 {
        let id = self.next_update_id;
        self.next_update_id += 1;
        id
    }

    fn enqueue(&mut self, kind: &str, payload: Value) -> u32 {
        let id = self.take_update_id();
        let mut update = Map::new();
        update.insert("update_id".into(), id.into());
        update.insert(kind.into(), payload);
        self.updates.push_back((id, Value::Object(update)));
        id
    }

    /// Applies a getUpdates offset: a positive one confirms (forgets) every update below it;
    /// a negative one keeps only that many of the newest.
    fn confirm(&mut self, offset: i64) {
        if offset > 0 {
            while self
                .updates
                .front()
                .is_some_and(|(id, _)| i64::from(*id) < offset)
            {
                self.updates.pop_front();
            }
        } else if offset < 0 {
            let keep = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
            while self.updates.len() > keep {
                self.updates.pop_front();
            }
        }
    }

    /// Forgets updates of types the bot did not ask for, as Telegram never sends them.
    fn drop_unwanted(&mut self) -> bool {
        let before = self.updates.len();
        let allowed = self.allowed_updates.clone().unwrap_or_default();
        self.updates.retain(|(_, update)| {
            let kind = update
                .as_object()
                .and_then(|o| o.keys().find(|k| *k != "update_id"))
                .map_or("", String::as_str);
            if allowed.is_empty() {
                !NOT_SENT_BY_DEFAULT.contains(&kind)
            } else {
                allowed.iter().any(|a| a == kind)
            }
        });
        self.updates.len() != before
    }

    // --- people and chats -------------------------------------------------------------------

    fn set_language(&mut self, user_id: u64, language_code: Option<&str>) {
        self.user(user_id).language_code = language_code.map(str::to_owned);
    }

    fn user(&mut self, user_id: u64) -> &mut UserInfo {
        self.users.entry(user_id).or_insert_with(|| UserInfo {
            first_name: format!("Tester{user_id}"),
            last_name: None,
            username: None,
            language_code: None,
        })
    }

    fn user_json(&mut self, user_id: u64) -> Value {
        let user = self.user(user_id);
        let mut json = json!({"id": user_id, "is_bot": false, "first_name": user.first_name});
        if let Some(code) = &user.language_code {
            json["language_code"] = code.clone().into();
        }
        if let Some(last) = &user.last_name {
            json["last_name"] = last.clone().into();
        }
        if let Some(username) = &user.username {
            json["username"] = username.clone().into();
        }
        json
    }

    fn bot_json() -> Value {
        json!({
            "id": FakeApi::BOT_ID,
            "is_bot": true,
            "first_name": "Rumbo (test)",
            "username": FakeApi::BOT_USERNAME,
        })
    }

    fn me_json() -> Value {
        let mut me = Self::bot_json();
        for (flag, value) in [
            ("can_join_groups", true),
            ("can_read_all_group_messages", false),
            ("supports_inline_queries", false),
            ("can_connect_to_business", false),
            ("has_main_web_app", false),
        ] {
            me[flag] = value.into();
        }
        me
    }

    /// The chat's log, created on first use. Its kind follows Telegram's id ranges: users are
    /// positive, basic groups small negative, supergroups (and channels) -100….
    fn chat(&mut self, chat_id: i64) -> &mut ChatLog {
        self.chats.entry(chat_id).or_insert_with(|| {
            let kind = if chat_id > 0 {
                ChatType::Private
            } else if chat_id <= SUPERGROUP_IDS_BELOW {
                ChatType::Supergroup
            } else {
                ChatType::Group
            };
            ChatLog {
                kind,
                title: format!("Test chat {chat_id}"),
                next_message_id: 1,
                messages: Vec::new(),
            }
        })
    }

    fn chat_json(&mut self, chat_id: i64) -> Value {
        let (kind, title) = {
            let chat = self.chat(chat_id);
            (chat.kind, chat.title.clone())
        };
        match kind {
            ChatType::Private => {
                let mut json = json!({"id": chat_id, "type": "private"});
                if let Ok(id) = u64::try_from(chat_id) {
                    // A private chat carries the person's names, as on Telegram.
                    let user = self.user(id);
                    json["first_name"] = user.first_name.clone().into();
                    if let Some(last) = &user.last_name {
                        json["last_name"] = last.clone().into();
                    }
                    if let Some(username) = &user.username {
                        json["username"] = username.clone().into();
                    }
                } else {
                    json["first_name"] = "".into();
                }
                json
            }
            ChatType::Group => json!({"id": chat_id, "type": "group", "title": title}),
            ChatType::Supergroup => json!({"id": chat_id, "type": "supergroup", "title": title}),
            ChatType::Channel => json!({"id": chat_id, "type": "channel", "title": title}),
        }
    }

    fn next_message_id(&mut self, chat_id: i64) -> i32 {
        let chat = self.chat(chat_id);
        let id = chat.next_message_id;
        chat.next_message_id += 1;
        id
    }

    fn store(&mut self, chat_id: i64, message: StoredMessage) {
        self.chat(chat_id).messages.push(message);
    }

    fn find(&self, chat_id: i64, message_id: i32) -> Option<&StoredMessage> {
        self.chats
            .get(&chat_id)?
            .messages
            .iter()
            .find(|m| m.message_id == message_id && !m.deleted)
    }

    fn find_mut(&mut self, chat_id: i64, message_id: i32) -> Option<&mut StoredMessage> {
        self.chats
            .get_mut(&chat_id)?
            .messages
            .iter_mut()
            .find(|m| m.message_id == message_id && !m.deleted)
    }

    /// A message as Telegram returns it to the bot (and sends it inside callback queries).
    fn message_json(&mut self, chat_id: i64, message_id: i32) -> Value {
        let chat = self.chat_json(chat_id);
        let Some(m) = self.find(chat_id, message_id) else {
            return json!({
                "message_id": message_id, "date": now(), "chat": chat,
                "from": Self::bot_json(), "text": "(a message the fake never saw)",
            });
        };
        let mut json = json!({
            "message_id": m.message_id,
            "date": m.date,
            "chat": chat,
            "text": visible_text(&m.text, m.parse_mode.as_deref()).unwrap_or_else(|_| m.text.clone()),
        });
        if let Some(markup) = inline_markup(m.reply_markup.as_ref()) {
            json["reply_markup"] = markup;
        }
        if let Some(edit_date) = m.edit_date {
            json["edit_date"] = edit_date.into();
        }
        match m.author {
            Author::Bot => json["from"] = Self::bot_json(),
            Author::User(id) => json["from"] = self.user_json(id),
            Author::Channel => json["sender_chat"] = json["chat"].clone(),
        }
        json
    }

    // --- pushing updates --------------------------------------------------------------------

    fn push_user_message(
        &mut self,
        chat_id: i64,
        user_id: u64,
        content: Map<String, Value>,
        text: String,
        is_text: bool,
    ) -> u32 {
        let message_id = self.next_message_id(chat_id);
        let date = now();
        self.store(
            chat_id,
            StoredMessage {
                message_id,
                author: Author::User(user_id),
                text,
                is_text,
                parse_mode: None,
                reply_markup: None,
                date,
                edit_date: None,
                edits: 0,
                deleted: false,
            },
        );
        let mut message = json!({
            "message_id": message_id,
            "date": date,
            "chat": self.chat_json(chat_id),
            "from": self.user_json(user_id),
        });
        if let Value::Object(fields) = &mut message {
            fields.extend(content);
        }
        self.enqueue("message", message)
    }

    fn push_user_text(&mut self, chat_id: i64, user_id: u64, text: &str, command: bool) -> u32 {
        let mut content = Map::new();
        content.insert("text".into(), text.into());
        if command {
            let word = text.split_whitespace().next().unwrap_or(text);
            content.insert(
                "entities".into(),
                json!([{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]),
            );
        }
        self.push_user_message(chat_id, user_id, content, text.to_owned(), true)
    }

    fn push_user_media(&mut self, chat_id: i64, user_id: u64, field: &str, value: Value) -> u32 {
        let mut content = Map::new();
        content.insert(field.into(), value);
        self.push_user_message(chat_id, user_id, content, format!("[{field}]"), false)
    }

    fn push_channel_post(&mut self, chat_id: i64, text: &str) -> u32 {
        let chat = self.chat(chat_id);
        chat.kind = ChatType::Channel;
        let message_id = self.next_message_id(chat_id);
        let date = now();
        self.store(
            chat_id,
            StoredMessage {
                message_id,
                author: Author::Channel,
                text: text.to_owned(),
                is_text: true,
                parse_mode: None,
                reply_markup: None,
                date,
                edit_date: None,
                edits: 0,
                deleted: false,
            },
        );
        let chat = self.chat_json(chat_id);
        let post = json!({
            "message_id": message_id, "date": date, "chat": chat.clone(),
            "sender_chat": chat, "text": text,
        });
        self.enqueue("channel_post", post)
    }

    fn push_callback(
        &mut self,
        chat_id: i64,
        user_id: u64,
        message_id: Option<i32>,
        data: &str,
    ) -> String {
        let message = match message_id {
            Some(id) => self.message_json(chat_id, id),
            None => {
                let id = self.next_message_id(chat_id);
                json!({"message_id": id, "date": 0, "chat": self.chat_json(chat_id)})
            }
        };
        // Real ids are long decimal strings.
        let id = format!("{}", 4_000_000_000_000_000_000u64 + self.next_callback);
        self.next_callback += 1;
        self.open_callbacks.insert(id.clone());
        let query = json!({
            "id": id,
            "from": self.user_json(user_id),
            "message": message,
            "chat_instance": format!("{}", chat_id.unsigned_abs().wrapping_mul(7919)),
            "data": data,
        });
        self.enqueue("callback_query", query);
        id
    }

    // --- recording and faults ---------------------------------------------------------------

    fn record(&mut self, method: &str, body: Value) -> usize {
        self.requests.push(Recorded {
            method: method.to_owned(),
            body,
            at: Instant::now(),
            status: None,
        });
        self.requests.len() - 1
    }

    /// Decides whether this call fails on purpose: queued faults first, then random ones,
    /// then the rate limit (so that only sends that went through count towards it).
    fn pick_fault(&mut self, method: &str) -> Option<(Fault, InjectedBy)> {
        let applies =
            |target: &str| target == method || (target == ANY_METHOD && method != "getupdates");
        let queued = self
            .queued_faults
            .iter_mut()
            .find(|q| q.left > 0 && applies(&q.method));
        if let Some(queued) = queued {
            queued.left -= 1;
            return Some((queued.fault, InjectedBy::Queue));
        }
        for i in 0..self.random_faults.len() {
            if applies(&self.random_faults[i].method)
                && self.rng.next_f64() < self.random_faults[i].probability
            {
                return Some((self.random_faults[i].fault, InjectedBy::Random));
            }
        }
        if let Some(limit) = self.rate_limit.filter(|_| is_sending(method)) {
            let now = Instant::now();
            while self
                .recent_sends
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                self.recent_sends.pop_front();
            }
            if self.recent_sends.len() >= limit as usize {
                return Some((
                    Fault::TooManyRequests { retry_after: 1 },
                    InjectedBy::RateLimit,
                ));
            }
            self.recent_sends.push_back(now);
        }
        None
    }

    // --- the methods ------------------------------------------------------------------------

    /// Every method except getUpdates, which waits and so is handled outside the lock.
    fn call(&mut self, method: &str, p: &Map<String, Value>) -> ApiResult {
        match method {
            "getme" => Ok(Self::me_json()),
            "getwebhookinfo" => Ok(json!({
                "url": self.webhook_url.clone().unwrap_or_default(),
                "has_custom_certificate": false,
                "pending_update_count": self.updates.len(),
            })),
            "setwebhook" => {
                let url = str_param(p, "url").unwrap_or_default();
                self.webhook_url = (!url.is_empty()).then_some(url);
                if bool_param(p, "drop_pending_updates") {
                    self.updates.clear();
                }
                Ok(true.into())
            }
            "deletewebhook" => {
                self.webhook_url = None;
                if bool_param(p, "drop_pending_updates") {
                    self.updates.clear();
                }
                Ok(true.into())
            }
            "sendmessage" => self.send_message(p),
            "editmessagetext" => self.edit_message(p, true),
            "editmessagereplymarkup" => self.edit_message(p, false),
            "deletemessage" => self.delete_message(p),
            "answercallbackquery" => self.answer_callback_query(p),
            "setmycommands" => self.set_my_commands(p),
            "getmycommands" => {
                let (scope, language) = command_key(p);
                let commands = self.my_commands(&scope, &language).unwrap_or_default();
                Ok(commands
                    .into_iter()
                    .map(|(command, description)| {
                        json!({"command": command, "description": description})
                    })
                    .collect())
            }
            "deletemycommands" => {
                let (scope, language) = command_key(p);
                self.commands
                    .retain(|set| !(set.scope == scope && set.language_code == language));
                Ok(true.into())
            }
            // Accepted and recorded, with nothing to simulate.
            "close"
            | "logout"
            | "sendchataction"
            | "setmydescription"
            | "setmyshortdescription"
            | "setmyname"
            | "setchatmenubutton" => Ok(true.into()),
            _ => Err(ApiFailure::new(404, "Not Found")),
        }
    }

    fn send_message(&mut self, p: &Map<String, Value>) -> ApiResult {
        let chat_id = chat_id_param(p)?;
        if self.blocked.contains(&chat_id) {
            return Err(ApiFailure::new(
                403,
                "Forbidden: bot was blocked by the user",
            ));
        }
        let text = str_param(p, "text").unwrap_or_default();
        let parse_mode = str_param(p, "parse_mode");
        check_text(
            &text,
            parse_mode.as_deref(),
            "Bad Request: message is too long",
        )?;
        let reply_markup = markup_param(p)?;
        let message_id = self.next_message_id(chat_id);
        self.store(
            chat_id,
            StoredMessage {
                message_id,
                author: Author::Bot,
                text,
                is_text: true,
                parse_mode,
                reply_markup,
                date: now(),
                edit_date: None,
                edits: 0,
                deleted: false,
            },
        );
        Ok(self.message_json(chat_id, message_id))
    }

    /// editMessageText (`text: true`) and editMessageReplyMarkup. Both replace the inline
    /// keyboard with the one given, or remove it when none is given, as Telegram does.
    fn edit_message(&mut self, p: &Map<String, Value>, text: bool) -> ApiResult {
        if p.contains_key("inline_message_id") {
            return Err(ApiFailure::bad("Bad Request: MESSAGE_ID_INVALID"));
        }
        let chat_id = chat_id_param(p)?;
        let message_id = message_id_param(p)?;
        let new_text = if text {
            let new_text = str_param(p, "text").unwrap_or_default();
            let mode = str_param(p, "parse_mode");
            check_text(&new_text, mode.as_deref(), "Bad Request: MESSAGE_TOO_LONG")?;
            Some((new_text, mode))
        } else {
            None
        };
        let markup = markup_param(p)?;
        if markup
            .as_ref()
            .is_some_and(|m| m.get("inline_keyboard").is_none())
        {
            return Err(ApiFailure::bad(
                "Bad Request: only inline keyboards can be edited",
            ));
        }
        let Some(m) = self.find_mut(chat_id, message_id) else {
            return Err(ApiFailure::bad(EDIT_NOT_FOUND));
        };
        if m.author != Author::Bot {
            return Err(ApiFailure::bad("Bad Request: message can't be edited"));
        }
        if text && !m.is_text {
            return Err(ApiFailure::bad(
                "Bad Request: there is no text in the message to edit",
            ));
        }
        let same_text = new_text.as_ref().is_none_or(|(t, _)| *t == m.text);
        let same_markup = inline_markup(markup.as_ref()) == inline_markup(m.reply_markup.as_ref());
        if same_text && same_markup {
            return Err(ApiFailure::bad(NOT_MODIFIED));
        }
        if let Some((new_text, mode)) = new_text {
            m.text = new_text;
            m.parse_mode = mode;
        }
        m.reply_markup = markup;
        m.edits += 1;
        m.edit_date = Some(now().max(m.date + 1));
        Ok(self.message_json(chat_id, message_id))
    }

    fn delete_message(&mut self, p: &Map<String, Value>) -> ApiResult {
        let chat_id = chat_id_param(p)?;
        let message_id = message_id_param(p)?;
        let private = self.chats.get(&chat_id).map(|c| c.kind) == Some(ChatType::Private);
        let Some(m) = self.find_mut(chat_id, message_id) else {
            return Err(ApiFailure::bad("Bad Request: message to delete not found"));
        };
        // Bots may delete their own messages anywhere and incoming ones in private chats.
        if m.author != Author::Bot && !private {
            return Err(ApiFailure::bad("Bad Request: message can't be deleted"));
        }
        m.deleted = true;
        Ok(true.into())
    }

    fn answer_callback_query(&mut self, p: &Map<String, Value>) -> ApiResult {
        let id = str_param(p, "callback_query_id").unwrap_or_default();
        if !self.open_callbacks.remove(&id) {
            return Err(ApiFailure::bad(QUERY_TOO_OLD));
        }
        self.callback_answers.push(CallbackAnswer {
            callback_query_id: id,
            text: str_param(p, "text"),
            show_alert: bool_param(p, "show_alert"),
            url: str_param(p, "url"),
        });
        Ok(true.into())
    }

    fn set_my_commands(&mut self, p: &Map<String, Value>) -> ApiResult {
        let Some(list) = json_param(p, "commands").and_then(|v| v.as_array().cloned()) else {
            return Err(ApiFailure::bad(
                "Bad Request: parameter \"commands\" is required",
            ));
        };
        if list.len() > 100 {
            return Err(ApiFailure::bad("Bad Request: too many commands"));
        }
        let mut commands = Vec::new();
        for entry in &list {
            let command = str_field(entry, "command").unwrap_or_default();
            let description = str_field(entry, "description").unwrap_or_default();
            let valid_command = (1..=32).contains(&command.len())
                && command
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !valid_command {
                return Err(ApiFailure::bad("Bad Request: BOT_COMMAND_INVALID"));
            }
            if !(1..=256).contains(&description.chars().count()) {
                return Err(ApiFailure::bad(
                    "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
                ));
            }
            commands.push((command, description));
        }
        let (scope, language_code) = command_key(p);
        self.commands
            .retain(|set| !(set.scope == scope && set.language_code == language_code));
        self.commands.push(CommandSet {
            scope,
            language_code,
            commands,
        });
        Ok(true.into())
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

/// Marks a response that must not be sent: the connection is closed instead.
#[derive(Clone, Copy, Debug)]
struct HangUp;

impl fmt::Display for HangUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the fake Bot API hung up on purpose")
    }
}

impl std::error::Error for HangUp {}

/// Accepts connections until the future is dropped, which also drops (and so closes) every
/// open connection. A plain accept loop rather than `axum::serve` because closing a
/// connection without an answer ([`Fault::Drop`]) needs a say in how each one is served.
async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let router = Router::new().fallback(handle).with_state(shared);
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone()));
                }
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next() => {}
        }
    }
}

async fn serve_connection(stream: TcpStream, router: Router) {
    let _ = stream.set_nodelay(true);
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let router = router.clone();
        async move {
            let response = match router.oneshot(request.map(Body::new)).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            // Failing the service makes hyper close the connection without an answer.
            if response.extensions().get::<HangUp>().is_some() {
                Err(HangUp)
            } else {
                Ok::<_, HangUp>(response)
            }
        }
    });
    let _ = http1::Builder::new()
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Every request lands here: `/bot<token>/<method>`.
async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some((token, method)) = uri
        .path()
        .strip_prefix("/bot")
        .and_then(|rest| rest.split_once('/'))
    else {
        return api_response(Err(ApiFailure::new(404, "Not Found")));
    };
    let method = method.trim_end_matches('/').to_ascii_lowercase();
    if token != FakeApi::TOKEN {
        // Recorded all the same: a bot started with the wrong token shows up in the dump.
        shared.update(|s| {
            let index = s.record(&method, Value::Null);
            s.requests[index].status = Some(401);
        });
        return api_response(Err(ApiFailure::new(401, "Unauthorized")));
    }
    let params = parse_body(&headers, &body);
    let recorded_body = match &params {
        Ok(p) => Value::Object(p.clone()),
        Err(_) => Value::String(String::from_utf8_lossy(&body).chars().take(500).collect()),
    };
    let (index, fault) = shared.update(|s| {
        let index = s.record(&method, recorded_body);
        let fault = s.pick_fault(&method);
        if let Some((fault, by)) = fault {
            s.injected.push(Injected {
                method: method.clone(),
                fault,
                by,
                at: Instant::now(),
            });
        }
        (index, fault.map(|(fault, _)| fault))
    });

    let outcome = match (params, fault) {
        (_, Some(Fault::Drop)) => None,
        (_, Some(Fault::TooManyRequests { retry_after })) => Some(Err(ApiFailure {
            status: 429,
            description: format!("Too Many Requests: retry after {retry_after}"),
            retry_after: Some(retry_after),
        })),
        (_, Some(Fault::ServerError(status))) => {
            let reason = StatusCode::from_u16(status)
                .ok()
                .and_then(|s| s.canonical_reason())
                .unwrap_or("Internal Server Error");
            Some(Err(ApiFailure::new(status, reason)))
        }
        (Err(failure), _) => Some(Err(failure)),
        (Ok(p), Some(Fault::Stall(pause))) => {
            tokio::time::sleep(pause).await;
            Some(dispatch(&shared, &method, &p).await)
        }
        (Ok(p), Some(Fault::DropAfterHandling)) => {
            let _ = dispatch(&shared, &method, &p).await;
            None
        }
        (Ok(p), None) => Some(dispatch(&shared, &method, &p).await),
    };

    let status = outcome.as_ref().map(|result| match result {
        Ok(_) => 200,
        Err(failure) => failure.status,
    });
    shared.update(|s| {
        if let Some(recorded) = s.requests.get_mut(index) {
            recorded.status = status;
        }
    });
    match outcome {
        Some(result) => api_response(result),
        None => {
            let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
            response.extensions_mut().insert(HangUp);
            response
        }
    }
}

async fn dispatch(shared: &Shared, method: &str, p: &Map<String, Value>) -> ApiResult {
    if method == "getupdates" {
        get_updates(shared, p).await
    } else {
        shared.update(|s| s.call(method, p))
    }
}

/// getUpdates: confirms what the offset confirms, then answers as soon as there is something
/// to send or the (capped) timeout has passed.
async fn get_updates(shared: &Shared, p: &Map<String, Value>) -> ApiResult {
    let offset = int_param(p, "offset").unwrap_or(0);
    let limit = usize::try_from(int_param(p, "limit").unwrap_or(100).clamp(1, 100)).unwrap_or(100);
    let timeout = Duration::from_secs(int_param(p, "timeout").unwrap_or(0).clamp(0, 3600) as u64);
    let allowed = json_param(p, "allowed_updates").and_then(|v| {
        v.as_array().map(|list| {
            list.iter()
                .filter_map(|kind| kind.as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
    });
    let (generation, cap) = shared.update(|s| {
        if s.webhook_url.is_some() {
            return Err(ApiFailure::new(409, WEBHOOK_ACTIVE));
        }
        s.confirm(offset);
        if let Some(allowed) = allowed {
            s.allowed_updates = Some(allowed);
        }
        s.poll_generation += 1;
        Ok((s.poll_generation, s.long_poll_cap))
    })?;
    let deadline = tokio::time::Instant::now() + timeout.min(cap);
    loop {
        let mut changed = pin!(shared.notify.notified());
        changed.as_mut().enable();
        let (answer, dropped) = {
            let mut s = shared.lock();
            if s.poll_generation != generation {
                (Some(Err(ApiFailure::new(409, TERMINATED))), false)
            } else {
                let dropped = s.drop_unwanted();
                let batch: Vec<Value> = s
                    .updates
                    .iter()
                    .take(limit)
                    .map(|(_, u)| u.clone())
                    .collect();
                let done = !batch.is_empty() || tokio::time::Instant::now() >= deadline;
                (done.then_some(Ok(Value::Array(batch))), dropped)
            }
        };
        if dropped {
            shared.wake();
        }
        if let Some(answer) = answer {
            return answer;
        }
        let _ = tokio::time::timeout_at(deadline, changed).await;
    }
}

fn api_response(result: ApiResult) -> Response {
    match result {
        Ok(value) => Json(json!({"ok": true, "result": value})).into_response(),
        Err(failure) => {
            let mut body = json!({
                "ok": false,
                "error_code": failure.status,
                "description": failure.description,
            });
            if let Some(seconds) = failure.retry_after {
                body["parameters"] = json!({"retry_after": seconds});
            }
            let status =
                StatusCode::from_u16(failure.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, Json(body)).into_response()
        }
    }
}

/// The parameters of a call: a JSON object, or nothing. teloxide always sends JSON except
/// for file uploads, which the fake does not simulate.
fn parse_body(headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, ApiFailure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if let Some(boundary) = content_type
        .strip_prefix("multipart/form-data")
        .and_then(|rest| rest.split("boundary=").nth(1))
    {
        return multipart_fields(body, boundary.trim_matches('"'));
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(params)) => Ok(params),
        _ => Err(ApiFailure::bad(
            "Bad Request: the fake Bot API reads JSON object bodies only",
        )),
    }
}

/// The text fields of a multipart body (values that parse as JSON are kept as JSON, as
/// Telegram does for `allowed_updates` and the like); a file part is refused.
fn multipart_fields(body: &Bytes, boundary: &str) -> Result<Map<String, Value>, ApiFailure> {
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiFailure::bad("Bad Request: the fake Bot API does not simulate uploads"))?;
    let mut fields = Map::new();
    for part in text.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        if head.contains("filename=") {
            return Err(ApiFailure::bad(
                "Bad Request: the fake Bot API does not simulate uploads",
            ));
        }
        let Some(name) = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        let parsed =
            serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
        fields.insert(name.to_string(), parsed);
    }
    Ok(fields)
}

// ---------------------------------------------------------------------------------------------
// Parameters and checks
// ---------------------------------------------------------------------------------------------

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Sending methods, as Telegram's flood control counts them (chat actions excluded).
fn is_sending(method: &str) -> bool {
    (method.starts_with("send") && method != "sendchataction")
        || method.starts_with("copymessage")
        || method.starts_with("forwardmessage")
}

fn str_field(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn str_param(p: &Map<String, Value>, key: &str) -> Option<String> {
    match p.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int_param(p: &Map<String, Value>, key: &str) -> Option<i64> {
    match p.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn bool_param(p: &Map<String, Value>, key: &str) -> bool {
    match p.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// A parameter that holds JSON: an object or array, or a string of JSON (Telegram takes both).
fn json_param(p: &Map<String, Value>, key: &str) -> Option<Value> {
    match p.get(key)? {
        Value::String(s) => serde_json::from_str(s).ok(),
        other => Some(other.clone()),
    }
}

fn chat_id_param(p: &Map<String, Value>) -> Result<i64, ApiFailure> {
    match p.get("chat_id") {
        None | Some(Value::Null) => Err(ApiFailure::bad("Bad Request: chat_id is empty")),
        Some(_) => {
            int_param(p, "chat_id").ok_or_else(|| ApiFailure::bad("Bad Request: chat not found"))
        }
    }
}

fn message_id_param(p: &Map<String, Value>) -> Result<i32, ApiFailure> {
    int_param(p, "message_id")
        .and_then(|id| i32::try_from(id).ok())
        .ok_or_else(|| ApiFailure::bad("Bad Request: message identifier is not specified"))
}

fn default_scope() -> Value {
    json!({"type": "default"})
}

fn command_key(p: &Map<String, Value>) -> (Value, String) {
    let scope = json_param(p, "scope").unwrap_or_else(default_scope);
    (scope, str_param(p, "language_code").unwrap_or_default())
}

/// `reply_markup`, checked as Telegram checks inline keyboards.
fn markup_param(p: &Map<String, Value>) -> Result<Option<Value>, ApiFailure> {
    let Some(markup) = p.get("reply_markup") else {
        return Ok(None);
    };
    let markup = match markup {
        Value::String(s) => serde_json::from_str(s).map_err(|_| {
            ApiFailure::bad("Bad Request: can't parse reply keyboard markup JSON object")
        })?,
        other => other.clone(),
    };
    if !markup.is_object() {
        return Err(ApiFailure::bad(
            "Bad Request: can't parse reply keyboard markup JSON object",
        ));
    }
    if let Some(rows) = markup.get("inline_keyboard") {
        let rows = rows.as_array().ok_or_else(|| {
            ApiFailure::bad("Bad Request: field \"inline_keyboard\" must be an Array")
        })?;
        for row in rows {
            let row = row.as_array().ok_or_else(|| {
                ApiFailure::bad("Bad Request: inline keyboard rows must be Arrays")
            })?;
            for button in row {
                check_button(button)?;
            }
        }
    }
    Ok(Some(markup))
}

fn check_button(button: &Value) -> Result<(), ApiFailure> {
    const ACTIONS: &[&str] = &[
        "callback_data",
        "url",
        "login_url",
        "web_app",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ];
    if str_field(button, "text").is_none_or(|t| t.is_empty()) {
        return Err(ApiFailure::bad(
            "Bad Request: can't parse inline keyboard button: the button text is empty",
        ));
    }
    if !ACTIONS.iter().any(|a| button.get(a).is_some()) {
        return Err(ApiFailure::bad(TEXT_BUTTON));
    }
    if let Some(data) = button.get("callback_data") {
        let ok = data.as_str().is_some_and(|d| (1..=64).contains(&d.len()));
        if !ok {
            return Err(ApiFailure::bad("Bad Request: BUTTON_DATA_INVALID"));
        }
    }
    if let Some(url) = button.get("url") {
        let ok = url.as_str().is_some_and(|u| {
            ["http://", "https://", "tg://"]
                .iter()
                .any(|scheme| u.starts_with(scheme) && u.len() > scheme.len())
        });
        if !ok {
            return Err(ApiFailure::bad("Bad Request: BUTTON_URL_INVALID"));
        }
    }
    Ok(())
}

fn inline_rows(markup: Option<&Value>) -> Vec<Vec<Value>> {
    markup
        .and_then(|m| m.get("inline_keyboard"))
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .filter_map(Value::as_array)
                .filter(|row| !row.is_empty())
                .map(|row| row.to_vec())
                .collect()
        })
        .unwrap_or_default()
}

/// The inline keyboard as it appears on the message: Telegram shows none for an empty one,
/// and never echoes reply keyboards (they belong to the chat, not to the message).
fn inline_markup(markup: Option<&Value>) -> Option<Value> {
    let rows = inline_rows(markup);
    (!rows.is_empty()).then(|| json!({"inline_keyboard": rows}))
}

/// Checks a message text as Telegram would and fails with its kind of error.
fn check_text(text: &str, parse_mode: Option<&str>, too_long: &str) -> Result<(), ApiFailure> {
    let visible = visible_text(text, parse_mode)
        .map_err(|e| ApiFailure::bad(format!("Bad Request: can't parse entities: {e}")))?;
    if visible.trim().is_empty() {
        return Err(ApiFailure::bad("Bad Request: message text is empty"));
    }
    if utf16_len(&visible) > 4096 {
        return Err(ApiFailure::bad(too_long));
    }
    Ok(())
}

/// The text a person reads. For HTML, tags are checked (known, properly nested, closed) and
/// removed, and entities decoded; other parse modes are taken as they are.
fn visible_text(text: &str, parse_mode: Option<&str>) -> Result<String, String> {
    match parse_mode.map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("markdown") | Some("markdownv2") => Ok(text.to_owned()),
        Some("html") => html_visible_text(text),
        Some(other) => Err(format!("unsupported parse_mode \"{other}\"")),
    }
}

fn html_visible_text(text: &str) -> Result<String, String> {
    let mut visible = String::with_capacity(text.len());
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        match c {
            '<' => {
                let Some(len) = text[i..].find('>') else {
                    return Err(format!("Unclosed start tag at byte offset {i}"));
                };
                let inside = &text[i + 1..i + len];
                if let Some(name) = inside.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    match open.pop() {
                        None => return Err(format!("Unexpected end tag at byte offset {i}")),
                        Some(expected) if expected != name => {
                            return Err(format!(
                                "Unmatched end tag at byte offset {i}, expected \"</{expected}>\", \
                                 found \"</{name}>\""
                            ));
                        }
                        Some(_) => {}
                    }
                } else {
                    let name = inside
                        .split(|c: char| c.is_whitespace() || c == '/')
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    if !HTML_TAGS.contains(&name.as_str()) {
                        return Err(format!(
                            "Unsupported start tag \"{name}\" at byte offset {i}"
                        ));
                    }
                    open.push(name);
                }
                i += len + 1;
            }
            '&' => {
                let entity = text[i..]
                    .find(';')
                    .filter(|&end| end <= 10)
                    .and_then(|end| Some((decode_entity(&text[i + 1..i + end])?, end)));
                match entity {
                    Some((decoded, end)) => {
                        visible.push(decoded);
                        i += end + 1;
                    }
                    None => {
                        visible.push('&');
                        i += 1;
                    }
                }
            }
            _ => {
                visible.push(c);
                i += c.len_utf8();
            }
        }
    }
    match open.last() {
        Some(name) => Err(format!(
            "Can't find end tag corresponding to start tag \"{name}\""
        )),
        None => Ok(visible),
    }
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}
