//! From summed counters to a report every number of which may be printed.
//!
//! [`build`] lays every count the report prints out as cells, with the sums a reader could use
//! against them (the languages add up to the sessions started, the statuses of an outcome to
//! its total, …), runs [`suppress`](super::suppress::suppress) once over all of them, and only
//! then computes percentages, from printed counts alone. The formats (`format/`) print a
//! [`Report`] and decide nothing.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use super::period::By;
use super::read::{Filters, Tally};
use super::suppress::{Cell, Group, Mark, suppress};
use crate::date::Date;

/// The version of the JSON format (`docs/stats.md`); raised on any change a reader could
/// notice other than a new field.
pub const FORMAT: u32 = 1;

/// A result's statuses, in the order reports list them.
pub const STATUSES: [&str; 4] = ["open", "maybe", "upcoming", "closed"];

/// A count as printed: the number, or why it is not printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Value(u64),
    /// From 1 to k−1 (the `k` is kept to print `<k`).
    Below(u32),
    /// At least k, hidden so that a count below k cannot be worked out from it.
    Hidden,
    /// Not given, with no bound implied: part of a tiny table where even masking every count
    /// left one that could be worked out (see `suppress`).
    Withheld,
}

impl Count {
    /// The number, when printed.
    pub fn value(self) -> Option<u64> {
        match self {
            Count::Value(n) => Some(n),
            _ => None,
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Count::Value(n) => write!(f, "{n}"),
            Count::Below(k) => write!(f, "<{k}"),
            Count::Hidden => f.write_str("hidden"),
            Count::Withheld => f.write_str("–"),
        }
    }
}

/// JSON: a number when printed, else the string `"<k"` or `"hidden"`, or `null` when
/// withheld.
impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Count::Value(n) => s.serialize_u64(*n),
            Count::Withheld => s.serialize_none(),
            other => s.collect_str(other),
        }
    }
}

/// A percentage (0–100, one decimal) or ratio (two decimals); `None` when a count it needs is
/// not printed or its denominator is zero.
pub type Rate = Option<f64>;

/// `part / whole` as a percentage with one decimal, from printed counts only.
fn percent(part: Count, whole: Count) -> Rate {
    match (part.value(), whole.value()) {
        (Some(p), Some(w)) if w > 0 => Some((p as f64 * 1000.0 / w as f64).round() / 10.0),
        _ => None,
    }
}

/// `part / whole` with two decimals, from printed counts only.
fn ratio(part: Count, whole: Count) -> Rate {
    match (part.value(), whole.value()) {
        (Some(p), Some(w)) if w > 0 => Some((p as f64 * 100.0 / w as f64).round() / 100.0),
        _ => None,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub format: u32,
    pub k: u32,
    /// The first and last day reported: as asked, or else the first and last day with a
    /// counter (`None`: no counters at all).
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub by: By,
    pub filters: ReportFilters,
    /// The suppression rule in words, for every reader of the report.
    pub suppression: String,
    pub overview: Overview,
    pub funnel: Vec<Question>,
    pub outcomes: Outcomes,
    pub languages: Vec<Entry>,
    pub sources: Vec<Entry>,
    pub switches: Vec<Entry>,
    pub expired: Vec<Entry>,
    pub dimensions: Vec<Combination>,
    pub series: Vec<Period>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportFilters {
    pub rules_version: Option<String>,
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub started: Count,
    pub completed: Count,
    /// Completed per 100 started.
    pub completion_rate: Rate,
    pub back: Action,
    pub change: Action,
    pub restart: Action,
    pub switch: Action,
    /// Sessions that expired unfinished (the sum of `expired`).
    pub expired: Count,
    pub deleted: Count,
}

/// Something a person can do any number of times in a session.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub count: Count,
    /// Per session started (can exceed 1).
    pub per_session: Rate,
}

/// One line of a list: a key, its count, its share of the list's total.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: String,
    pub count: Count,
    /// Percentage of the list's total.
    pub share: Rate,
}

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub question: String,
    pub shown: Count,
    pub answered: Count,
    /// Shown but not answered, per 100 shown.
    pub drop_off: Rate,
    /// Answers per choice, shares of `answered`; empty for a question that opts out.
    pub choices: Vec<Entry>,
}

/// One count per status.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ByStatus {
    pub open: Count,
    pub maybe: Count,
    pub upcoming: Count,
    pub closed: Count,
}

impl ByStatus {
    fn from_fn(mut f: impl FnMut(usize) -> Count) -> ByStatus {
        ByStatus {
            open: f(0),
            maybe: f(1),
            upcoming: f(2),
            closed: f(3),
        }
    }

    /// The counts in the order of [`STATUSES`].
    pub fn all(&self) -> [Count; 4] {
        [self.open, self.maybe, self.upcoming, self.closed]
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcomes {
    pub rows: Vec<OutcomeRow>,
    /// Every outcome together.
    pub total: OutcomeTotal,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeRow {
    pub outcome: String,
    #[serde(flatten)]
    pub by_status: ByStatus,
    pub total: Count,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeTotal {
    #[serde(flatten)]
    pub by_status: ByStatus,
    pub total: Count,
}

/// Results for one combination of answers to the rules' report dimensions.
#[derive(Debug, Clone, Serialize)]
pub struct Combination {
    /// Question id → choice id.
    pub dimensions: BTreeMap<String, String>,
    pub outcome: String,
    pub status: String,
    pub count: Count,
}

#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// The period's name: its first day (a week's Monday), or `YYYY-MM`.
    pub period: String,
    /// The days of it inside the report's range.
    pub start: Date,
    pub end: Date,
    pub started: Count,
    pub completed: Count,
    /// Results reached in the period, by status (all outcomes).
    #[serde(flatten)]
    pub results: ByStatus,
}

/// The rule, as the report states it.
pub fn rule_text(k: u32) -> String {
    format!(
        "Counts from 1 to {} are shown as <{k}, and a total below {k} is not broken down (its \
         parts are left out of lists, and shown as <{k} in tables even when zero). Where a \
         hidden count could be worked out from a total and the counts beside it, more counts \
         are hidden and shown as \"hidden\" (each of those is {k} or more). Percentages and \
         rates use shown counts only (– where they cannot be computed). Zero is shown as 0.",
        k - 1
    )
}

/// The cells of a report before suppression, and the sums between them.
#[derive(Default)]
struct Sheet {
    cells: Vec<Cell>,
    groups: Vec<Group>,
}

impl Sheet {
    /// A slot of a fixed layout (it may be zero).
    fn cell(&mut self, value: u64) -> usize {
        self.cells.push(Cell::slot(value));
        self.cells.len() - 1
    }

    fn value(&self, cell: usize) -> u64 {
        self.cells[cell].value
    }

    /// Records `total = sum of parts`, if it holds: only a true equation helps a reader.
    fn group(&mut self, total: usize, parts: Vec<usize>) {
        let sum: u64 = parts.iter().map(|&p| self.value(p)).sum();
        if sum == self.value(total) && !parts.is_empty() {
            self.groups.push(Group { total, parts });
        }
    }

    /// A list of (key, count) under a total that is already a cell. Keys counted zero times
    /// are left out, as if they had never been counted.
    fn list(&mut self, total: usize, items: Vec<(String, u64)>) -> Vec<(String, usize)> {
        let cells: Vec<(String, usize)> = items
            .into_iter()
            .filter(|(_, v)| *v > 0)
            .map(|(key, v)| {
                self.cells.push(Cell::keyed(v));
                (key, self.cells.len() - 1)
            })
            .collect();
        self.group(total, cells.iter().map(|(_, c)| *c).collect());
        cells
    }
}

/// The cells of one question of the funnel.
struct QuestionCells {
    id: String,
    shown: usize,
    answered: usize,
    choices: Vec<(String, usize)>,
}

/// Splits `<outcome id>:<status>` into the outcome and the status's index.
fn outcome_status(key: &str) -> Option<(&str, usize)> {
    let (outcome, status) = key.rsplit_once(':')?;
    let i = STATUSES.iter().position(|s| *s == status)?;
    (!outcome.is_empty()).then_some((outcome, i))
}

/// Largest first; hidden counts last and by key, so that the order says nothing about them.
fn order<T>(items: &mut [T], key: impl Fn(&T) -> (&str, Count)) {
    items.sort_by(|a, b| {
        let (ka, ca) = key(a);
        let (kb, cb) = key(b);
        let rank = |c: Count| match c.value() {
            Some(n) => (0, Reverse(n)),
            None => (1, Reverse(0)),
        };
        rank(ca).cmp(&rank(cb)).then_with(|| ka.cmp(kb))
    });
}

/// Builds the report of `tally` (read with `filters`) with threshold `k` (at least 3).
pub fn build(tally: &Tally, filters: &Filters, by: By, k: u32) -> Report {
    let mut sheet = Sheet::default();
    let sorted = |metric: &str| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = tally
            .keys(metric)
            .map(|(key, n)| (key.to_string(), n))
            .collect();
        v.sort();
        v
    };

    // Sessions, and the three lists that add up to them.
    let started = sheet.cell(tally.sum("started"));
    let completed = sheet.cell(tally.sum("completed"));
    let languages = sheet.list(
        started,
        tally
            .started_by_locale
            .iter()
            .map(|(l, &n)| (l.clone(), n))
            .collect(),
    );
    let sources = sheet.list(started, sorted("started"));

    // Actions, and the lists under the switch and expiry totals.
    let back = sheet.cell(tally.sum("back"));
    let change = sheet.cell(tally.sum("change"));
    let restart = sheet.cell(tally.sum("restart"));
    let switch = sheet.cell(tally.sum("switch"));
    let switches = sheet.list(switch, sorted("switch"));
    let expired = sheet.cell(tally.sum("expired"));
    let expiries = sheet.list(expired, sorted("expired"));
    let deleted = sheet.cell(tally.sum("deleted"));

    // The funnel: a question is in it once it was shown or answered.
    let mut choices_of: BTreeMap<&str, Vec<(String, u64)>> = BTreeMap::new();
    for (key, n) in tally.keys("answered_choice") {
        if let Some((q, c)) = key.split_once(':') {
            choices_of.entry(q).or_default().push((c.to_string(), n));
        }
    }
    let question_ids: BTreeSet<&str> = tally
        .keys("shown")
        .chain(tally.keys("answered"))
        .filter(|&(_, n)| n > 0)
        .map(|(q, _)| q)
        .chain(choices_of.keys().copied())
        .collect();
    let funnel: Vec<QuestionCells> = question_ids
        .into_iter()
        .map(|q| {
            let shown = sheet.cell(tally.get("shown", q));
            let answered = sheet.cell(tally.get("answered", q));
            let mut choices = choices_of.remove(q).unwrap_or_default();
            choices.sort();
            let choices = sheet.list(answered, choices);
            QuestionCells {
                id: q.to_string(),
                shown,
                answered,
                choices,
            }
        })
        .collect();

    // Outcomes by status: a two-way table with its row, column and grand totals.
    let mut results: BTreeMap<&str, [u64; 4]> = BTreeMap::new();
    for (key, n) in tally.keys("result") {
        if let Some((o, s)) = outcome_status(key) {
            results.entry(o).or_default()[s] += n;
        }
    }
    // A row that was only ever counted zero times is as if never counted.
    results.retain(|_, counts| counts.iter().any(|&n| n > 0));
    let outcome_cells: Vec<(String, [usize; 4], usize)> = results
        .iter()
        .map(|(o, counts)| {
            let cells = counts.map(|n| sheet.cell(n));
            let total = sheet.cell(counts.iter().sum());
            sheet.group(total, cells.to_vec());
            (o.to_string(), cells, total)
        })
        .collect();
    let status_totals: [usize; 4] = std::array::from_fn(|s| {
        let cell = sheet.cell(results.values().map(|c| c[s]).sum());
        sheet.group(cell, outcome_cells.iter().map(|(_, c, _)| c[s]).collect());
        cell
    });
    let all_results = sheet.cell(results.values().flatten().sum());
    sheet.group(all_results, status_totals.to_vec());
    sheet.group(
        all_results,
        outcome_cells.iter().map(|(_, _, t)| *t).collect(),
    );

    // Results per combination of the report dimensions, under each outcome and status.
    let mut combos: BTreeMap<(&str, usize), Vec<(&str, u64)>> = BTreeMap::new();
    for (key, n) in tally.keys("result_by") {
        let Some((combo, result)) = key.split_once('|') else {
            continue;
        };
        if let Some((o, s)) = outcome_status(result) {
            combos.entry((o, s)).or_default().push((combo, n));
        }
    }
    let mut combination_cells: Vec<(&str, &str, usize, usize)> = Vec::new();
    for (&(o, s), list) in &mut combos {
        list.retain(|&(_, n)| n > 0);
        list.sort();
        let cells: Vec<usize> = list
            .iter()
            .map(|&(_, n)| {
                sheet.cells.push(Cell::keyed(n));
                sheet.cells.len() - 1
            })
            .collect();
        if let Some((_, row, _)) = outcome_cells.iter().find(|(id, _, _)| id == o) {
            sheet.group(row[s], cells.clone());
        }
        for (&(combo, _), cell) in list.iter().zip(cells) {
            combination_cells.push((combo, o, s, cell));
        }
    }

    // The time series: each column adds up to a total printed above.
    let (from, to) = (filters.from.or(tally.first), filters.to.or(tally.last));
    let periods = match (from, to) {
        (Some(f), Some(t)) => by.periods(f, t),
        _ => Vec::new(),
    };
    let mut per_period: Vec<(u64, u64, [u64; 4])> = vec![(0, 0, [0; 4]); periods.len()];
    for (day, metrics) in &tally.days {
        // Periods are in order and cover the range: find the one holding `day`.
        let i = periods.partition_point(|&(_, _, end)| end < *day);
        if periods.get(i).is_none_or(|&(_, start, _)| start > *day) {
            continue;
        }
        let sum = |m: &str| metrics.get(m).map_or(0, |keys| keys.values().sum::<u64>());
        per_period[i].0 += sum("started");
        per_period[i].1 += sum("completed");
        if let Some(keys) = metrics.get("result") {
            for (key, n) in keys {
                if let Some((_, s)) = outcome_status(key) {
                    per_period[i].2[s] += n;
                }
            }
        }
    }
    let period_cells: Vec<(usize, usize, [usize; 4])> = per_period
        .iter()
        .map(|(s, c, r)| (sheet.cell(*s), sheet.cell(*c), r.map(|n| sheet.cell(n))))
        .collect();
    sheet.group(started, period_cells.iter().map(|p| p.0).collect());
    sheet.group(completed, period_cells.iter().map(|p| p.1).collect());
    for (s, &total) in status_totals.iter().enumerate() {
        sheet.group(total, period_cells.iter().map(|p| p.2[s]).collect());
    }

    // Decide once, over everything, then print.
    let marks = suppress(&sheet.cells, &sheet.groups, u64::from(k));
    let count = |cell: usize| match marks[cell] {
        Mark::Shown => Count::Value(sheet.value(cell)),
        Mark::Small => Count::Below(k),
        Mark::Hidden => Count::Hidden,
        // Keyed withheld cells are left out of their lists below.
        Mark::Withheld => Count::Withheld,
    };
    let listed = |cell: usize| !(sheet.cells[cell].keyed && marks[cell] == Mark::Withheld);
    let entries = |cells: &[(String, usize)], total: usize| -> Vec<Entry> {
        let mut list: Vec<Entry> = cells
            .iter()
            .filter(|(_, c)| listed(*c))
            .map(|(key, c)| Entry {
                key: key.clone(),
                count: count(*c),
                share: percent(count(*c), count(total)),
            })
            .collect();
        order(&mut list, |e| (e.key.as_str(), e.count));
        list
    };
    let action = |cell: usize| Action {
        count: count(cell),
        per_session: ratio(count(cell), count(started)),
    };

    let mut funnel: Vec<Question> = funnel
        .iter()
        .map(|q| {
            let (s, a) = (count(q.shown), count(q.answered));
            let drop_off = match (s.value(), a.value()) {
                (Some(s), Some(a)) => percent(Count::Value(s.saturating_sub(a)), Count::Value(s)),
                _ => None,
            };
            Question {
                question: q.id.clone(),
                shown: s,
                answered: a,
                drop_off,
                choices: entries(&q.choices, q.answered),
            }
        })
        .collect();
    order(&mut funnel, |q| (q.question.as_str(), q.shown));
    // Interview order where the rules are known (a stable sort: the others keep their order,
    // after them).
    funnel.sort_by_key(|q| {
        filters
            .questions
            .iter()
            .position(|id| *id == q.question)
            .unwrap_or(usize::MAX)
    });

    let mut outcome_rows: Vec<OutcomeRow> = outcome_cells
        .iter()
        .map(|(o, cells, total)| OutcomeRow {
            outcome: o.clone(),
            by_status: ByStatus::from_fn(|s| count(cells[s])),
            total: count(*total),
        })
        .collect();
    order(&mut outcome_rows, |r| (r.outcome.as_str(), r.total));

    let dimensions = combination_cells
        .iter()
        .filter(|&&(_, _, _, cell)| listed(cell))
        .map(|&(combo, o, s, cell)| Combination {
            dimensions: combo
                .split(',')
                .filter_map(|pair| pair.split_once('='))
                .map(|(q, c)| (q.to_string(), c.to_string()))
                .collect(),
            outcome: o.to_string(),
            status: STATUSES[s].to_string(),
            count: count(cell),
        })
        .collect();

    let series = periods
        .iter()
        .zip(&period_cells)
        .map(|(&(nominal, start, end), &(s, c, r))| Period {
            period: by.label(nominal),
            start,
            end,
            started: count(s),
            completed: count(c),
            results: ByStatus::from_fn(|i| count(r[i])),
        })
        .collect();

    Report {
        format: FORMAT,
        k,
        from,
        to,
        by,
        filters: ReportFilters {
            rules_version: filters.rules_version.clone(),
            locale: filters.locale.clone(),
        },
        suppression: rule_text(k),
        overview: Overview {
            started: count(started),
            completed: count(completed),
            completion_rate: percent(count(completed), count(started)),
            back: action(back),
            change: action(change),
            restart: action(restart),
            switch: action(switch),
            expired: count(expired),
            deleted: count(deleted),
        },
        funnel,
        outcomes: Outcomes {
            rows: outcome_rows,
            total: OutcomeTotal {
                by_status: ByStatus::from_fn(|s| count(status_totals[s])),
                total: count(all_results),
            },
        },
        languages: entries(&languages, started),
        sources: entries(&sources, started),
        switches: entries(&switches, switch),
        expired: entries(&expiries, expired),
        dimensions,
        series,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A tally of a few days of small counts over every metric a report reads.
    fn tally(values: &[u64]) -> Tally {
        let mut t = Tally::default();
        let mut next = values.iter().copied().cycle();
        let start = Date::new(2025, 3, 3).unwrap();
        for d in 0..3 {
            let day = start.add_days(d * 4);
            for locale in ["es", "en"] {
                let mut add = |metric: &str, key: &str| {
                    t.add(day, locale, metric, key, next.next().unwrap());
                };
                for source in ["flyer", "none"] {
                    add("started", source);
                }
                add("completed", "");
                for q in ["place", "passport"] {
                    add("shown", q);
                    add("answered", q);
                    add("answered_choice", &format!("{q}:yes"));
                    add("expired", q);
                }
                for (o, s) in [("visa", "open"), ("visa", "maybe"), ("asylum", "closed")] {
                    add("result", &format!("{o}:{s}"));
                    add("result_by", &format!("place=a|{o}:{s}"));
                    add("result_by", &format!("place=b|{o}:{s}"));
                }
                add("switch", "en");
                add("back", "");
            }
        }
        t
    }

    /// Every count the report prints.
    fn printed(report: &Report) -> Vec<u64> {
        let json = serde_json::to_value(report).unwrap();
        let mut out = Vec::new();
        fn walk(v: &serde_json::Value, key: &str, out: &mut Vec<u64>) {
            const RATES: [&str; 6] = [
                "share",
                "per_session",
                "completion_rate",
                "drop_off",
                "format",
                "k",
            ];
            match v {
                serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| walk(v, k, out)),
                serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, key, out)),
                serde_json::Value::Number(n) if !RATES.contains(&key) => {
                    out.push(n.as_u64().unwrap())
                }
                _ => {}
            }
        }
        walk(&json, "", &mut out);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Whole reports of small, mixed counts: suppression settles (its own audit is
        /// asserted in debug builds) and nothing from 1 to k−1 is printed.
        #[test]
        fn no_report_prints_a_small_count(
            values in prop::collection::vec(prop_oneof![3 => 0u64..6, 2 => 6u64..15, 1 => 15u64..80], 7..40),
            k in 3u32..12,
            by in prop_oneof![Just(By::Day), Just(By::Week)],
        ) {
            let report = build(&tally(&values), &Filters::default(), by, k);
            for n in printed(&report) {
                prop_assert!(n == 0 || n >= u64::from(k), "{} printed with k = {}", n, k);
            }
        }
    }
}
