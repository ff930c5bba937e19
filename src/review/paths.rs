//! `rumbo paths`: the merged table of every answer path, as text, CSV or JSON.

use std::io::{self, Write};

use super::{Cell, Column, NOT_ASKED, Outcomes, Table};
use crate::date::Date;

/// Output formats of `rumbo paths` and `rumbo diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// The columns worth printing: a question not asked on any row says nothing.
pub fn shown_columns<R>(table: &Table<R>) -> Vec<usize> {
    (0..table.columns.len())
        .filter(|&i| table.rows.iter().any(|r| r.cells[i] != NOT_ASKED))
        .collect()
}

/// A result in one cell: `outcome: status` joined by `; `.
pub fn result_text(result: &Outcomes) -> String {
    if result.is_empty() {
        return "(nothing)".into();
    }
    result
        .iter()
        .map(|s| s.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Writes the table in `format`. `raw` is the number of answer paths walked.
pub fn write(
    table: &Table<Outcomes>,
    as_of: Date,
    format: Format,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    let raw: u64 = table.rows.iter().map(|r| r.paths).sum();
    match format {
        Format::Table => {
            let cols = shown_columns(table);
            let mut grid: Vec<Vec<String>> = Vec::with_capacity(table.rows.len() + 1);
            let mut header = vec!["#".to_string(), "paths".to_string()];
            header.extend(cols.iter().map(|&c| table.columns[c].id.clone()));
            header.push("result".into());
            grid.push(header);
            for (i, row) in table.rows.iter().enumerate() {
                let mut line = vec![(i + 1).to_string(), row.paths.to_string()];
                line.extend(cols.iter().map(|&c| table.columns[c].show(row.cells[c])));
                line.push(result_text(&row.result));
                grid.push(line);
            }
            writeln!(
                out,
                "As of {as_of}: {} rows for {raw} answer paths. `—` not asked; `any` asked, every answer the same.",
                table.rows.len()
            )?;
            let hidden = table.columns.len() - cols.len();
            if hidden > 0 {
                writeln!(
                    out,
                    "Not asked on any path (left out): {}",
                    (0..table.columns.len())
                        .filter(|c| !cols.contains(c))
                        .map(|c| table.columns[c].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )?;
            }
            write_grid(&grid, out)
        }
        Format::Csv => {
            let mut header = vec!["row".to_string(), "paths".to_string()];
            header.extend(table.columns.iter().map(|c| c.id.clone()));
            header.push("result".into());
            writeln!(out, "{}", csv_line(&header))?;
            for (i, row) in table.rows.iter().enumerate() {
                let mut line = vec![(i + 1).to_string(), row.paths.to_string()];
                line.extend(
                    table
                        .columns
                        .iter()
                        .zip(&row.cells)
                        .map(|(col, &cell)| col.show(cell)),
                );
                line.push(result_text(&row.result));
                writeln!(out, "{}", csv_line(&line))?;
            }
            Ok(())
        }
        Format::Json => {
            let rows: Vec<serde_json::Value> = table
                .rows
                .iter()
                .map(|row| {
                    serde_json::json!({
                        "paths": row.paths,
                        "answers": answers_json(&table.columns, &row.cells),
                        "result": row.result,
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "format": 1,
                "as_of": as_of.to_string(),
                "raw_paths": raw,
                "rows": rows,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}

/// Answers of a row as JSON: question id → `null` (not asked), `"any"`, or a list of choices.
pub fn answers_json(columns: &[Column], cells: &[Cell]) -> serde_json::Value {
    let mut map = serde_json::Map::new();
    for (col, &cell) in columns.iter().zip(cells) {
        let value = if cell == NOT_ASKED {
            serde_json::Value::Null
        } else if cell == col.all() {
            "any".into()
        } else {
            col.chosen(cell).into()
        };
        map.insert(col.id.clone(), value);
    }
    map.into()
}

/// Left-aligned columns separated by two spaces, the last column unpadded.
pub fn write_grid(grid: &[Vec<String>], out: &mut (impl Write + ?Sized)) -> io::Result<()> {
    let n = grid.first().map_or(0, Vec::len);
    let mut widths = vec![0usize; n];
    for line in grid {
        for (w, cell) in widths.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for line in grid {
        let mut text = String::new();
        for (i, cell) in line.iter().enumerate() {
            if i + 1 == line.len() {
                text.push_str(cell);
            } else {
                text.push_str(cell);
                let pad = widths[i] - cell.chars().count() + 2;
                text.extend(std::iter::repeat_n(' ', pad));
            }
        }
        writeln!(out, "{}", text.trim_end())?;
    }
    Ok(())
}

/// One CSV line (RFC 4180 quoting).
pub fn csv_line(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// How `rumbo paths` groups its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum By {
    /// One table: every distinct result (all outcomes together).
    Path,
    /// One table per outcome: the answers that show it, with its status. Questions that do
    /// not matter to that outcome become `any`, so each programme reads on its own.
    Outcome,
}

/// Per outcome (ids in file order, with the questions each one's table keeps): the merged rows
/// of the raw table where it is shown, each with only that outcome as its result. Outcomes
/// never shown are left out.
///
/// An outcome's status depends only on the questions its condition reads, and whether it is
/// shown at all also on the `stop` outcomes. So its table keeps only `keep` (those questions)
/// when that is exact: every raw path that agrees on them gets the same status or none.
/// Otherwise it keeps every question. The other questions are left out of that table.
pub fn by_outcome(
    raw: &Table<Outcomes>,
    outcomes: &[(String, Vec<usize>)],
) -> Vec<(String, Table<Outcomes>)> {
    let mut out = Vec::new();
    for (id, keep) in outcomes {
        let shown = |r: &super::Row<Outcomes>| r.result.iter().find(|s| &s.outcome == id).cloned();
        let project = |cells: &[Cell]| -> Vec<Cell> {
            cells
                .iter()
                .enumerate()
                .map(|(i, &c)| if keep.contains(&i) { c } else { NOT_ASKED })
                .collect()
        };
        let mut seen: std::collections::HashMap<Vec<Cell>, Option<super::Shown>> =
            std::collections::HashMap::new();
        let exact = raw.rows.iter().all(|r| {
            let s = shown(r);
            seen.entry(project(&r.cells)).or_insert_with(|| s.clone()) == &s
        });
        let rows: Vec<_> = raw
            .rows
            .iter()
            .filter_map(|r| {
                Some(super::Row {
                    cells: if exact {
                        project(&r.cells)
                    } else {
                        r.cells.clone()
                    },
                    result: vec![shown(r)?],
                    paths: r.paths,
                })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        // Projected rows that agree on every kept question are the same row.
        let mut unique: Vec<super::Row<Outcomes>> = Vec::new();
        let mut at: std::collections::HashMap<Vec<Cell>, usize> = std::collections::HashMap::new();
        for row in rows {
            match at.get(&row.cells) {
                Some(&i) => unique[i].paths += row.paths,
                None => {
                    at.insert(row.cells.clone(), unique.len());
                    unique.push(row);
                }
            }
        }
        out.push((
            id.clone(),
            Table {
                columns: raw.columns.clone(),
                rows: super::merge(unique),
            },
        ));
    }
    out
}

/// The questions an outcome's table keeps (`by_outcome`): those its condition reads and those
/// of every `stop` outcome, by column index.
pub fn outcome_columns(rules: &crate::rules::Rules) -> Vec<(String, Vec<usize>)> {
    let mut stops: Vec<usize> = Vec::new();
    for o in rules.outcomes.iter().filter(|o| o.stop) {
        stops.extend(o.when.reads().into_iter().map(usize::from));
    }
    rules
        .outcomes
        .iter()
        .map(|o| {
            let mut keep: Vec<usize> = o.when.reads().into_iter().map(usize::from).collect();
            keep.extend(&stops);
            keep.sort_unstable();
            keep.dedup();
            (o.id.clone(), keep)
        })
        .collect()
}

/// Writes the per-outcome tables (`--by outcome`).
pub fn write_by_outcome(
    tables: &[(String, Table<Outcomes>)],
    raw_paths: u64,
    as_of: Date,
    format: Format,
    out: &mut (impl Write + ?Sized),
) -> io::Result<()> {
    match format {
        Format::Table => {
            let rows: usize = tables.iter().map(|(_, t)| t.rows.len()).sum();
            writeln!(
                out,
                "As of {as_of}: {rows} rows in {} outcome tables, for {raw_paths} answer paths. `—` not asked; `any` asked, every answer the same.",
                tables.len()
            )?;
            for (id, table) in tables {
                writeln!(out, "\n{id}")?;
                let cols = shown_columns(table);
                let mut grid = vec![{
                    let mut h = vec!["paths".to_string(), "status".to_string()];
                    h.extend(cols.iter().map(|&c| table.columns[c].id.clone()));
                    h
                }];
                for row in &table.rows {
                    let shown = &row.result[0];
                    let status = match shown.opens_on {
                        Some(d) => format!("{} ({d})", shown.status.name()),
                        None => shown.status.name().to_string(),
                    };
                    let mut line = vec![row.paths.to_string(), status];
                    line.extend(cols.iter().map(|&c| table.columns[c].show(row.cells[c])));
                    grid.push(line);
                }
                write_grid(&grid, out)?;
            }
            Ok(())
        }
        Format::Csv => {
            let columns = tables
                .first()
                .map(|(_, t)| t.columns.as_slice())
                .unwrap_or(&[]);
            let mut header = vec![
                "outcome".to_string(),
                "status".into(),
                "opens_on".into(),
                "paths".into(),
            ];
            header.extend(columns.iter().map(|c| c.id.clone()));
            writeln!(out, "{}", csv_line(&header))?;
            for (id, table) in tables {
                for row in &table.rows {
                    let shown = &row.result[0];
                    let mut line = vec![
                        id.clone(),
                        shown.status.name().to_string(),
                        shown.opens_on.map(|d| d.to_string()).unwrap_or_default(),
                        row.paths.to_string(),
                    ];
                    line.extend(
                        columns
                            .iter()
                            .zip(&row.cells)
                            .map(|(c, &cell)| c.show(cell)),
                    );
                    writeln!(out, "{}", csv_line(&line))?;
                }
            }
            Ok(())
        }
        Format::Json => {
            let outcomes: Vec<serde_json::Value> = tables
                .iter()
                .map(|(id, table)| {
                    serde_json::json!({
                        "outcome": id,
                        "rows": table.rows.iter().map(|row| serde_json::json!({
                            "paths": row.paths,
                            "status": row.result[0].status,
                            "opens_on": row.result[0].opens_on.map(|d| d.to_string()),
                            "answers": answers_json(&table.columns, &row.cells),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "format": 1,
                "as_of": as_of.to_string(),
                "raw_paths": raw_paths,
                "outcomes": outcomes,
            });
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    }
}
