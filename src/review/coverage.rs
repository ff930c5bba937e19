//! `rumbo test --coverage`: what no scenario exercises.
//!
//! Counted against what can happen: a choice, an (outcome, status) pair or a `paths --by
//! outcome` row counts only if the engine can reach it on one of the scenario files' dates
//! (a programme that had closed on every date tested cannot be open in any scenario).

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
    /// questions, choices, outcomes and (outcome, status) pairs are uncovered (rows are
    /// listed but not counted: covering every row on every date is a goal, not a gate).
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
                for row in &table.rows {
                    let hit = cases.iter().any(|p| holds_projected(&table, row, p));
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

/// Whether an answer path falls in a per-outcome row (which constrains only its kept
/// questions: the ones some row of its table constrains).
fn holds_projected(
    table: &Table<Outcomes>,
    row: &super::Row<Outcomes>,
    path: &[(QuestionIdx, ChoiceIdx)],
) -> bool {
    let kept: Vec<bool> = (0..table.columns.len())
        .map(|i| table.rows.iter().any(|r| r.cells[i] != super::NOT_ASKED))
        .collect();
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
