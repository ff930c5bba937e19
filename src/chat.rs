//! `rumbo chat`: the interview in a terminal, with the very text the bot sends.
//!
//! Buttons that answer or change something are numbered; `b` goes back, `r` starts over, `q`
//! quits. Typing a button's label works too. It reads lines until end of input, so it can be
//! scripted with a pipe; input it cannot use gets a hint and the current screen again.
//!
//! Each step's counters (the very ones the bot adds, from `conversation::counts_of_step`) go
//! to `record`; `rumbo chat --record` writes them to the bot's database for demonstrations of
//! the statistics, and plain `rumbo chat` drops them.

use std::io::{self, BufRead, Write};

use crate::callback::Action;
use crate::check::RuleSet;
use crate::conversation;
use crate::date::Date;
use crate::engine::{self, Input, Session, Step};
use crate::i18n::Args;
use crate::matching;
use crate::render::{Renderer, Screen, Target};

/// The counters of one step, as (metric, key).
pub type Counts = Vec<(&'static str, String)>;

/// Runs a chat until `q` or the end of `input`, handing each step's counters to `record`.
pub fn run(
    set: &RuleSet,
    lang: &str,
    as_of: Date,
    input: impl BufRead,
    mut out: impl Write,
    record: &mut dyn FnMut(Counts),
) -> io::Result<()> {
    let rules = &set.rules;
    let renderer = Renderer::new(rules, &set.locales, lang, as_of);
    let hint = set
        .locales
        .format(lang, "ui-chat-hint", &Args::new())
        .map_err(io::Error::other)?;
    let privacy = set
        .locales
        .format(lang, "ui-privacy", &Args::new())
        .map_err(io::Error::other)?;
    writeln!(out, "{privacy}\n\n{hint}")?;
    let (mut session, mut step) = engine::start(rules, as_of);
    let mut counts = vec![("started", "none".to_string())];
    conversation::counts_of_step(rules, None, &step, &session, &mut counts);
    record(counts);
    let mut screens = show(&renderer, &step, &session, &mut out)?;
    for line in input.lines() {
        let line = line?;
        let text = line.trim();
        let input = match text {
            "q" | "Q" => break,
            "b" | "B" => Some(Input::Back),
            "r" | "R" => Some(Input::Restart),
            _ => numbered(&screens)
                .and_then(|actions| {
                    let labels: Vec<&str> = actions.iter().map(|(l, _)| l.as_str()).collect();
                    matching::pick(text, &labels).map(|i| actions[i].1.clone())
                })
                .and_then(|action| conversation::input_of(rules, &action)),
        };
        match input {
            Some(input) => {
                (session, step) = engine::step(rules, &session, input, as_of);
                let mut counts = Vec::new();
                conversation::counts_of_step(rules, Some(input), &step, &session, &mut counts);
                record(counts);
                screens = show(&renderer, &step, &session, &mut out)?;
            }
            None => {
                writeln!(out, "\n{hint}")?;
                screens = show(
                    &renderer,
                    &Step {
                        notice: None,
                        ..step.clone()
                    },
                    &session,
                    &mut out,
                )?;
            }
        }
    }
    out.flush()
}

/// The numbered buttons of the screens shown, in order: (label, action).
fn numbered(screens: &[Screen]) -> Option<Vec<(String, Action)>> {
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
    Some(actions)
}

fn show(
    renderer: &Renderer<'_>,
    step: &Step,
    session: &Session,
    out: &mut impl Write,
) -> io::Result<Vec<Screen>> {
    let screens = renderer.step(step, session).map_err(io::Error::other)?;
    let mut number = 0;
    writeln!(out)?;
    for screen in &screens {
        writeln!(out, "{}", screen.text)?;
        let mut nav = Vec::new();
        for button in screen.buttons.iter().flatten() {
            match &button.target {
                Target::Url(url) => writeln!(out, "  🔗 {}: {url}", button.label)?,
                Target::Callback(cb) => match cb.action {
                    Action::Back => nav.push(format!("b. {}", button.label)),
                    Action::Restart => nav.push(format!("r. {}", button.label)),
                    _ => {
                        number += 1;
                        writeln!(out, "  {number}. {}", button.label)?;
                    }
                },
            }
        }
        if !nav.is_empty() {
            writeln!(out, "  {}", nav.join("   "))?;
        }
        writeln!(out)?;
    }
    Ok(screens)
}
