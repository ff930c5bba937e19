//! The conversation: what the bot does for each thing a person does, without Telegram.
//!
//! Contract: `handle` is pure. It takes the stored state of one chat (or none), one event
//! and the rules, and returns the new state (or none: delete it) with the effects to carry
//! out, in order. The Telegram adapter turns events into `Event`s and `Effect`s into Bot API
//! calls; nothing here knows teloxide (architecture invariant 1), so every rule of the
//! conversation is tested as a plain function.
//!
//! The shape of a conversation: a short privacy notice, then one question per message with
//! its buttons. When a question is answered its message is edited to show the answer and
//! loses its buttons, and the next screen comes as a new message. Every button carries the
//! conversation's step counter: a press from an older message changes nothing and brings the
//! current screen back; a second press of the same button is acknowledged silently.

use serde::{Deserialize, Serialize};

use crate::callback::{Action, Callback, STEP_MODULUS};
use crate::check::RuleSet;
use crate::date::Date;
use crate::engine::{self, Input, Notice, Reply, Session, Step};
use crate::i18n::{ArgValue, Args};
use crate::matching;
use crate::render::{Button, Renderer, Screen, Target};
use crate::rules::{QuestionIdx, Rules};

/// The version of the stored `ChatState` format; another version starts afresh with an
/// apology (never a stuck conversation).
pub const STATE_FORMAT: u32 = 1;

/// What is stored for one chat between two updates. No name, no text: only the answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatState {
    #[serde(default)]
    pub format: u32,
    /// The language the person chose (`None`: from their Telegram app's language).
    #[serde(default)]
    pub lang: Option<String>,
    /// The interview, once started.
    #[serde(default)]
    pub session: Option<Session>,
    /// Counts the steps taken; buttons carry it (modulo `STEP_MODULUS`).
    #[serde(default)]
    pub step: u32,
    /// The message showing the current screen's buttons, edited when it is answered.
    #[serde(default)]
    pub current_message: Option<i32>,
    /// The text of that message, so it can be edited without rendering it again.
    #[serde(default)]
    pub current_text: Option<String>,
    /// The button data last acted on, to recognise a second press of it.
    #[serde(default)]
    pub last_press: Option<String>,
    /// The deep-link code the interview started with (for counting only; issue 5).
    #[serde(default)]
    pub source: Option<String>,
    /// The result was shown: the state is deleted after a grace period.
    #[serde(default)]
    pub finished: bool,
    /// The delivery ids of the last few updates applied to this chat (Telegram's update ids),
    /// newest last: an update delivered twice (a webhook retried, a poller killed before it
    /// confirmed) is recognised and not applied again. Kept by the adapter, not read here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<u32>,
    /// When (Unix time) the adapter stored a decision whose replies it had not finished
    /// sending; cleared once they are sent. Still set long after, the process died in
    /// between, and the person may never have seen the reply. Kept by the adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<i64>,
    /// Which process stored that decision (a random number per process start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_by: Option<u64>,
    /// What the person did that led to the last decision: the button's data or the command
    /// (never free text). The same again before its replies reached the person (someone tired
    /// of waiting for a slow reply) is not applied twice. Kept by the adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_event: Option<String>,
    /// How many messages the pending decision sends, and how many of them were sent: a
    /// decision cut short half-way is resumed from where it stopped. Kept by the adapter.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sends: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sent: u32,
    /// When (Unix time) every reply to the last decision had been sent. Kept by the adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_at: Option<i64>,
    /// The language of the last screen (`es`, `en`), to send it again in the same language
    /// when no update says which the person's app uses. Kept by the adapter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_in: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl ChatState {
    fn fresh(lang: Option<String>) -> ChatState {
        ChatState {
            format: STATE_FORMAT,
            lang,
            session: None,
            step: 0,
            current_message: None,
            current_text: None,
            last_press: None,
            source: None,
            finished: false,
            recent: Vec::new(),
            pending: None,
            pending_by: None,
            last_event: None,
            sends: 0,
            sent: 0,
            replied_at: None,
            shown_in: None,
        }
    }
}

/// The commands, with their Spanish aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Start,
    Help,
    Language,
    Restart,
    Back,
    Privacy,
    Delete,
    Unknown,
}

impl Command {
    /// Every command with its name in English and in Spanish (`start` is the same).
    pub const ALL: [(Command, &'static str, &'static str); 7] = [
        (Command::Start, "start", "start"),
        (Command::Help, "help", "ayuda"),
        (Command::Language, "language", "idioma"),
        (Command::Restart, "restart", "reiniciar"),
        (Command::Back, "back", "atras"),
        (Command::Privacy, "privacy", "privacidad"),
        (Command::Delete, "delete", "borrar"),
    ];

    /// The message describing the command in the command menu.
    pub fn description_id(self) -> &'static str {
        match self {
            Command::Start => "ui-cmd-start",
            Command::Help => "ui-cmd-help",
            Command::Language => "ui-cmd-language",
            Command::Restart => "ui-cmd-restart",
            Command::Back => "ui-cmd-back",
            Command::Privacy => "ui-cmd-privacy",
            Command::Delete => "ui-cmd-delete",
            Command::Unknown => "ui-unknown-command",
        }
    }

    /// Reads `/name`, `/name@bot` or `/name payload`; `None` when the text is no command.
    pub fn parse(text: &str) -> Option<(Command, String)> {
        let rest = text.trim().strip_prefix('/')?;
        let (word, payload) = match rest.split_once(char::is_whitespace) {
            Some((w, p)) => (w, p.trim()),
            None => (rest, ""),
        };
        let name = word.split('@').next().unwrap_or(word);
        let name = matching::normalize(name);
        let command = Command::ALL
            .iter()
            .find(|(_, en, es)| name == *en || name == *es || name == "atrás" && *es == "atras")
            .map_or(Command::Unknown, |(c, _, _)| *c);
        Some((command, payload.to_string()))
    }
}

/// One thing a person did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Command {
        command: Command,
        payload: String,
    },
    Text(String),
    /// A button press; `message` is `None` when Telegram no longer shows the message.
    Press {
        data: String,
        message: Option<i32>,
    },
    /// A sticker, photo, voice note, location, contact, document…: never read, never stored.
    Unsupported,
    /// The reply to the last update may never have reached the person (the process sending
    /// it stopped half-way): show the current screen again, changing nothing else.
    Resume,
}

impl Event {
    /// A text message: a command if it starts with `/`, else text to match against the
    /// buttons.
    pub fn from_text(text: &str) -> Event {
        match Command::parse(text) {
            Some((command, payload)) => Event::Command { command, payload },
            None => Event::Text(text.to_string()),
        }
    }
}

/// Something to do on Telegram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Answer the button press (at once, alongside the messages sent, so the phone stops
    /// waiting), with an optional short notice shown on top of the chat.
    AnswerPress(Option<String>),
    /// Replace a message's text and remove its buttons.
    Edit { message: i32, text: String },
    /// Send a new message. When `current`, its id becomes `ChatState::current_message`.
    Send { screen: Screen, current: bool },
}

/// What `handle` decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    /// The state to store; `None` deletes it.
    pub state: Option<ChatState>,
    /// Anonymous counters to add: (metric, key), in the language of the conversation
    /// (`Outcome::lang`). See `store::Store::add_counts` for the list.
    pub counts: Vec<(&'static str, String)>,
    /// The language the conversation is in.
    pub lang: String,
}

/// What `handle` needs besides the state and the event.
pub struct Context<'a> {
    /// The rules the chat's interview runs on (the version it started with, if still loaded).
    pub set: &'a RuleSet,
    /// The language of the person's Telegram app, if it says.
    pub client_lang: Option<&'a str>,
    pub today: Date,
    /// The stored state was older than the time-to-live (it was dropped).
    pub expired: bool,
    /// A stored state could not be read (it was dropped).
    pub unreadable: bool,
}

/// The conversation's answer to one event.
pub fn handle(state: Option<ChatState>, event: Event, ctx: &Context<'_>) -> Outcome {
    let mut notices = Vec::new();
    let mut st = match state {
        Some(s) if s.format == STATE_FORMAT => s,
        Some(s) => {
            notices.push("ui-state-lost");
            ChatState::fresh(s.lang)
        }
        None => ChatState::fresh(None),
    };
    if ctx.unreadable {
        notices.push("ui-state-lost");
    } else if ctx.expired {
        notices.push("ui-expired");
    }
    let lang = st
        .lang
        .clone()
        .filter(|l| ctx.set.locales.languages().contains(l))
        .unwrap_or_else(|| {
            ctx.set
                .locales
                .negotiate(ctx.client_lang, &ctx.set.rules.default_locale)
        });
    let mut turn = Turn {
        ctx,
        lang,
        effects: Vec::new(),
        delete: false,
        counts: Vec::new(),
    };
    for id in notices {
        turn.say(id);
    }
    match event {
        Event::Command { command, payload } => turn.command(&mut st, command, &payload),
        Event::Text(text) => turn.text(&mut st, &text),
        Event::Unsupported => {
            if st.session.is_none() {
                turn.begin(&mut st, None);
            } else {
                turn.say("ui-text-hint");
                turn.again(&mut st, None);
            }
        }
        Event::Press { data, message } => turn.press(&mut st, &data, message),
        Event::Resume => turn.again(&mut st, None),
    }
    Outcome {
        effects: turn.effects,
        state: (!turn.delete).then_some(st),
        counts: turn.counts,
        lang: turn.lang,
    }
}

/// One event being handled.
struct Turn<'a> {
    ctx: &'a Context<'a>,
    lang: String,
    effects: Vec<Effect>,
    /// The person asked to delete their state.
    delete: bool,
    counts: Vec<(&'static str, String)>,
}

impl Turn<'_> {
    fn rules(&self) -> &Rules {
        &self.ctx.set.rules
    }

    fn renderer(&self, step: u32) -> Renderer<'_> {
        Renderer::new(
            &self.ctx.set.rules,
            &self.ctx.set.locales,
            &self.lang,
            self.ctx.today,
        )
        .at_step(step)
    }

    /// An interface message. The rules were checked to define every one in every language,
    /// so a failure here is a bug; the message id is shown rather than nothing.
    fn plain(&self, id: &str) -> String {
        self.ctx
            .set
            .locales
            .format(&self.lang, id, &Args::new())
            .unwrap_or_else(|_| id.to_string())
    }

    fn say(&mut self, id: &str) {
        let text = self.plain(id);
        self.send(text, Vec::new(), false);
    }

    fn send(&mut self, text: String, buttons: Vec<Vec<Button>>, current: bool) {
        self.effects.push(Effect::Send {
            screen: Screen { text, buttons },
            current,
        });
    }

    fn command(&mut self, st: &mut ChatState, command: Command, payload: &str) {
        match command {
            Command::Start => {
                let source = self.source(payload);
                *st = ChatState::fresh(st.lang.clone());
                self.begin(st, source);
            }
            Command::Help => {
                self.say("ui-help");
                self.again(st, None);
            }
            Command::Privacy => {
                self.say("ui-privacy-details");
                self.again(st, None);
            }
            Command::Language => self.language_picker(st),
            Command::Restart => self.apply(st, Input::Restart, None),
            Command::Back => self.apply(st, Input::Back, None),
            Command::Delete => {
                self.drop_keyboard(st);
                self.say("ui-deleted");
                self.delete = true;
                self.counts.push(("deleted", String::new()));
            }
            Command::Unknown => {
                self.say("ui-unknown-command");
                self.again(st, None);
            }
        }
    }

    /// The deep-link source to count: a code the rules list under `report: sources:`, else
    /// `other`; `None` without a payload. An unlisted code is never kept, since a link made
    /// for one person (`?start=maria_lopez`) would otherwise name them in the counters.
    fn source(&self, payload: &str) -> Option<String> {
        if payload.trim().is_empty() {
            return None;
        }
        Some(match source_code(payload) {
            Some(code) if self.rules().report.sources.contains(&code) => code,
            _ => "other".into(),
        })
    }

    /// A fresh interview: the privacy notice, then the first question.
    fn begin(&mut self, st: &mut ChatState, source: Option<String>) {
        let (session, step) = engine::start(self.rules(), self.ctx.today);
        self.counts
            .push(("started", source.clone().unwrap_or_else(|| "none".into())));
        st.source = source;
        st.finished = false;
        st.step = st.step.wrapping_add(1);
        self.say("ui-privacy");
        counts_of_step(&self.ctx.set.rules, None, &step, &session, &mut self.counts);
        st.session = Some(session);
        self.show(st, &step);
    }

    fn text(&mut self, st: &mut ChatState, text: &str) {
        let Some(session) = st.session.clone() else {
            self.begin(st, None);
            return;
        };
        let view = engine::view(self.rules(), &session, self.ctx.today);
        let screens = self
            .renderer(st.step)
            .reply(&view, &session)
            .unwrap_or_default();
        let actions: Vec<(String, Action)> = screens
            .iter()
            .flat_map(|s| s.buttons.iter().flatten())
            .filter_map(|b| match &b.target {
                Target::Callback(cb) if !matches!(cb.action, Action::Back | Action::Restart) => {
                    Some((b.label.clone(), cb.action.clone()))
                }
                _ => None,
            })
            .collect();
        let labels: Vec<&str> = actions.iter().map(|(l, _)| l.as_str()).collect();
        let picked =
            matching::pick(text, &labels).and_then(|i| input_of(self.rules(), &actions[i].1));
        match picked {
            Some(input) => self.apply(st, input, None),
            None => {
                self.say("ui-text-hint");
                self.again(st, None);
            }
        }
    }

    fn press(&mut self, st: &mut ChatState, data: &str, message: Option<i32>) {
        let parsed = Callback::parse(data).ok();
        if let Some(Callback {
            action: Action::Language(lang),
            ..
        }) = &parsed
            && self.ctx.set.locales.languages().contains(lang)
        {
            self.effects.push(Effect::AnswerPress(None));
            if st.lang.as_ref() != Some(lang) && self.lang != *lang {
                self.counts.push(("switch", lang.clone()));
            }
            st.lang = Some(lang.clone());
            self.lang = lang.clone();
            if let Some(m) = message {
                // The picker's message: keep its text, drop its buttons.
                let text = self.plain("ui-language-choose");
                self.effects.push(Effect::Edit { message: m, text });
            }
            if st.session.is_none() {
                self.begin(st, None);
            } else {
                self.again(st, None);
            }
            return;
        }
        let current_step = st.step % STEP_MODULUS;
        let version = self.rules().short_version().to_string();
        let session_version = st
            .session
            .as_ref()
            .map(|s| s.rules_version.get(..8).unwrap_or_default().to_string());
        match parsed {
            Some(cb)
                if cb.step == current_step
                    && Some(&cb.version) == session_version.as_ref()
                    && cb.version == version =>
            {
                match input_of(self.rules(), &cb.action) {
                    Some(input) => {
                        self.effects.push(Effect::AnswerPress(None));
                        self.apply(st, input, Some(data.to_string()));
                    }
                    None => self.stale(st),
                }
            }
            Some(cb)
                if st.last_press.as_deref() == Some(data)
                    && (cb.step + 1) % STEP_MODULUS == current_step =>
            {
                // The same button pressed again before the phone caught up: done already.
                self.effects.push(Effect::AnswerPress(None));
            }
            _ => self.stale(st),
        }
    }

    /// A press that cannot be used: nothing changes, the current screen comes back.
    fn stale(&mut self, st: &mut ChatState) {
        let text = self.plain("ui-stale");
        self.effects.push(Effect::AnswerPress(Some(text)));
        if st.session.is_none() {
            self.begin(st, None);
        } else {
            self.again(st, None);
        }
    }

    /// Applies an input to the interview and shows where it leads.
    fn apply(&mut self, st: &mut ChatState, input: Input, press: Option<String>) {
        let Some(session) = st.session.clone() else {
            self.begin(st, None);
            return;
        };
        let (next, step) = engine::step(self.rules(), &session, input, self.ctx.today);
        if step.notice == Some(Notice::Stale) {
            self.again(st, Some(Notice::Stale));
            return;
        }
        // The screen that was answered keeps its text, shows the answer, and loses its
        // buttons, so only the newest message can be pressed.
        if let (Some(m), Some(text)) = (st.current_message.take(), st.current_text.take()) {
            let text = match input {
                Input::Answer { question, choice } if step.notice.is_none() => {
                    let label = self
                        .renderer(st.step)
                        .answered(question, choice)
                        .unwrap_or_default();
                    let mut args = Args::new();
                    args.insert("answer".into(), ArgValue::Text(label));
                    let answered = self
                        .ctx
                        .set
                        .locales
                        .format(&self.lang, "ui-answered", &args)
                        .unwrap_or_default();
                    format!("{text}\n\n{answered}")
                }
                _ => text,
            };
            self.effects.push(Effect::Edit { message: m, text });
        }
        counts_of_step(
            &self.ctx.set.rules,
            Some(input),
            &step,
            &next,
            &mut self.counts,
        );
        st.session = Some(next);
        st.step = st.step.wrapping_add(1);
        st.last_press = press;
        self.show(st, &step);
    }

    /// Shows the current screen again (after a hint or a notice).
    fn again(&mut self, st: &mut ChatState, notice: Option<Notice>) {
        let Some(session) = st.session.clone() else {
            self.begin(st, None);
            return;
        };
        let reply = engine::view(self.rules(), &session, self.ctx.today);
        // The copy still on screen loses its buttons; the new one is the current screen.
        self.drop_keyboard(st);
        st.step = st.step.wrapping_add(1);
        self.show(st, &Step { reply, notice });
    }

    /// Removes the buttons from the current screen's message, keeping its text.
    fn drop_keyboard(&mut self, st: &mut ChatState) {
        if let (Some(m), Some(text)) = (st.current_message.take(), st.current_text.take()) {
            self.effects.push(Effect::Edit { message: m, text });
        }
    }

    fn language_picker(&mut self, st: &mut ChatState) {
        let version = self.rules().version.clone();
        let buttons = self
            .ctx
            .set
            .locales
            .languages()
            .into_iter()
            .map(|lang| {
                let label = self
                    .ctx
                    .set
                    .locales
                    .format(&lang, "ui-language-name", &Args::new())
                    .unwrap_or_else(|_| lang.clone());
                vec![Button {
                    label,
                    target: Target::Callback(
                        Callback::new(&version, Action::Language(lang)).at_step(st.step),
                    ),
                }]
            })
            .collect();
        let text = self.plain("ui-language-choose");
        self.send(text, buttons, false);
    }

    /// Sends the screens of a step; the last one with buttons becomes the current screen.
    fn show(&mut self, st: &mut ChatState, step: &Step) {
        let Some(session) = st.session.clone() else {
            return;
        };
        if matches!(step.reply, Reply::Result(_)) {
            st.finished = true;
        }
        let screens = match self.renderer(st.step).step(step, &session) {
            Ok(screens) => screens,
            Err(_) => {
                self.say("ui-unavailable");
                return;
            }
        };
        let last_with_buttons = screens.iter().rposition(|s| {
            s.buttons
                .iter()
                .flatten()
                .any(|b| matches!(b.target, Target::Callback(_)))
        });
        for (i, screen) in screens.into_iter().enumerate() {
            let current = Some(i) == last_with_buttons;
            if current {
                st.current_text = Some(screen.text.clone());
            }
            self.effects.push(Effect::Send { screen, current });
        }
    }
}

/// The engine input a button stands for.
pub fn input_of(rules: &Rules, action: &Action) -> Option<Input> {
    Some(match action {
        Action::Answer { question, choice } => {
            let q = rules.question_index(question)?;
            Input::Answer {
                question: q,
                choice: rules.question(q).choice_index(choice)?,
            }
        }
        Action::Edit { question } => Input::Edit(rules.question_index(question)?),
        Action::Back => Input::Back,
        Action::Confirm => Input::Confirm,
        Action::Restart => Input::Restart,
        Action::Language(_) => return None,
    })
}

/// The counters one step adds: what the person did (`input`; `None` for the first screen of
/// an interview) and the screen it led to (`next` is the session after the step). Shared by
/// the bot and `rumbo chat --record`, so a demo counts exactly what the bot would.
pub fn counts_of_step(
    rules: &Rules,
    input: Option<Input>,
    step: &Step,
    next: &Session,
    counts: &mut Vec<(&'static str, String)>,
) {
    match input {
        Some(Input::Answer { question, choice }) if step.notice.is_none() => {
            let q = rules.question(question);
            counts.push(("answered", q.id.clone()));
            if q.count_choices {
                let c = &q.choices[usize::from(choice)].id;
                counts.push(("answered_choice", format!("{}:{c}", q.id)));
            }
        }
        Some(Input::Back) if step.notice.is_none() => counts.push(("back", String::new())),
        Some(Input::Edit(_)) => counts.push(("change", String::new())),
        Some(Input::Restart) => counts.push(("restart", String::new())),
        _ => {}
    }
    // The screen reached (not one shown again after a hint: that is not a step).
    match &step.reply {
        Reply::Ask {
            question,
            editing: false,
            ..
        } => counts.push(("shown", rules.question(*question).id.clone())),
        Reply::Result(verdict) => {
            counts.push(("completed", String::new()));
            for m in &verdict.matches {
                let id = &rules.outcome(m.outcome).id;
                counts.push(("result", format!("{id}:{}", m.status.name())));
            }
            let dimensions = &rules.report.dimensions;
            if !dimensions.is_empty() {
                let combination = combination(rules, dimensions, next);
                for m in &verdict.matches {
                    let id = &rules.outcome(m.outcome).id;
                    counts.push((
                        "result_by",
                        format!("{combination}|{id}:{}", m.status.name()),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// The answers to the report dimensions as `q1=c1,q2=c2` (`-` for a question not answered on
/// this path): the only part of a person's answers that reaches the counters, and only next
/// to a result, never as a sequence.
fn combination(rules: &Rules, dimensions: &[QuestionIdx], session: &Session) -> String {
    let mut out = String::new();
    for (n, &q) in dimensions.iter().enumerate() {
        let question = rules.question(q);
        let choice = session
            .answers
            .iter()
            .rev()
            .find(|(asked, _)| *asked == q)
            .map_or("-", |&(_, c)| question.choices[usize::from(c)].id.as_str());
        if n > 0 {
            out.push(',');
        }
        out.push_str(&question.id);
        out.push('=');
        out.push_str(choice);
    }
    out
}

/// A deep-link payload kept for counting: a short code of letters, digits, `_` and `-`
/// (Telegram allows nothing else); anything else counts as unknown.
fn source_code(payload: &str) -> Option<String> {
    let ok = !payload.is_empty()
        && payload.len() <= 64
        && payload
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then(|| payload.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check;
    use crate::files;

    fn example() -> RuleSet {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/example/example.yaml");
        let input = files::read(&path, None).expect("the example is readable");
        check::load(&input, day()).rule_set.expect("clean")
    }

    fn day() -> Date {
        Date::new(2023, 11, 1).unwrap()
    }

    fn ctx(set: &RuleSet) -> Context<'_> {
        Context {
            set,
            client_lang: Some("en-GB"),
            today: day(),
            expired: false,
            unreadable: false,
        }
    }

    /// Runs an event as the adapter would: the current message gets id `next_id`.
    fn run(set: &RuleSet, state: Option<ChatState>, event: Event, next_id: i32) -> Outcome {
        let mut out = handle(state, event, &ctx(set));
        if let Some(s) = out.state.as_mut() {
            for e in &out.effects {
                if let Effect::Send { current: true, .. } = e {
                    s.current_message = Some(next_id);
                }
            }
        }
        out
    }

    fn texts(out: &Outcome) -> Vec<String> {
        out.effects
            .iter()
            .map(|e| match e {
                Effect::AnswerPress(t) => format!("press:{}", t.clone().unwrap_or_default()),
                Effect::Edit { message, text } => format!("edit {message}:{text}"),
                Effect::Send { screen, current } => {
                    format!("send{}:{}", if *current { "*" } else { "" }, screen.text)
                }
            })
            .collect()
    }

    /// The data of the current screen's button labelled `label`.
    fn button(out: &Outcome, label: &str) -> String {
        out.effects
            .iter()
            .filter_map(|e| match e {
                Effect::Send { screen, .. } => Some(screen),
                _ => None,
            })
            .flat_map(|s| s.buttons.iter().flatten())
            .find(|b| b.label == label)
            .and_then(|b| match &b.target {
                Target::Callback(cb) => Some(cb.encode()),
                Target::Url(_) => None,
            })
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", texts(out)))
    }

    #[test]
    fn start_shows_the_privacy_notice_then_the_first_question_in_the_apps_language() {
        let set = example();
        let out = run(&set, None, Event::from_text("/start flyer_12"), 1);
        let t = texts(&out);
        assert_eq!(t.len(), 2, "{t:?}");
        assert!(t[0].starts_with("send:🔒"), "{t:?}");
        assert!(t[1].starts_with("send*:Question 1"), "{t:?}");
        let st = out.state.unwrap();
        assert_eq!(st.source.as_deref(), Some("flyer_12"));
        assert_eq!(st.current_message, Some(1));
    }

    #[test]
    fn a_press_answers_edits_the_question_and_sends_the_next() {
        let set = example();
        let start = run(&set, None, Event::from_text("/start"), 1);
        let data = button(&start, "18 or older");
        let out = run(
            &set,
            start.state.clone(),
            Event::Press {
                data: data.clone(),
                message: Some(1),
            },
            2,
        );
        let t = texts(&out);
        assert_eq!(t[0], "press:");
        assert!(
            t[1].starts_with("edit 1:Question 1") && t[1].ends_with("✔️ Age: 18 or older"),
            "{t:?}"
        );
        assert!(t[2].starts_with("send*:Question 2"), "{t:?}");
        // The same button again, before the phone caught up: acknowledged, nothing else.
        let again = run(
            &set,
            out.state.clone(),
            Event::Press {
                data: data.clone(),
                message: Some(1),
            },
            3,
        );
        assert_eq!(texts(&again), vec!["press:".to_string()]);
        assert_eq!(again.state, out.state);
        // A button from an older message: nothing changes, the current question comes back.
        let old = run(
            &set,
            again.state.clone(),
            Event::Press {
                data: button(&start, "Under 18"),
                message: Some(1),
            },
            4,
        );
        let t = texts(&old);
        assert!(t[0].starts_with("press:That button belongs"), "{t:?}");
        assert!(t.iter().any(|x| x.starts_with("send*:Question 2")), "{t:?}");
        assert_eq!(
            old.state
                .as_ref()
                .unwrap()
                .session
                .as_ref()
                .unwrap()
                .answers,
            out.state
                .as_ref()
                .unwrap()
                .session
                .as_ref()
                .unwrap()
                .answers
        );
    }

    #[test]
    fn forged_truncated_and_inaccessible_presses_change_nothing() {
        let set = example();
        let start = run(&set, None, Event::from_text("/start"), 1);
        let data = button(&start, "18 or older");
        for bad in [
            "".to_string(),
            "x".repeat(200),
            data[..data.len() - 3].to_string(),
            data.replace(":a:", ":e:"),
            "2:ffffffff:1:a:age:adult".to_string(),
        ] {
            let out = run(
                &set,
                start.state.clone(),
                Event::Press {
                    data: bad.clone(),
                    message: None,
                },
                2,
            );
            let t = texts(&out);
            assert!(t[0].starts_with("press:"), "{bad:?}: {t:?}");
            let answers = &out
                .state
                .as_ref()
                .unwrap()
                .session
                .as_ref()
                .unwrap()
                .answers;
            assert!(answers.is_empty(), "{bad:?}");
        }
    }

    #[test]
    fn text_counts_when_it_names_a_choice_and_gets_a_hint_otherwise() {
        let set = example();
        let start = run(&set, None, Event::from_text("/start"), 1);
        let by_label = run(
            &set,
            start.state.clone(),
            Event::from_text("  18 OR older "),
            2,
        );
        let by_number = run(&set, start.state.clone(), Event::from_text("1"), 2);
        assert_eq!(by_label.state, by_number.state);
        assert_eq!(by_label.state.unwrap().session.unwrap().answers.len(), 1);
        for noise in [
            "x".repeat(4000),
            "🙂🙂".to_string(),
            "مرحبا".to_string(),
            "*bold* _x_ <b>y</b> [a](b)".to_string(),
        ] {
            let out = run(&set, start.state.clone(), Event::from_text(&noise), 2);
            let t = texts(&out);
            assert!(t[0].starts_with("send:Tap one of the buttons"), "{t:?}");
            assert!(t.iter().any(|x| x.starts_with("send*:Question 1")), "{t:?}");
            assert!(!t.iter().any(|x| x.contains(&noise)), "never echoed");
        }
        let sticker = run(&set, start.state.clone(), Event::Unsupported, 2);
        assert!(texts(&sticker)[0].starts_with("send:Tap one of the buttons"));
        let unknown = run(
            &set,
            start.state.clone(),
            Event::from_text("/frobnicate"),
            2,
        );
        assert!(texts(&unknown)[0].starts_with("send:I don't know that command"));
    }

    #[test]
    fn spanish_aliases_language_switch_and_delete() {
        let set = example();
        assert_eq!(
            Command::parse("/atras@rumbo_bot"),
            Some((Command::Back, String::new()))
        );
        assert_eq!(
            Command::parse("/Borrar"),
            Some((Command::Delete, String::new()))
        );
        assert_eq!(Command::parse("hola"), None);
        let start = run(&set, None, Event::from_text("/start"), 1);
        let picker = run(&set, start.state.clone(), Event::from_text("/idioma"), 2);
        let data = button(&picker, "Español");
        let switched = run(
            &set,
            picker.state.clone(),
            Event::Press {
                data,
                message: Some(2),
            },
            3,
        );
        assert_eq!(switched.state.as_ref().unwrap().lang.as_deref(), Some("es"));
        assert!(
            texts(&switched)
                .iter()
                .any(|t| t.starts_with("send*:Pregunta 1"))
        );
        let deleted = run(&set, switched.state.clone(), Event::from_text("/borrar"), 4);
        assert_eq!(deleted.state, None);
        assert!(
            texts(&deleted)
                .iter()
                .any(|t| t.starts_with("send:Borramos tus respuestas"))
        );
    }

    #[test]
    fn lost_or_expired_state_starts_afresh_with_a_word_of_explanation() {
        let set = example();
        let mut old = ChatState::fresh(None);
        old.format = 0;
        let out = run(&set, Some(old), Event::from_text("hola"), 1);
        let t = texts(&out);
        assert!(
            t[0].starts_with("send:Sorry, we could not continue"),
            "{t:?}"
        );
        assert!(t.iter().any(|x| x.starts_with("send*:Question 1")), "{t:?}");
        let expired = handle(
            None,
            Event::from_text("1"),
            &Context {
                expired: true,
                ..ctx(&set)
            },
        );
        assert!(texts(&expired)[0].starts_with("send:It has been a long time"));
    }

    #[test]
    fn a_whole_interview_by_buttons_ends_with_the_result_and_marks_it_finished() {
        let set = example();
        let mut out = run(&set, None, Event::from_text("/start"), 1);
        let mut id = 1;
        for label in [
            "18 or older",
            "Colombia",
            "Venezuelan",
            "Yes",
            "Regular status (e.g. PPT)",
            "✅ See my result",
        ] {
            id += 1;
            let data = button(&out, label);
            out = run(
                &set,
                out.state.clone(),
                Event::Press {
                    data,
                    message: Some(id - 1),
                },
                id,
            );
        }
        let t = texts(&out);
        assert!(t.iter().any(|x| x.contains("Your result")), "{t:?}");
        // The result is counted per outcome and, for the rules' one report dimension
        // (`location`), per answer to it; nothing else of the path reaches the counters.
        let results: Vec<&str> = out
            .counts
            .iter()
            .filter(|(m, _)| *m == "result")
            .map(|(_, k)| k.as_str())
            .collect();
        let by: Vec<&str> = out
            .counts
            .iter()
            .filter(|(m, _)| *m == "result_by")
            .map(|(_, k)| k.as_str())
            .collect();
        assert!(!results.is_empty(), "{:?}", out.counts);
        assert_eq!(
            by,
            results
                .iter()
                .map(|r| format!("location=colombia|{r}"))
                .collect::<Vec<_>>()
        );
        assert!(out.state.unwrap().finished);
    }

    #[test]
    fn only_listed_deep_link_codes_are_counted_by_name() {
        let set = example();
        for (text, counted) in [
            ("/start flyer_12", Some("flyer_12")),
            ("/start FLYER_12", Some("flyer_12")),
            ("/start maria_lopez_1990", Some("other")),
            ("/start a%20b", Some("other")),
            ("/start", None),
        ] {
            let out = run(&set, None, Event::from_text(text), 1);
            assert_eq!(
                out.counts[0],
                ("started", counted.unwrap_or("none").to_string()),
                "{text}"
            );
            // The state keeps what was counted, never the code as sent.
            assert_eq!(out.state.unwrap().source.as_deref(), counted, "{text}");
        }
    }

    #[test]
    fn counts_say_what_happened_never_who() {
        let set = example();
        let start = run(&set, None, Event::from_text("/start flyer_12"), 1);
        assert_eq!(
            start.counts,
            vec![
                ("started", "flyer_12".to_string()),
                ("shown", "age".to_string())
            ]
        );
        assert_eq!(start.lang, "en");
        let answer = run(
            &set,
            start.state.clone(),
            Event::Press {
                data: button(&start, "18 or older"),
                message: Some(1),
            },
            2,
        );
        assert_eq!(
            answer.counts,
            vec![
                ("answered", "age".to_string()),
                ("answered_choice", "age:adult".to_string()),
                ("shown", "location".to_string())
            ]
        );
        let back = run(&set, answer.state.clone(), Event::from_text("/back"), 3);
        assert_eq!(back.counts[0], ("back", String::new()));
        // A hint and the question again count nothing.
        let hint = run(&set, answer.state.clone(), Event::from_text("hello"), 3);
        assert!(hint.counts.is_empty());
        let deleted = run(&set, answer.state.clone(), Event::from_text("/delete"), 3);
        assert_eq!(deleted.counts, vec![("deleted", String::new())]);
    }
}
