//! Long polling through [`Api`]: the update listener the dispatcher reads in polling mode.
//!
//! It does what teloxide's own polling listener does, without its 10 s pause after a 5xx (see
//! [`super::api`]): getUpdates with the offset after the last update received, waiting up to
//! [`LONG_POLL`] seconds; after a failure a backoff from 100 ms doubling to 5 s (a 429 waits
//! its `retry_after`). When the dispatcher asks it to stop, the request in flight is dropped
//! and one last getUpdates (limit 1, no wait) confirms the offset, so Telegram forgets what was
//! received here and a replica taking over starts after it.
//!
//! Each update is read on its own: one the installed teloxide cannot read is skipped (its id
//! still confirms it) instead of failing the whole batch again and again. Nothing of an
//! update is logged.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use serde::Deserialize;
use serde_json::value::RawValue;
use teloxide::stop::{StopFlag, StopToken, mk_stop_token};
use teloxide::types::{AllowedUpdate, Update};
use teloxide::update_listeners::{StatefulListener, UpdateListener};
use tracing::warn;

use super::api::{Api, Failure, LONG_POLL};

/// How many updates one getUpdates may bring (Telegram's maximum).
const BATCH: u8 = 100;

/// The listener's state: where polling is, and how to stop it.
pub(super) struct Poller {
    api: Arc<Api>,
    /// The id after the last update received (0: none yet).
    offset: i32,
    /// The kinds of update the dispatcher handles, as Telegram names them.
    allowed: Vec<String>,
    token: StopToken,
    flag: StopFlag,
}

/// A polling listener on `api`, starting after whatever Telegram has not yet been told was
/// received.
pub(super) fn listener(api: Arc<Api>) -> impl UpdateListener<Err = Infallible> + Send {
    let (token, flag) = mk_stop_token();
    let poller = Poller {
        api,
        offset: 0,
        allowed: Vec::new(),
        token,
        flag,
    };
    StatefulListener::new_with_hints(
        poller,
        updates,
        |p: &mut Poller| p.token.clone(),
        Some(
            |p: &mut Poller, hint: &mut dyn Iterator<Item = AllowedUpdate>| {
                p.allowed = hint
                    .filter_map(|kind| match serde_json::to_value(kind) {
                        Ok(serde_json::Value::String(name)) => Some(name),
                        _ => None,
                    })
                    .collect();
            },
        ),
    )
}

/// Where a stream of updates is.
struct Polling<'a> {
    poller: &'a mut Poller,
    received: VecDeque<Update>,
    stopping: bool,
    failures: u32,
}

fn updates(poller: &mut Poller) -> impl Stream<Item = Result<Update, Infallible>> + Send + '_ {
    let polling = Polling {
        poller,
        received: VecDeque::new(),
        stopping: false,
        failures: 0,
    };
    futures_util::stream::unfold(polling, next)
}

/// The next update, polling for more when none is left; none once stopped.
async fn next(mut s: Polling<'_>) -> Option<(Result<Update, Infallible>, Polling<'_>)> {
    loop {
        if let Some(update) = s.received.pop_front() {
            return Some((Ok(update), s));
        }
        if s.stopping || s.poller.flag.is_stopped() {
            s.poller.confirm().await;
            return None;
        }
        let mut flag = s.poller.flag.clone();
        let p = &*s.poller;
        let polled = tokio::select! {
            biased;
            () = &mut flag => {
                // The request in flight is dropped: what it would bring is left to Telegram.
                s.stopping = true;
                continue;
            }
            polled = p.api.get_updates(p.offset, BATCH, LONG_POLL, &p.allowed) => polled,
        };
        let wait = match polled {
            Ok(batch) => {
                s.failures = 0;
                s.poller.read(batch, &mut s.received);
                continue;
            }
            Err(Failure::RetryAfter(wait)) => wait,
            Err(e) => {
                s.failures += 1;
                let wait = backoff(s.failures);
                warn!(error = %e, retry_in_ms = wait.as_millis() as u64, "getting updates failed");
                wait
            }
        };
        tokio::select! {
            () = &mut flag => s.stopping = true,
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// The wait after `failures` failed getUpdates in a row: 100 ms doubling to 5 s.
fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(6);
    (Duration::from_millis(100) * 2u32.pow(doublings)).min(Duration::from_secs(5))
}

/// Of an update that could not be read, its id.
#[derive(Deserialize)]
struct UpdateIdOnly {
    update_id: u32,
}

impl Poller {
    /// Reads a batch into `into`, moving the offset past every update in it.
    fn read(&mut self, batch: Vec<Box<RawValue>>, into: &mut VecDeque<Update>) {
        for raw in batch {
            match serde_json::from_str::<Update>(raw.get()) {
                Ok(update) => {
                    self.offset = self.offset.max(update.id.as_offset());
                    into.push_back(update);
                }
                Err(_) => match serde_json::from_str::<UpdateIdOnly>(raw.get()) {
                    Ok(only) => {
                        let after = i32::try_from(only.update_id).map_or(i32::MAX, |id| id + 1);
                        self.offset = self.offset.max(after);
                        warn!("an update could not be read; skipped");
                    }
                    Err(_) => warn!("an update without an id could not be read; skipped"),
                },
            }
        }
    }

    /// Tells Telegram what was received, so that the next poller (this one after a restart,
    /// or another replica) starts after it.
    async fn confirm(&self) {
        if self.offset == 0 {
            return;
        }
        for attempt in 1..=3u32 {
            match self.api.get_updates(self.offset, 1, 0, &self.allowed).await {
                Ok(_) => return,
                Err(e) if attempt == 3 => {
                    warn!(error = %e, "confirming the updates received failed; Telegram may send some again");
                }
                Err(_) => tokio::time::sleep(backoff(attempt)).await,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_100_ms_to_5_s() {
        let waits: Vec<u128> = (1..=9).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    }
}
