//! Rendering: turns engine replies into the exact text and buttons a person sees.
//!
//! Contract: the terminal chat, the Telegram bot and `rumbo test` all render through this one
//! module, so what a scenario test checks is what a phone shows. Every word comes from the
//! locales (invariant 6); a missing message is an error, never a blank.

use crate::callback::{Action, Callback};
use crate::date::{Date, Day, Precision};
use crate::engine::{Match, Notice, Reply, Session, Status, Step};
use crate::i18n::{ArgValue, Args, I18nError, Locales};
use crate::rules::{ChoiceIdx, QuestionIdx, Rules, message_id};

/// Interface messages every locale must define, with the variables each may use.
pub const UI_MESSAGES: &[(&str, &[&str])] = &[
    ("ui-back", &[]),
    ("ui-restart", &[]),
    ("ui-progress", &["number"]),
    ("ui-review-title", &[]),
    ("ui-review-line", &["question", "answer"]),
    ("ui-review-change", &["question"]),
    ("ui-confirm", &[]),
    ("ui-editing", &["question"]),
    ("ui-stale", &[]),
    ("ui-nothing-to-undo", &[]),
    ("ui-rules-changed", &[]),
    ("ui-result-title", &[]),
    ("ui-status-open", &[]),
    ("ui-status-maybe", &[]),
    ("ui-status-upcoming", &["opens", "precision"]),
    ("ui-status-closed", &["closes", "precision"]),
    ("ui-because", &["answers"]),
    ("ui-sources", &["sources"]),
    ("ui-footer", &["reviewed", "as_of"]),
    ("ui-chat-hint", &[]),
    ("ui-privacy", &[]),
    ("ui-text-hint", &[]),
    ("ui-unknown-command", &[]),
    ("ui-help", &[]),
    ("ui-language-choose", &[]),
    ("ui-language-name", &[]),
    ("ui-answered", &["answer"]),
    ("ui-expired", &[]),
    ("ui-state-lost", &[]),
    ("ui-deleted", &[]),
    ("ui-privacy-details", &[]),
    ("ui-private-only", &[]),
    ("ui-flood", &[]),
    ("ui-unavailable", &[]),
    ("ui-cmd-start", &[]),
    ("ui-cmd-help", &[]),
    ("ui-cmd-language", &[]),
    ("ui-cmd-restart", &[]),
    ("ui-cmd-back", &[]),
    ("ui-cmd-privacy", &[]),
    ("ui-cmd-delete", &[]),
];

/// Button labels among the interface messages (checked against the label bound).
pub const UI_BUTTONS: &[&str] = &[
    "ui-back",
    "ui-restart",
    "ui-confirm",
    "ui-review-change",
    "ui-language-name",
];

/// Variables every question message may use besides the answers' arguments.
pub const QUESTION_VARIABLES: &[&str] = &["as_of"];
/// Variables every outcome message may use besides the answers' arguments.
/// `status` is `open`, `maybe`, `upcoming` or `closed`, so the next steps can differ for a
/// programme that has closed.
pub const OUTCOME_VARIABLES: &[&str] = &["as_of", "reviewed", "opens", "closes", "status"];

/// One message with its buttons, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    pub text: String,
    pub buttons: Vec<Vec<Button>>,
}

/// A button: either sends data back, or opens a web page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub target: Target,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Callback(Callback),
    Url(String),
}

/// Renders for one rules file in one language.
pub struct Renderer<'a> {
    pub rules: &'a Rules,
    pub locales: &'a Locales,
    pub lang: &'a str,
    /// The date the result is evaluated as of (shown to the user).
    pub as_of: Date,
    /// The conversation step the buttons are made at (see `callback`).
    pub step: u32,
}

impl<'a> Renderer<'a> {
    pub fn new(rules: &'a Rules, locales: &'a Locales, lang: &'a str, as_of: Date) -> Self {
        Renderer {
            rules,
            locales,
            lang,
            as_of,
            step: 0,
        }
    }

    /// The same renderer, making buttons for conversation step `step`.
    pub fn at_step(mut self, step: u32) -> Self {
        self.step = step;
        self
    }

    fn text(&self, id: &str, args: &Args) -> Result<String, I18nError> {
        self.locales.format(self.lang, id, args)
    }

    fn plain(&self, id: &str) -> Result<String, I18nError> {
        self.text(id, &Args::new())
    }

    fn button(&self, label: String, action: Action) -> Button {
        Button {
            label,
            target: Target::Callback(Callback::new(&self.rules.version, action).at_step(self.step)),
        }
    }

    /// Every screen for one step: the notice (if any) first, then the reply.
    pub fn step(&self, step: &Step, session: &Session) -> Result<Vec<Screen>, I18nError> {
        let mut screens = Vec::new();
        if let Some(notice) = step.notice {
            screens.push(Screen {
                text: self.notice(notice)?,
                buttons: Vec::new(),
            });
        }
        screens.extend(self.reply(&step.reply, session)?);
        Ok(screens)
    }

    pub fn notice(&self, notice: Notice) -> Result<String, I18nError> {
        self.plain(match notice {
            Notice::Stale => "ui-stale",
            Notice::NothingToUndo => "ui-nothing-to-undo",
            Notice::RulesChanged => "ui-rules-changed",
        })
    }

    pub fn reply(&self, reply: &Reply, session: &Session) -> Result<Vec<Screen>, I18nError> {
        Ok(match reply {
            Reply::Ask {
                question,
                answered,
                can_go_back,
                editing,
            } => vec![self.question(*question, *answered, *can_go_back, *editing, session)?],
            Reply::Review { answers } => vec![self.review(answers)?],
            Reply::Result(verdict) => self.result(verdict, session)?,
        })
    }

    /// Arguments the answers so far provide (a later answer's value wins).
    pub fn answer_args(&self, session: &Session) -> Args {
        let mut args = Args::new();
        for &(q, c) in &session.answers {
            let choice = &self.rules.question(q).choices[usize::from(c)];
            for (name, value) in &choice.args {
                args.insert(name.clone(), value.clone());
            }
        }
        args
    }

    pub fn question(
        &self,
        q: QuestionIdx,
        answered: usize,
        can_go_back: bool,
        editing: bool,
        session: &Session,
    ) -> Result<Screen, I18nError> {
        let question = self.rules.question(q);
        let mut args = self.answer_args(session);
        args.insert("as_of".into(), ArgValue::Date(self.as_of));
        let body = self.text(&message_id::question(&question.id), &args)?;
        let header = if editing {
            let short = self.short(q)?;
            self.text("ui-editing", &one("question", ArgValue::Text(short)))?
        } else {
            self.text(
                "ui-progress",
                &one("number", ArgValue::Number(answered as i64 + 1)),
            )?
        };
        let mut buttons = Vec::with_capacity(question.choices.len() + 1);
        for (c, choice) in question.choices.iter().enumerate() {
            let label = self.choice_label(q, c as ChoiceIdx, &args)?;
            buttons.push(vec![self.button(
                label,
                Action::Answer {
                    question: question.id.clone(),
                    choice: choice.id.clone(),
                },
            )]);
        }
        let mut nav = Vec::new();
        if can_go_back {
            nav.push(self.button(self.plain("ui-back")?, Action::Back));
        }
        if answered > 0 {
            nav.push(self.button(self.plain("ui-restart")?, Action::Restart));
        }
        if !nav.is_empty() {
            buttons.push(nav);
        }
        Ok(Screen {
            text: format!("{header}\n\n{body}"),
            buttons,
        })
    }

    /// A choice's button label.
    pub fn choice_label(
        &self,
        q: QuestionIdx,
        c: ChoiceIdx,
        args: &Args,
    ) -> Result<String, I18nError> {
        let question = self.rules.question(q);
        self.text(
            &message_id::choice(&question.id, &question.choices[usize::from(c)].id),
            args,
        )
    }

    /// The question's short name, for the review screen.
    pub fn short(&self, q: QuestionIdx) -> Result<String, I18nError> {
        let id = message_id::question(&self.rules.question(q).id);
        self.locales
            .format_attribute(self.lang, &id, message_id::SHORT, &Args::new())
    }

    /// "Country: Colombia", as an answered question is shown once its buttons are gone.
    pub fn answered(&self, q: QuestionIdx, c: ChoiceIdx) -> Result<String, I18nError> {
        let args = Args::new();
        self.text(
            "ui-review-line",
            &[
                ("question".to_string(), ArgValue::Text(self.short(q)?)),
                (
                    "answer".to_string(),
                    ArgValue::Text(self.choice_label(q, c, &args)?),
                ),
            ]
            .into_iter()
            .collect(),
        )
    }

    pub fn review(&self, answers: &[(QuestionIdx, ChoiceIdx)]) -> Result<Screen, I18nError> {
        let mut lines = vec![self.plain("ui-review-title")?];
        let mut buttons = Vec::with_capacity(answers.len() + 2);
        for &(q, c) in answers {
            lines.push(self.answered(q, c)?);
            let short = self.short(q)?;
            buttons.push(vec![self.button(
                self.text("ui-review-change", &one("question", ArgValue::Text(short)))?,
                Action::Edit {
                    question: self.rules.question(q).id.clone(),
                },
            )]);
        }
        buttons.push(vec![
            self.button(self.plain("ui-confirm")?, Action::Confirm),
        ]);
        buttons.push(vec![
            self.button(self.plain("ui-back")?, Action::Back),
            self.button(self.plain("ui-restart")?, Action::Restart),
        ]);
        Ok(Screen {
            text: lines.join("\n"),
            buttons,
        })
    }

    /// One card per outcome, then the footer with the way back and the way to start over.
    pub fn result(
        &self,
        verdict: &crate::engine::Verdict,
        session: &Session,
    ) -> Result<Vec<Screen>, I18nError> {
        let mut screens = Vec::with_capacity(verdict.matches.len() + 1);
        let base = self.answer_args(session);
        for m in &verdict.matches {
            screens.push(self.card(m, &base, verdict.as_of)?);
        }
        let mut footer_args = Args::new();
        footer_args.insert("reviewed".into(), ArgValue::Date(self.rules.reviewed));
        footer_args.insert("as_of".into(), ArgValue::Date(verdict.as_of));
        let title = self.plain("ui-result-title")?;
        let footer = self.text("ui-footer", &footer_args)?;
        screens.insert(
            0,
            Screen {
                text: title,
                buttons: Vec::new(),
            },
        );
        screens.push(Screen {
            text: footer,
            buttons: vec![vec![
                self.button(self.plain("ui-back")?, Action::Back),
                self.button(self.plain("ui-restart")?, Action::Restart),
            ]],
        });
        Ok(screens)
    }

    /// One result card.
    pub fn card(&self, m: &Match, answer_args: &Args, as_of: Date) -> Result<Screen, I18nError> {
        let outcome = self.rules.outcome(m.outcome);
        let mut args = answer_args.clone();
        args.insert("as_of".into(), ArgValue::Date(as_of));
        args.insert("reviewed".into(), ArgValue::Date(self.rules.reviewed));
        args.insert("status".into(), ArgValue::Text(m.status.name().into()));
        // The day it opens for this person, else the programme's.
        if let Some(d) = m.opens_on {
            args.insert("opens".into(), ArgValue::Date(d));
        } else if let Some(d) = outcome.window.opens {
            args.insert("opens".into(), day_arg(d));
        }
        if let Some(d) = outcome.window.closes {
            args.insert("closes".into(), day_arg(d));
        }
        // The fallback and early stops are referrals, not programmes: while they apply they
        // get no eligibility line (a dated one still says when it closed or opens).
        let referral = outcome.is_fallback || outcome.stop;
        let status = match m.status {
            Status::Open if referral => None,
            Status::Open => Some(self.plain("ui-status-open")?),
            Status::Maybe => Some(self.plain("ui-status-maybe")?),
            Status::Upcoming => {
                let mut a = args.clone();
                let day = if m.opens_on.is_some() {
                    None
                } else {
                    outcome.window.opens
                };
                a.insert("precision".into(), precision_arg(day));
                Some(self.text("ui-status-upcoming", &a)?)
            }
            Status::Closed => {
                let mut a = args.clone();
                a.insert("precision".into(), precision_arg(outcome.window.closes));
                Some(self.text("ui-status-closed", &a)?)
            }
        };
        let mut parts: Vec<String> = status.into_iter().collect();
        parts.push(self.text(&message_id::outcome(&outcome.id), &args)?);
        if !m.because.is_empty() {
            let answers = m
                .because
                .iter()
                .map(|&(q, c)| self.answered(q, c))
                .collect::<Result<Vec<_>, _>>()?
                .join("; ");
            parts.push(self.text("ui-because", &one("answers", ArgValue::Text(answers)))?);
        }
        parts.push(self.text(&message_id::outcome_next(&outcome.id), &args)?);
        if !outcome.sources.is_empty() {
            let list = outcome
                .sources
                .iter()
                .map(|&s| {
                    let source = &self.rules.sources[s];
                    match source.published {
                        Some(d) => {
                            format!("{} ({})", source.url, Locales::format_date(self.lang, d))
                        }
                        None => source.url.clone(),
                    }
                })
                .collect::<Vec<_>>()
                .join("; ");
            parts.push(self.text("ui-sources", &one("sources", ArgValue::Text(list)))?);
        }
        let mut buttons = Vec::new();
        for &l in &outcome.links {
            let link = &self.rules.links[l];
            buttons.push(vec![Button {
                label: self.plain(&message_id::link(&link.id))?,
                target: Target::Url(link.url.clone()),
            }]);
        }
        Ok(Screen {
            text: parts.join("\n\n"),
            buttons,
        })
    }
}

/// A window date as shown: "20 January 2025", or "January 2025" when only the month is known.
pub fn day_arg(day: Day) -> ArgValue {
    match day.precision {
        Precision::Day => ArgValue::Date(day.first),
        Precision::Month => ArgValue::Month(day.first),
    }
}

/// `day` or `month`, so a message can say "on 20 January" but "in January".
fn precision_arg(day: Option<Day>) -> ArgValue {
    ArgValue::Text(
        match day.map(|d| d.precision) {
            Some(Precision::Month) => "month",
            _ => "day",
        }
        .into(),
    )
}

fn one(name: &str, value: ArgValue) -> Args {
    let mut args = Args::new();
    args.insert(name.to_string(), value);
    args
}
