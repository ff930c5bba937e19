//! Review tools for rules authors and lawyers: `rumbo paths`, `rumbo diff`, `rumbo graph` and
//! the coverage report of `rumbo test --coverage`.
//!
//! Everything here is built on one idea: walk the pure engine over every answer sequence (the
//! as-of date fixed), then describe the answers as *rows*. A row gives, for each question,
//! either the set of choices it stands for or "not asked"; it stands for every combination in
//! that product, and all of them get the same result. Rows of one walk never overlap, and
//! together they cover every way through the interview.
//!
//! Reading a row: a question marked "not asked" (`—`) was not asked on these paths, so a person
//! could have any answer to it; a question whose set holds every choice (`any`) was asked but
//! its answer changed nothing.

pub mod coverage;
pub mod diff;
pub mod graph;
pub mod paths;

use std::collections::HashMap;
use std::hash::Hash;

use crate::date::Date;
use crate::engine::{self, Reply, Session, Status};
use crate::rules::{ChoiceIdx, QuestionIdx, Rules};

/// The cells of a row: one bit per choice (in the column's choice order); `NOT_ASKED` (no bit)
/// when the question was not asked.
pub type Cell = u64;
/// A question not asked on the row's paths.
pub const NOT_ASKED: Cell = 0;

/// One outcome of a result: its id, status, and for an upcoming one the day it opens for these
/// answers when that depends on them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct Shown {
    pub outcome: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opens_on: Option<Date>,
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.outcome, self.status.name())?;
        if let Some(d) = self.opens_on {
            write!(f, " ({d})")?;
        }
        Ok(())
    }
}

/// What a person is shown at the end of a path: every outcome in file order.
pub type Outcomes = Vec<Shown>;

/// A question as a column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub id: String,
    pub choices: Vec<String>,
}

impl Column {
    /// Every choice.
    pub fn all(&self) -> Cell {
        if self.choices.len() >= 64 {
            u64::MAX
        } else {
            (1u64 << self.choices.len()) - 1
        }
    }

    /// A cell as text: `—` not asked, `any` every choice, else the choices joined by `|`.
    pub fn show(&self, cell: Cell) -> String {
        if cell == NOT_ASKED {
            "—".into()
        } else if cell == self.all() {
            "any".into()
        } else {
            self.chosen(cell).join("|")
        }
    }

    /// The choice ids of a cell, in the column's order.
    pub fn chosen(&self, cell: Cell) -> Vec<&str> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(i, _)| cell & (1 << i) != 0)
            .map(|(_, c)| c.as_str())
            .collect()
    }
}

/// A set of answer combinations with one result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<R> {
    pub cells: Vec<Cell>,
    pub result: R,
    /// How many raw answer paths (walks of the interview) the row stands for.
    pub paths: u64,
}

/// The walk of one rules file on one date: its columns and rows.
#[derive(Debug, Clone)]
pub struct Table<R> {
    pub columns: Vec<Column>,
    pub rows: Vec<Row<R>>,
}

/// The walk stopped at its budget: the file has more answer paths than this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "more than {budget} answer paths: the table would not be readable; review a smaller file, or raise --max-paths"
)]
pub struct OverBudget {
    pub budget: usize,
}

/// How many answer paths a walk follows by default before it gives up.
pub const DEFAULT_BUDGET: usize = 100_000;

/// The columns of a rules file: its questions in asking order.
pub fn columns(rules: &Rules) -> Vec<Column> {
    rules
        .questions
        .iter()
        .map(|q| Column {
            id: q.id.clone(),
            choices: q.choices.iter().map(|c| c.id.clone()).collect(),
        })
        .collect()
}

/// The result a verdict shows, by ids.
pub(crate) fn outcomes_of(rules: &Rules, verdict: &engine::Verdict) -> Outcomes {
    verdict
        .matches
        .iter()
        .map(|m| Shown {
            outcome: rules.outcome(m.outcome).id.clone(),
            status: m.status,
            opens_on: m.opens_on,
        })
        .collect()
}

/// Every answer path of `rules` as of `as_of`, unmerged: one row per path, one choice per
/// asked question. Drives the real engine (`engine::view`), so the table is what the bot does.
pub fn walk(rules: &Rules, as_of: Date, budget: usize) -> Result<Table<Outcomes>, OverBudget> {
    let mut rows = Vec::new();
    walk_each(rules, as_of, budget, |answers, outcomes| {
        let mut cells = vec![NOT_ASKED; rules.questions.len()];
        for &(q, c) in answers {
            cells[usize::from(q)] = 1 << c;
        }
        rows.push(Row {
            cells,
            result: outcomes,
            paths: 1,
        });
    })?;
    Ok(Table {
        columns: columns(rules),
        rows,
    })
}

/// Calls `each` with the answers (in asking order) and the result of every answer path, in
/// depth-first order (first choices first). An explicit stack, so deep files do not overflow.
pub fn walk_each(
    rules: &Rules,
    as_of: Date,
    budget: usize,
    mut each: impl FnMut(&[(QuestionIdx, ChoiceIdx)], Outcomes),
) -> Result<usize, OverBudget> {
    let mut session = Session::new(rules);
    // Confirmed: a complete interview shows its result without the review screen.
    session.confirmed = true;
    let mut stack: Vec<Vec<(QuestionIdx, ChoiceIdx)>> = vec![Vec::new()];
    let mut paths = 0usize;
    while let Some(answers) = stack.pop() {
        session.answers = answers;
        match engine::view(rules, &session, as_of) {
            Reply::Ask { question, .. } => {
                let n = rules.question(question).choices.len();
                for c in (0..n).rev() {
                    let mut next = session.answers.clone();
                    next.push((question, c as ChoiceIdx));
                    stack.push(next);
                }
            }
            Reply::Result(verdict) => {
                paths += 1;
                if paths > budget {
                    return Err(OverBudget { budget });
                }
                each(&session.answers, outcomes_of(rules, &verdict));
            }
            // Not reached with `confirmed`; nothing to record.
            Reply::Review { .. } => {}
        }
    }
    Ok(paths)
}

/// Merges rows that are equal except in one question into one row whose cell is the union,
/// column by column from the last question to the first, until nothing changes. Each merged
/// row is still a product of its cells, and every combination in it has the row's result
/// (it came from a row that had it), so the table says the same thing in fewer rows.
///
/// Only two sets of choices merge: "not asked" never merges with an answer, so `—` keeps its
/// meaning. Rows keep the order of their first path.
pub fn merge<R: Clone + Eq + Hash>(rows: Vec<Row<R>>) -> Vec<Row<R>> {
    let Some(width) = rows.first().map(|r| r.cells.len()) else {
        return rows;
    };
    let mut rows = rows;
    loop {
        let before = rows.len();
        for col in (0..width).rev() {
            rows = merge_column(rows, col);
        }
        if rows.len() == before {
            return rows;
        }
    }
}

fn merge_column<R: Clone + Eq + Hash>(rows: Vec<Row<R>>, col: usize) -> Vec<Row<R>> {
    // Key: every other cell and the result. Cells of one column never overlap within a key
    // (rows are disjoint), so the union is exact and the path counts add.
    let mut index: HashMap<(Vec<Cell>, &R), usize> = HashMap::with_capacity(rows.len());
    let mut out: Vec<Row<R>> = Vec::with_capacity(rows.len());
    let mut slot_of = Vec::with_capacity(rows.len());
    for row in &rows {
        if row.cells[col] == NOT_ASKED {
            slot_of.push(None);
            continue;
        }
        let mut key = row.cells.clone();
        key[col] = NOT_ASKED;
        let slot = *index.entry((key, &row.result)).or_insert_with(|| {
            out.push(Row {
                cells: row.cells.clone(),
                result: row.result.clone(),
                paths: 0,
            });
            out.len() - 1
        });
        slot_of.push(Some(slot));
    }
    // Second pass, in the original order, so rows stay where their first path was.
    let mut merged: Vec<Option<Row<R>>> = out.into_iter().map(Some).collect();
    let mut result = Vec::with_capacity(merged.len());
    let mut acc: Vec<(Cell, u64)> = vec![(NOT_ASKED, 0); merged.len()];
    for (row, slot) in rows.iter().zip(&slot_of) {
        if let Some(s) = slot {
            acc[*s].0 |= row.cells[col];
            acc[*s].1 += row.paths;
        }
    }
    for (row, slot) in rows.into_iter().zip(slot_of) {
        match slot {
            None => result.push(row),
            Some(s) => {
                if let Some(mut m) = merged[s].take() {
                    m.cells[col] = acc[s].0;
                    m.paths = acc[s].1;
                    result.push(m);
                }
            }
        }
    }
    result
}

/// The merged table of every answer path of `rules` as of `as_of`.
pub fn paths(rules: &Rules, as_of: Date, budget: usize) -> Result<Table<Outcomes>, OverBudget> {
    let mut table = walk(rules, as_of, budget)?;
    table.rows = merge(table.rows);
    Ok(table)
}

/// Whether a raw answer path (asked questions with their choice) lies in a row.
pub fn row_holds<R>(row: &Row<R>, answers: &[(QuestionIdx, ChoiceIdx)]) -> bool {
    let mut asked = vec![false; row.cells.len()];
    for &(q, c) in answers {
        asked[usize::from(q)] = true;
        if row.cells[usize::from(q)] & (1 << c) == 0 {
            return false;
        }
    }
    row.cells
        .iter()
        .zip(&asked)
        .all(|(&cell, &a)| a || cell == NOT_ASKED)
}

/// How many answer combinations a row's cells hold (a question not asked counts once).
pub fn combinations(cells: &[Cell]) -> u64 {
    cells
        .iter()
        .map(|c| u64::from(c.count_ones().max(1)))
        .fold(1u64, u64::saturating_mul)
}

/// The dates on which the results of `rules` can change: every day a condition or a window
/// starts or stops holding. Between two of them (and before the first) nothing changes.
pub fn change_dates(rules: &Rules) -> Vec<Date> {
    let mut dates = rules.condition_dates();
    for o in &rules.outcomes {
        if let Some(d) = o.window.opens {
            dates.insert(d.surely_after());
        }
        if let Some(d) = o.window.closes {
            dates.insert(d.earliest());
        }
    }
    dates.into_iter().collect()
}
