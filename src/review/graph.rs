//! `rumbo graph`: the interview as a picture (Mermaid or Graphviz DOT).
//!
//! The picture follows how the engine works rather than listing paths (which could be
//! millions): questions in asking order, each joined to the next by a solid arrow when it is
//! always asked, or a dotted one labelled with its `ask_if` when it is asked only sometimes
//! (a question not asked is skipped, and the interview goes on with the next one). Each outcome
//! hangs from the last question its condition reads, the arrow labelled with the condition.
//! So the size is linear in the file: one node per question and outcome, one arrow each.

use std::io::{self, Write};

use crate::date::Date;
use crate::engine::Status;
use crate::i18n::{Args, Locales};
use crate::rules::{Condition, Rules, message_id};

/// Output formats of `rumbo graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Mermaid,
    Dot,
}

/// How long a label may be before it is cut with "…".
const MAX_LABEL: usize = 48;
/// How long a condition on an arrow may be.
const MAX_CONDITION: usize = 60;

/// Text from Fluent, without the invisible isolation marks around placeables; the id itself
/// when the message needs arguments the picture cannot give.
fn text(
    locales: &Locales,
    lang: &str,
    id: &str,
    attribute: Option<&str>,
    fallback: &str,
) -> String {
    let args = Args::new();
    let got = match attribute {
        Some(a) => locales.format_attribute(lang, id, a, &args),
        None => locales.format(lang, id, &args),
    };
    match got {
        Ok(t) => t
            .replace(['\u{2068}', '\u{2069}'], "")
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string(),
        Err(_) => fallback.to_string(),
    }
}

/// Cuts `s` to at most `max` characters, ending with "…" when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out = out.trim_end().to_string();
        out.push('…');
        out
    }
}

struct Labels<'a> {
    rules: &'a Rules,
    locales: &'a Locales,
    lang: &'a str,
}

impl Labels<'_> {
    fn question(&self, q: usize) -> String {
        let id = &self.rules.questions[q].id;
        text(
            self.locales,
            self.lang,
            &message_id::question(id),
            Some(message_id::SHORT),
            id,
        )
    }

    fn choice(&self, q: usize, c: usize) -> String {
        let question = &self.rules.questions[q];
        let choice = &question.choices[c].id;
        text(
            self.locales,
            self.lang,
            &message_id::choice(&question.id, choice),
            None,
            choice,
        )
    }

    fn outcome(&self, o: usize) -> String {
        let id = &self.rules.outcomes[o].id;
        text(self.locales, self.lang, &message_id::outcome(id), None, id)
    }

    /// A condition in words: `Country now: Colombia or Ecuador and from 2023-06-28`.
    fn condition(&self, c: &Condition) -> String {
        match c {
            Condition::True => "always".into(),
            Condition::Is {
                question, choices, ..
            } => {
                let q = usize::from(*question);
                let names: Vec<String> = choices
                    .iter()
                    .map(|&ch| self.choice(q, usize::from(ch)))
                    .collect();
                format!("{}: {}", self.question(q), names.join(" or "))
            }
            Condition::All(parts) => parts
                .iter()
                .map(|p| self.nested(p))
                .collect::<Vec<_>>()
                .join(" and "),
            Condition::Any(parts) => parts
                .iter()
                .map(|p| self.nested(p))
                .collect::<Vec<_>>()
                .join(" or "),
            Condition::Not(inner) => format!("not {}", self.nested(inner)),
            Condition::From(d) => format!("from {d}"),
            Condition::Before(d) => format!("before {d}"),
            Condition::Opens(d) => format!("opens {d}"),
            Condition::Uncertain(_) => "uncertain".into(),
            Condition::UncertainFrom(d) => format!("uncertain from {d}"),
        }
    }

    fn nested(&self, c: &Condition) -> String {
        match c {
            Condition::All(p) | Condition::Any(p) if p.len() > 1 => {
                format!("({})", self.condition(c))
            }
            _ => self.condition(c),
        }
    }
}

/// The status an outcome's window gives as of `as_of` (`open` standing for open or maybe,
/// which depends on the answers).
fn window_status(rules: &Rules, o: usize, as_of: Date) -> Status {
    let w = rules.outcomes[o].window;
    if w.upcoming(as_of) {
        Status::Upcoming
    } else if w.closed(as_of) {
        Status::Closed
    } else {
        Status::Open
    }
}

/// Mermaid text inside `"…"`: quotes and angle brackets as entity codes (`#quot;`), so a label
/// never ends the string or opens an HTML tag.
fn mermaid_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '#' => out.push_str("#35;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn dot_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', " ")
}

/// One node or arrow of the picture, before it is written in a format.
enum Item {
    Question {
        n: usize,
        title: String,
        choices: String,
    },
    Outcome {
        n: usize,
        title: String,
        status: Status,
        stop: bool,
        fallback: bool,
    },
    /// From question `from` to question `to`; `label` when conditional.
    Next {
        from: usize,
        to: usize,
        label: Option<String>,
    },
    /// From question `from` (or the start, `None`) to outcome `to`.
    Result {
        from: Option<usize>,
        to: usize,
        label: String,
    },
}

fn items(rules: &Rules, locales: &Locales, lang: &str, as_of: Date) -> Vec<Item> {
    let labels = Labels {
        rules,
        locales,
        lang,
    };
    let mut items = Vec::new();
    for (q, question) in rules.questions.iter().enumerate() {
        let choices: Vec<String> = (0..question.choices.len())
            .map(|c| labels.choice(q, c))
            .collect();
        items.push(Item::Question {
            n: q,
            title: shorten(&labels.question(q), MAX_LABEL),
            choices: shorten(&choices.join(" · "), MAX_LABEL),
        });
    }
    for (q, question) in rules.questions.iter().enumerate().skip(1) {
        let label = match &question.ask_if {
            Condition::True => None,
            c => Some(shorten(
                &format!("if {}", labels.condition(c)),
                MAX_CONDITION,
            )),
        };
        items.push(Item::Next {
            from: q - 1,
            to: q,
            label,
        });
    }
    let last = rules.questions.len().checked_sub(1);
    for (o, outcome) in rules.outcomes.iter().enumerate() {
        items.push(Item::Outcome {
            n: o,
            title: shorten(&labels.outcome(o), MAX_LABEL),
            status: window_status(rules, o, as_of),
            stop: outcome.stop,
            fallback: outcome.is_fallback,
        });
        let (from, label) = if outcome.is_fallback {
            (last, "nothing else open or maybe".to_string())
        } else {
            let reads = outcome.when.reads();
            (
                reads.last().map(|&q| usize::from(q)),
                shorten(&labels.condition(&outcome.when), MAX_CONDITION),
            )
        };
        items.push(Item::Result { from, to: o, label });
    }
    items
}

/// Writes the picture of `rules` with labels in `lang`, outcomes styled by their windows as of
/// `as_of`.
pub fn write(
    rules: &Rules,
    locales: &Locales,
    lang: &str,
    as_of: Date,
    format: Format,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let items = items(rules, locales, lang, as_of);
    match format {
        Format::Mermaid => {
            writeln!(out, "flowchart TD")?;
            writeln!(
                out,
                "  start((\"{}\"))",
                mermaid_escape(&format!("{} {as_of}", rules.id))
            )?;
            if !rules.questions.is_empty() {
                writeln!(out, "  start --> q0")?;
            }
            for item in &items {
                match item {
                    Item::Question { n, title, choices } => writeln!(
                        out,
                        "  q{n}[\"<b>{}</b><br/>{}\"]",
                        mermaid_escape(title),
                        mermaid_escape(choices)
                    )?,
                    Item::Outcome {
                        n,
                        title,
                        status,
                        stop,
                        fallback,
                    } => {
                        let mark = if *stop { " ■" } else { "" };
                        let class = if *fallback { "fallback" } else { status.name() };
                        writeln!(
                            out,
                            "  o{n}([\"{}{mark}<br/><i>{}</i>\"]):::{class}",
                            mermaid_escape(title),
                            status.name()
                        )?
                    }
                    Item::Next {
                        from,
                        to,
                        label: None,
                    } => writeln!(out, "  q{from} --> q{to}")?,
                    Item::Next {
                        from,
                        to,
                        label: Some(l),
                    } => writeln!(out, "  q{from} -.->|\"{}\"| q{to}", mermaid_escape(l))?,
                    Item::Result { from, to, label } => {
                        let from = from.map_or("start".to_string(), |q| format!("q{q}"));
                        writeln!(out, "  {from} ==>|\"{}\"| o{to}", mermaid_escape(label))?
                    }
                }
            }
            writeln!(out, "  classDef open fill:#d9f2d9,stroke:#2e7d32")?;
            writeln!(out, "  classDef upcoming fill:#dbe8ff,stroke:#1e4fa3")?;
            writeln!(out, "  classDef closed fill:#e6e6e6,stroke:#777,color:#555")?;
            writeln!(out, "  classDef fallback fill:#fff4cc,stroke:#a67c00")?;
        }
        Format::Dot => {
            writeln!(out, "digraph \"{}\" {{", dot_escape(&rules.id))?;
            writeln!(out, "  rankdir=TB; node [fontname=\"sans-serif\"];")?;
            writeln!(
                out,
                "  start [shape=circle, label=\"{}\"];",
                dot_escape(&format!("{} {as_of}", rules.id))
            )?;
            if !rules.questions.is_empty() {
                writeln!(out, "  start -> q0;")?;
            }
            for item in &items {
                match item {
                    Item::Question { n, title, choices } => writeln!(
                        out,
                        "  q{n} [shape=box, label=\"{}\\n{}\"];",
                        dot_escape(title),
                        dot_escape(choices)
                    )?,
                    Item::Outcome {
                        n,
                        title,
                        status,
                        stop,
                        fallback,
                    } => {
                        let fill = match (fallback, status) {
                            (true, _) => "#fff4cc",
                            (_, Status::Upcoming) => "#dbe8ff",
                            (_, Status::Closed) => "#e6e6e6",
                            _ => "#d9f2d9",
                        };
                        let mark = if *stop { " ■" } else { "" };
                        writeln!(
                            out,
                            "  o{n} [shape=ellipse, style=filled, fillcolor=\"{fill}\", label=\"{}{mark}\\n{}\"];",
                            dot_escape(title),
                            status.name()
                        )?
                    }
                    Item::Next {
                        from,
                        to,
                        label: None,
                    } => writeln!(out, "  q{from} -> q{to};")?,
                    Item::Next {
                        from,
                        to,
                        label: Some(l),
                    } => writeln!(
                        out,
                        "  q{from} -> q{to} [style=dashed, label=\"{}\"];",
                        dot_escape(l)
                    )?,
                    Item::Result { from, to, label } => {
                        let from = from.map_or("start".to_string(), |q| format!("q{q}"));
                        writeln!(
                            out,
                            "  {from} -> o{to} [penwidth=2, label=\"{}\"];",
                            dot_escape(label)
                        )?
                    }
                }
            }
            writeln!(out, "}}")?;
        }
    }
    Ok(())
}
