//! Printing a [`Report`]: a terminal table, CSV, JSON or one HTML file. Every format prints
//! the suppression rule and only what the report holds; none computes a number of its own
//! beyond formatting it.

mod csv;
mod html;
mod svg;
mod table;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use super::report::{Rate, Report};

/// An output format of `rumbo stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Table,
    Csv,
    Json,
    Html,
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        match s {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            _ => Err(format!(
                "`{s}` is not a format; use table, csv, json or html"
            )),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        })
    }
}

/// Writes `report` in `format`.
pub fn write(report: &Report, format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Table => table::write(report, out),
        Format::Csv => csv::write(report, out),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
            writeln!(out)
        }
        Format::Html => html::write(report, out),
    }
}

/// A percentage for people: `70.8%`, or `–` when it cannot be computed.
fn percent(rate: Rate) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{r:.1}%"))
}

/// A ratio for people: `0.35`, or `–`.
fn ratio(rate: Rate) -> String {
    rate.map_or_else(|| "–".to_string(), |r| format!("{r:.2}"))
}

/// Why a list with a total below k is empty.
fn not_broken_down(k: u32) -> String {
    format!("(not broken down: fewer than {k} in total)")
}

/// What an empty key means in the expiry list.
const NO_QUESTION: &str = "(before any question)";

/// The heading of the dimension combination `{q: c, …}`: `q=c, …`.
fn combination(dimensions: &std::collections::BTreeMap<String, String>) -> String {
    dimensions
        .iter()
        .map(|(q, c)| format!("{q}={c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The range of a report in words.
fn range(report: &Report) -> String {
    match (report.from, report.to) {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        _ => "no counters".to_string(),
    }
}

/// The filters in words.
fn filters(report: &Report) -> String {
    format!(
        "rules version {}, locale {}",
        report.filters.rules_version.as_deref().unwrap_or("any"),
        report.filters.locale.as_deref().unwrap_or("any")
    )
}
