//! `rumbo diff`: which answer combinations get a different result between two versions of a
//! rules file (or one file on two dates), and which messages changed.
//!
//! Both versions are walked *together*: a person has one answer to each question (by id),
//! whichever version asks it. The joint walk follows both interviews at once, branching on a
//! question the first time either version asks it, and reusing that answer when the other
//! version asks the same question later. So questions added, removed or moved compare
//! naturally: a question only one version asks is simply answered for that version. A choice
//! only one version has (by id) is an answer the other version cannot take: that side shows
//! "no such answer".

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::paths::{Format, answers_json, csv_line, write_grid};
use super::{Cell, Column, NOT_ASKED, Outcomes, OverBudget, Row};
use crate::date::Date;
use crate::engine::{self, Reply, Session};
use crate::i18n::LocaleFile;
use crate::rules::{ChoiceIdx, QuestionIdx, Rules};

/// One side's result: `None` when these answers cannot be given in that version.
pub type SideResult = Option<Outcomes>;
/// A changed row's results, old then new.
pub type Pair = (SideResult, SideResult);

/// The rows whose result differs, over the union of both versions' questions.
#[derive(Debug, Clone)]
pub struct Changes {
    pub columns: Vec<Column>,
    pub rows: Vec<Row<Pair>>,
    /// Answer paths of the joint walk.
    pub paths: u64,
}

/// The union of the two versions' questions: the new order, then questions only the old
/// version has; each with the new choices, then choices only the old one has.
fn union_columns(old: &Rules, new: &Rules) -> Vec<Column> {
    let mut cols = super::columns(new);
    for q in &old.questions {
        let choices = q.choices.iter().map(|c| c.id.clone());
        match cols.iter_mut().find(|c| c.id == q.id) {
            Some(col) => {
                for c in choices {
                    if !col.choices.contains(&c) {
                        col.choices.push(c);
                    }
                }
            }
            None => cols.push(Column {
                id: q.id.clone(),
                choices: choices.collect(),
            }),
        }
    }
    cols
}

struct Side<'a> {
    rules: &'a Rules,
    as_of: Date,
    /// Union column of each question.
    column: Vec<usize>,
    /// Per question, union choice index → the version's choice (if it has it).
    choice: Vec<Vec<Option<ChoiceIdx>>>,
}

impl<'a> Side<'a> {
    fn new(rules: &'a Rules, as_of: Date, columns: &[Column]) -> Self {
        let mut column = Vec::new();
        let mut choice = Vec::new();
        for q in &rules.questions {
            let u = columns.iter().position(|c| c.id == q.id).unwrap_or(0);
            column.push(u);
            choice.push(
                columns[u]
                    .choices
                    .iter()
                    .map(|id| q.choice_index(id))
                    .collect(),
            );
        }
        Side {
            rules,
            as_of,
            column,
            choice,
        }
    }
}

/// Where one side stands in the joint walk.
#[derive(Clone)]
enum State {
    Walking(Vec<(QuestionIdx, ChoiceIdx)>),
    /// These answers cannot be given in this version.
    Impossible,
}

/// Compares `old` as of `old_date` with `new` as of `new_date`.
pub fn compare(
    old: &Rules,
    old_date: Date,
    new: &Rules,
    new_date: Date,
    budget: usize,
) -> Result<Changes, OverBudget> {
    let columns = union_columns(old, new);
    let sides = [
        Side::new(old, old_date, &columns),
        Side::new(new, new_date, &columns),
    ];
    let mut sessions = [Session::new(old), Session::new(new)];
    for s in &mut sessions {
        s.confirmed = true;
    }
    let mut rows = Vec::new();
    let mut paths = 0u64;
    let start = (
        [State::Walking(Vec::new()), State::Walking(Vec::new())],
        vec![NOT_ASKED; columns.len()],
    );
    let mut stack = vec![start];
    while let Some((mut states, mut cells)) = stack.pop() {
        // Answer what is already known, until each side asks something new or ends.
        let mut asking: [Option<usize>; 2] = [None, None];
        let mut results: [SideResult; 2] = [None, None];
        for i in 0..2 {
            while let State::Walking(answers) = &mut states[i] {
                sessions[i].answers = std::mem::take(answers);
                let reply = engine::view(sides[i].rules, &sessions[i], sides[i].as_of);
                let mut answers_now = std::mem::take(&mut sessions[i].answers);
                match reply {
                    Reply::Ask { question, .. } => {
                        let u = sides[i].column[usize::from(question)];
                        if cells[u] == NOT_ASKED {
                            states[i] = State::Walking(answers_now);
                            asking[i] = Some(u);
                            break;
                        }
                        let union_choice = cells[u].trailing_zeros() as usize;
                        match sides[i].choice[usize::from(question)][union_choice] {
                            Some(c) => {
                                answers_now.push((question, c));
                                states[i] = State::Walking(answers_now);
                            }
                            None => states[i] = State::Impossible,
                        }
                    }
                    Reply::Result(verdict) => {
                        results[i] = Some(super::outcomes_of(sides[i].rules, &verdict));
                        states[i] = State::Walking(answers_now);
                        break;
                    }
                    Reply::Review { .. } => break,
                }
            }
        }
        if let Some(u) = asking[0].or(asking[1]) {
            for c in (0..columns[u].choices.len()).rev() {
                let mut next_cells = cells.clone();
                next_cells[u] = 1 << c;
                stack.push((states.clone(), next_cells));
            }
            continue;
        }
        paths += 1;
        if paths > budget as u64 {
            return Err(OverBudget { budget });
        }
        let [old_result, new_result] = results;
        if old_result != new_result {
            rows.push(Row {
                cells: std::mem::take(&mut cells),
                result: (old_result, new_result),
                paths: 1,
            });
        }
    }
    Ok(Changes {
        columns,
        rows: super::merge(rows),
        paths,
    })
}

/// What changed for one row, outcome by outcome: `+x: open`, `-x: open`, `x: open → closed`.
pub fn change_text(pair: &Pair) -> String {
    match pair {
        (None, _) => "answers the old version does not offer".into(),
        (_, None) => "answers the new version does not offer".into(),
        (Some(old), Some(new)) => {
            let mut parts = Vec::new();
            for o in old {
                match new.iter().find(|n| n.outcome == o.outcome) {
                    None => parts.push(format!("-{o}")),
                    Some(n) if n != o => parts.push(format!(
                        "{}: {} → {}",
                        o.outcome,
                        status_text(o),
                        status_text(n)
                    )),
                    Some(_) => {}
                }
            }
            for n in new {
                if !old.iter().any(|o| o.outcome == n.outcome) {
                    parts.push(format!("+{n}"));
                }
            }
            parts.join("; ")
        }
    }
}

fn status_text(s: &super::Shown) -> String {
    match s.opens_on {
        Some(d) => format!("{} ({d})", s.status.name()),
        None => s.status.name().to_string(),
    }
}

/// The results compared over a span of dates (`until` exclusive; `None`: from then on), or on
/// two given dates.
#[derive(Debug, Clone)]
pub struct Period {
    pub label: String,
    pub changes: Changes,
}

/// Compares two versions on every date where either can change (one date in each stretch of
/// days on which both stay the same), and joins neighbouring stretches with the same changes.
pub fn compare_all_dates(
    old: &Rules,
    new: &Rules,
    budget: usize,
) -> Result<Vec<Period>, OverBudget> {
    let mut dates = super::change_dates(old);
    dates.extend(super::change_dates(new));
    dates.sort_unstable();
    dates.dedup();
    let first = dates.first().map(|d| d.add_days(-1));
    let starts: Vec<Date> = first.into_iter().chain(dates.iter().copied()).collect();
    let starts = if starts.is_empty() {
        vec![crate::date::Date::today_utc()]
    } else {
        starts
    };
    let mut periods: Vec<(Date, Option<Date>, Changes)> = Vec::new();
    for (i, &d) in starts.iter().enumerate() {
        let changes = compare(old, d, new, d, budget)?;
        let until = starts.get(i + 1).copied();
        match periods.last_mut() {
            Some(last) if last.2.rows == changes.rows => last.1 = until,
            _ => periods.push((d, until, changes)),
        }
    }
    let n = periods.len();
    Ok(periods
        .into_iter()
        .enumerate()
        .map(|(i, (from, until, changes))| {
            let label = match (i, until) {
                (0, Some(u)) if n > 1 => format!("before {u}"),
                (_, Some(u)) if u.add_days(-1) == from => format!("on {from}"),
                (_, Some(u)) => format!("from {from} to {}", u.add_days(-1)),
                (0, None) => "on every date".to_string(),
                (_, None) => format!("from {from} on"),
            };
            Period { label, changes }
        })
        .collect())
}

/// A message that differs between the two locale sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageChange {
    pub lang: String,
    pub id: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Messages (and terms) added, removed or changed, per language, compared by their source text
/// (comments and blank lines aside).
pub fn message_changes(old: &[LocaleFile], new: &[LocaleFile]) -> Vec<MessageChange> {
    let (old, new) = (messages(old), messages(new));
    let mut out = Vec::new();
    let mut keys: Vec<&(String, String)> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (a, b) = (old.get(key), new.get(key));
        if a != b {
            out.push(MessageChange {
                lang: key.0.clone(),
                id: key.1.clone(),
                old: a.cloned(),
                new: b.cloned(),
            });
        }
    }
    out
}

/// (language, id) → the entry's text. An entry starts at an identifier in column 1 (a message,
/// or a term `-name`) and takes the indented lines after it.
fn messages(files: &[LocaleFile]) -> BTreeMap<(String, String), String> {
    let mut out = BTreeMap::new();
    for file in files {
        let mut current: Option<(String, Vec<String>)> = None;
        let mut flush = |current: &mut Option<(String, Vec<String>)>| {
            if let Some((id, mut lines)) = current.take() {
                while lines.last().is_some_and(|l| l.trim().is_empty()) {
                    lines.pop();
                }
                out.insert((file.lang.clone(), id), lines.join("\n"));
            }
        };
        for line in file.text.lines() {
            let starts_entry = line
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '-')
                && line.contains('=');
            if starts_entry {
                flush(&mut current);
                let id = line.split('=').next().unwrap_or("").trim().to_string();
                current = Some((id, vec![line.trim_end().to_string()]));
            } else if line.starts_with('#') || (line.trim().is_empty() && current.is_none()) {
                flush(&mut current);
            } else if let Some((_, lines)) = &mut current {
                lines.push(line.trim_end().to_string());
            }
        }
        flush(&mut current);
    }
    out
}

/// Writes the changes of every period and the message changes.
pub fn write(
    periods: &[Period],
    messages: &[MessageChange],
    format: Format,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    match format {
        Format::Table | Format::Csv => {
            let changed: Vec<&Period> = periods
                .iter()
                .filter(|p| !p.changes.rows.is_empty())
                .collect();
            if changed.is_empty() {
                writeln!(
                    out,
                    "Results: no answer combination gets a different result."
                )?;
            }
            for p in changed {
                let c = &p.changes;
                let paths: u64 = c.rows.iter().map(|r| r.paths).sum();
                writeln!(
                    out,
                    "Results {}: {} rows, {paths} of {} answer paths changed. `—` not asked; `any` asked, every answer the same.",
                    p.label,
                    c.rows.len(),
                    c.paths
                )?;
                let cols: Vec<usize> = (0..c.columns.len())
                    .filter(|&i| c.rows.iter().any(|r| r.cells[i] != NOT_ASKED))
                    .collect();
                let mut grid = vec![{
                    let mut h = vec!["paths".to_string()];
                    h.extend(cols.iter().map(|&i| c.columns[i].id.clone()));
                    h.push("change".into());
                    h
                }];
                for row in &c.rows {
                    let mut line = vec![row.paths.to_string()];
                    line.extend(cols.iter().map(|&i| c.columns[i].show(row.cells[i])));
                    line.push(change_text(&row.result));
                    grid.push(line);
                }
                if format == Format::Csv {
                    for line in grid {
                        writeln!(out, "{}", csv_line(&line))?;
                    }
                } else {
                    write_grid(&grid, out)?;
                }
                writeln!(out)?;
            }
            if messages.is_empty() {
                writeln!(out, "Messages: no change.")?;
            } else {
                writeln!(out, "Messages: {} changed.", messages.len())?;
                for m in messages {
                    let mark = match (&m.old, &m.new) {
                        (None, _) => "+",
                        (_, None) => "-",
                        _ => "~",
                    };
                    writeln!(out, "{mark} {} {}", m.lang, m.id)?;
                    if let Some(old) = &m.old {
                        for l in old.lines() {
                            writeln!(out, "    - {l}")?;
                        }
                    }
                    if let Some(new) = &m.new {
                        for l in new.lines() {
                            writeln!(out, "    + {l}")?;
                        }
                    }
                }
            }
            Ok(())
        }
        Format::Json => {
            let periods: Vec<serde_json::Value> = periods
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "dates": p.label,
                        "paths": p.changes.paths,
                        "rows": p.changes.rows.iter().map(|row| serde_json::json!({
                            "paths": row.paths,
                            "answers": answers_json(&p.changes.columns, &row.cells),
                            "old": row.result.0,
                            "new": row.result.1,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let messages: Vec<serde_json::Value> = messages
                .iter()
                .map(
                    |m| serde_json::json!({"lang": m.lang, "id": m.id, "old": m.old, "new": m.new}),
                )
                .collect();
            serde_json::to_writer_pretty(
                &mut *out,
                &serde_json::json!({"format": 1, "periods": periods, "messages": messages}),
            )?;
            writeln!(out)
        }
    }
}

/// Whether any period has a changed result.
pub fn results_differ(periods: &[Period]) -> bool {
    periods.iter().any(|p| !p.changes.rows.is_empty())
}

/// Rows of changes never overlap and are products: `Cell` helpers for tests.
pub fn cell_of(columns: &[Column], question: &str, choice: &str) -> Option<(usize, Cell)> {
    let u = columns.iter().position(|c| c.id == question)?;
    let c = columns[u].choices.iter().position(|c| c == choice)?;
    Some((u, 1 << c))
}
