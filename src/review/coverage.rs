//! `rumbo test --coverage`: what no scenario exercises.
//!
//! Counted against what can happen: a choice, an (outcome, status) pair or a `paths --by
//! outcome` row counts only if the engine can reach it on one of the scenario files' dates
//! (a programme that had closed on every date tested cannot be open in any scenario).
//!
//! `rumbo test --coverage --write-cases DIR` also writes, for the rows no case falls in, one
//! scenario file per date with a case for each (`write_cases`): the engine's own result on a
//! path of the row. Such a case pins what the rules do; it cannot show that they are right,
//! so its header says so.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::paths::{by_outcome, outcome_columns};
use super::{DEFAULT_BUDGET, Outcomes, OverBudget, Table, row_holds};
use crate::date::Date;
use crate::engine::{Status, Verdict};
use crate::rules::{ChoiceIdx, QuestionIdx, Rules};

/// What the scenarios exercised, gathered case by case.
#[derive(Debug, Default)]
pub struct Coverage {
    /// Per as-of date, the answer paths of the cases on it.
    paths: BTreeMap<Date, Vec<Vec<(QuestionIdx, ChoiceIdx)>>>,
    choices: BTreeSet<(QuestionIdx, ChoiceIdx)>,
    shown: BTreeSet<(String, Status)>,
}

impl Coverage {
    pub fn add(
        &mut self,
        rules: &Rules,
        as_of: Date,
        path: &[(QuestionIdx, ChoiceIdx)],
        verdict: Option<&Verdict>,
    ) {
        self.choices.extend(path.iter().copied());
        self.paths.entry(as_of).or_default().push(path.to_vec());
        for m in verdict.iter().flat_map(|v| &v.matches) {
            self.shown
                .insert((rules.outcome(m.outcome).id.clone(), m.status));
        }
    }

    /// Writes what is reachable on the scenarios' dates and not exercised; returns how many
    /// questions, choices, outcomes, (outcome, status) pairs and `paths --by outcome` rows are
    /// uncovered.
    pub fn report(
        &self,
        rules: &Rules,
        out: &mut impl Write,
    ) -> io::Result<Result<usize, OverBudget>> {
        let mut reachable_choices = BTreeSet::new();
        let mut reachable_shown = BTreeSet::new();
        // A row is the same row on every date it appears on (same outcome, status and answers):
        // covered when a case on any of those dates falls in it. Value: (dates, covered).
        let mut rows: BTreeMap<(String, String), (Vec<Date>, bool)> = BTreeMap::new();
        for (&date, cases) in &self.paths {
            let raw = match super::walk(rules, date, DEFAULT_BUDGET) {
                Ok(t) => t,
                Err(e) => return Ok(Err(e)),
            };
            for row in &raw.rows {
                for (q, &cell) in row.cells.iter().enumerate() {
                    if cell != super::NOT_ASKED {
                        reachable_choices
                            .insert((q as QuestionIdx, cell.trailing_zeros() as ChoiceIdx));
                    }
                }
                for s in &row.result {
                    reachable_shown.insert((s.outcome.clone(), s.status));
                }
            }
            for (id, table) in by_outcome(&raw, &outcome_columns(rules)) {
                let kept = kept_columns(&table);
                for row in &table.rows {
                    let hit = cases.iter().any(|p| holds_kept(&kept, row, p));
                    let entry = rows
                        .entry((id.clone(), row_text(&table, row)))
                        .or_insert((Vec::new(), false));
                    entry.0.push(date);
                    entry.1 |= hit;
                }
            }
        }
        let mut uncovered = 0;
        let never_asked: Vec<&str> = rules
            .questions
            .iter()
            .enumerate()
            .filter(|(q, _)| !self.choices.iter().any(|&(x, _)| usize::from(x) == *q))
            .map(|(_, q)| q.id.as_str())
            .collect();
        let choices: Vec<String> = reachable_choices
            .difference(&self.choices)
            .map(|&(q, c)| {
                let question = rules.question(q);
                format!("{}={}", question.id, question.choices[usize::from(c)].id)
            })
            .collect();
        let outcomes: Vec<&str> = rules
            .outcomes
            .iter()
            .filter(|o| !self.shown.iter().any(|(id, _)| id == &o.id))
            .map(|o| o.id.as_str())
            .collect();
        let pairs: Vec<String> = reachable_shown
            .difference(&self.shown)
            .map(|(o, s)| format!("{o}: {}", s.name()))
            .collect();
        writeln!(out, "Coverage on {} scenario dates:", self.paths.len())?;
        for (what, list) in [
            (
                "questions never asked",
                never_asked
                    .iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>(),
            ),
            ("reachable choices never chosen", choices),
            (
                "outcomes never shown",
                outcomes.iter().map(|s| s.to_string()).collect(),
            ),
            ("reachable (outcome, status) pairs never seen", pairs),
        ] {
            uncovered += list.len();
            if list.is_empty() {
                writeln!(out, "  {what}: none")?;
            } else {
                writeln!(out, "  {what} ({}): {}", list.len(), list.join(", "))?;
            }
        }
        let rows_uncovered: Vec<_> = rows.iter().filter(|(_, (_, hit))| !hit).collect();
        uncovered += rows_uncovered.len();
        writeln!(
            out,
            "  `paths --by outcome` rows (on the scenario dates) no case falls in: {} of {}",
            rows_uncovered.len(),
            rows.len()
        )?;
        for ((id, text), (dates, _)) in &rows_uncovered {
            let first = dates.first().map(|d| d.to_string()).unwrap_or_default();
            writeln!(
                out,
                "    {id}: {text} (on {} dates from {first})",
                dates.len()
            )?;
        }
        Ok(Ok(uncovered))
    }
}

/// One generated case: the answers of a path (in asking order) and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedCase {
    /// The rows it covers, as `outcome status where question=choices …`.
    pub rows: Vec<String>,
    pub answers: Vec<(String, String)>,
    pub result: Outcomes,
}

impl Coverage {
    /// For every `paths --by outcome` row no case falls in (on any of the scenario dates),
    /// a path of the row on the first date that has uncovered rows to cover, chosen so that few
    /// paths cover them all (greedily, most rows first). By date, dates in order.
    pub fn missing_cases(
        &self,
        rules: &Rules,
    ) -> Result<BTreeMap<Date, Vec<GeneratedCase>>, OverBudget> {
        let keep = outcome_columns(rules);
        // Pass 1: which rows some case falls in, on any date.
        let mut covered: BTreeSet<(String, String)> = BTreeSet::new();
        let mut all: BTreeSet<(String, String)> = BTreeSet::new();
        for (&date, cases) in &self.paths {
            let raw = super::walk(rules, date, DEFAULT_BUDGET)?;
            for (id, table) in by_outcome(&raw, &keep) {
                let kept = kept_columns(&table);
                for row in &table.rows {
                    let key = (id.clone(), row_text(&table, row));
                    if cases.iter().any(|p| holds_kept(&kept, row, p)) {
                        covered.insert(key.clone());
                    }
                    all.insert(key);
                }
            }
        }
        let mut missing: BTreeSet<(String, String)> = all.difference(&covered).cloned().collect();
        // Pass 2: date by date, the paths that cover the most missing rows.
        let mut out = BTreeMap::new();
        for &date in self.paths.keys() {
            if missing.is_empty() {
                break;
            }
            let raw = super::walk(rules, date, DEFAULT_BUDGET)?;
            let tables: BTreeMap<String, (Vec<bool>, Table<Outcomes>)> = by_outcome(&raw, &keep)
                .into_iter()
                .map(|(id, t)| (id, (kept_columns(&t), t)))
                .collect();
            // Per raw path: the missing rows it falls in.
            let mut candidates: Vec<(usize, Vec<(String, String)>)> = Vec::new();
            for (i, path_row) in raw.rows.iter().enumerate() {
                let path: Vec<(QuestionIdx, ChoiceIdx)> = path_row
                    .cells
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c != super::NOT_ASKED)
                    .map(|(q, c)| (q as QuestionIdx, c.trailing_zeros() as ChoiceIdx))
                    .collect();
                let mut keys = Vec::new();
                for shown in &path_row.result {
                    let Some((kept, table)) = tables.get(&shown.outcome) else {
                        continue;
                    };
                    if let Some(row) = table.rows.iter().find(|r| holds_kept(kept, r, &path)) {
                        let key = (shown.outcome.clone(), row_text(table, row));
                        if missing.contains(&key) {
                            keys.push(key);
                        }
                    }
                }
                if !keys.is_empty() {
                    candidates.push((i, keys));
                }
            }
            let mut picked = Vec::new();
            loop {
                let best = candidates
                    .iter()
                    .map(|(i, keys)| (keys.iter().filter(|k| missing.contains(*k)).count(), *i))
                    // Most rows first; among equals, the earliest path.
                    .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                let Some((_, i)) = best.filter(|(n, _)| *n > 0) else {
                    break;
                };
                let keys = &candidates.iter().find(|(j, _)| *j == i).unwrap().1;
                let mut rows = Vec::new();
                for k in keys {
                    if missing.remove(k) {
                        let (answers, status) = k.1.rsplit_once(" → ").unwrap_or(("", &k.1));
                        rows.push(format!("{} {status} where {answers}", k.0));
                    }
                }
                candidates.retain(|(j, _)| *j != i);
                picked.push((i, rows));
            }
            picked.sort_by_key(|(i, _)| *i);
            let cases: Vec<GeneratedCase> = picked
                .into_iter()
                .map(|(i, rows)| {
                    let row = &raw.rows[i];
                    // In column order, which is the asking order.
                    let answers = raw
                        .columns
                        .iter()
                        .zip(&row.cells)
                        .filter(|(_, c)| **c != super::NOT_ASKED)
                        .map(|(col, c)| {
                            (
                                col.id.clone(),
                                col.choices[c.trailing_zeros() as usize].clone(),
                            )
                        })
                        .collect();
                    GeneratedCase {
                        rows,
                        answers,
                        result: row.result.clone(),
                    }
                })
                .collect();
            if !cases.is_empty() {
                out.insert(date, cases);
            }
        }
        Ok(out)
    }
}

/// A scenario file of generated cases (`rumbo test --coverage --write-cases`), with a header
/// that says how it was made.
pub fn scenario_file(as_of: Date, cases: &[GeneratedCase]) -> String {
    let mut text = format!(
        "# Written by `rumbo test --coverage --write-cases`: for each `rumbo paths --by outcome` row\n\
         # that no other scenario case fell in, one answer path of the row as of {as_of}, and the\n\
         # result the engine gave for it. Such a case pins what the rules do; it does not show that\n\
         # they are right. Check its rows against the sources (for the shipped rules,\n\
         # tests/criteria.rs compares every answer path, on every date, with the research note).\n\
         as_of: {as_of}\ncases:\n"
    );
    for (n, case) in cases.iter().enumerate() {
        if n > 0 {
            text.push('\n');
        }
        text.push_str(&format!(
            "  - name: {}\n",
            yaml_scalar(&format!("row: {}", case.rows.join("; row: ")))
        ));
        let answers: Vec<String> = case
            .answers
            .iter()
            .map(|(q, c)| format!("{q}: {}", yaml_scalar(c)))
            .collect();
        text.push_str(&format!("    answers: {{ {} }}\n", answers.join(", ")));
        text.push_str("    expect:\n");
        for status in Status::ALL {
            let ids: Vec<&str> = case
                .result
                .iter()
                .filter(|s| s.status == status)
                .map(|s| s.outcome.as_str())
                .collect();
            if !ids.is_empty() {
                text.push_str(&format!("      {}: [{}]\n", status.name(), ids.join(", ")));
            }
        }
    }
    text
}

/// An id as a YAML scalar: quoted when YAML could read it as something other than a string.
fn yaml_scalar(id: &str) -> String {
    let plain = id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !["y", "n", "yes", "no", "true", "false", "on", "off", "null"].contains(&id);
    if plain {
        id.to_string()
    } else {
        format!("\"{}\"", id.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// Which columns a per-outcome table constrains (some row asks them).
fn kept_columns(table: &Table<Outcomes>) -> Vec<bool> {
    (0..table.columns.len())
        .map(|i| table.rows.iter().any(|r| r.cells[i] != super::NOT_ASKED))
        .collect()
}

/// Whether an answer path falls in a per-outcome row, which constrains only its kept
/// questions (`kept_columns`: the ones some row of its table constrains).
fn holds_kept(
    kept: &[bool],
    row: &super::Row<Outcomes>,
    path: &[(QuestionIdx, ChoiceIdx)],
) -> bool {
    let projected: Vec<(QuestionIdx, ChoiceIdx)> = path
        .iter()
        .copied()
        .filter(|&(q, _)| kept[usize::from(q)])
        .collect();
    row_holds(row, &projected)
}

fn row_text(table: &Table<Outcomes>, row: &super::Row<Outcomes>) -> String {
    let mut parts: Vec<String> = table
        .columns
        .iter()
        .zip(&row.cells)
        .filter(|(_, c)| **c != super::NOT_ASKED)
        .map(|(col, &c)| format!("{}={}", col.id, col.show(c)))
        .collect();
    parts.push(format!("→ {}", row.result[0].status.name()));
    parts.join(" ")
}
