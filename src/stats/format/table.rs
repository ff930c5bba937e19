//! The report as plain-text tables for a terminal (or an e-mail).

use std::io::{self, Write};

use super::{NO_QUESTION, combination, filters, not_broken_down, percent, range, ratio};
use crate::stats::report::{Count, Report, STATUSES};

/// Writes one titled table; the first column is left-aligned, the others right-aligned.
fn table(
    out: &mut dyn Write,
    title: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{title}")?;
    if rows.is_empty() {
        writeln!(out, "  (none)")?;
        return Ok(());
    }
    let width = |i: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .chain([header[i].chars().count()])
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: Vec<&str>| -> String {
        let mut s = String::from(" ");
        for (i, cell) in cells.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            s.push(' ');
            if i == 0 {
                s.push_str(cell);
                s.push_str(&" ".repeat(pad));
            } else {
                s.push_str(&" ".repeat(pad + 1));
                s.push_str(cell);
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    let rule: usize = widths.iter().sum::<usize>() + 2 * widths.len() - 1;
    writeln!(out, "  {}", "-".repeat(rule))?;
    for row in rows {
        writeln!(out, "{}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Rumbo statistics, {} (by {})",
        range(report),
        report.by
    )?;
    writeln!(out, "Filters: {}", filters(report))?;
    writeln!(out, "{}", report.suppression)?;

    let o = &report.overview;
    let mut rows = vec![
        vec!["started".into(), o.started.to_string(), String::new()],
        vec![
            "completed".into(),
            o.completed.to_string(),
            format!("{} of started", percent(o.completion_rate)),
        ],
    ];
    for (name, a) in [
        ("back", &o.back),
        ("change answer", &o.change),
        ("restart", &o.restart),
        ("language switch", &o.switch),
    ] {
        rows.push(vec![
            name.into(),
            a.count.to_string(),
            format!("{} per session", ratio(a.per_session)),
        ]);
    }
    rows.push(vec![
        "expired unfinished".into(),
        o.expired.to_string(),
        String::new(),
    ]);
    rows.push(vec!["deleted".into(), o.deleted.to_string(), String::new()]);
    table(out, "Sessions", &["", "count", "rate"], &rows)?;

    let rows: Vec<Vec<String>> = report
        .funnel
        .iter()
        .map(|q| {
            vec![
                q.question.clone(),
                q.shown.to_string(),
                q.answered.to_string(),
                percent(q.drop_off),
            ]
        })
        .collect();
    table(
        out,
        "Funnel (questions by times shown)",
        &["question", "shown", "answered", "drop-off"],
        &rows,
    )?;

    let rows: Vec<Vec<String>> = report
        .funnel
        .iter()
        .flat_map(|q| {
            q.choices.iter().map(|c| {
                vec![
                    format!("{} / {}", q.question, c.key),
                    c.count.to_string(),
                    percent(c.share),
                ]
            })
        })
        .collect();
    table(
        out,
        "Answers (share of the question's answers)",
        &["question / choice", "answers", "share"],
        &rows,
    )?;

    let status_row = |name: String, counts: [Count; 4], total| {
        let mut row = vec![name];
        row.extend(counts.iter().map(|c| c.to_string()));
        row.push(format!("{total}"));
        row
    };
    let mut rows: Vec<Vec<String>> = report
        .outcomes
        .rows
        .iter()
        .map(|r| status_row(r.outcome.clone(), r.by_status.all(), r.total))
        .collect();
    if !rows.is_empty() {
        let t = &report.outcomes.total;
        rows.push(status_row(
            "(all outcomes)".into(),
            t.by_status.all(),
            t.total,
        ));
    }
    let mut header = vec!["outcome"];
    header.extend(STATUSES);
    header.push("total");
    table(out, "Results by outcome and status", &header, &rows)?;

    for (title, column, list, total) in [
        (
            "Languages (sessions started)",
            "locale",
            &report.languages,
            o.started,
        ),
        (
            "Sources (sessions started)",
            "source",
            &report.sources,
            o.started,
        ),
        (
            "Language switches (to)",
            "locale",
            &report.switches,
            o.switch.count,
        ),
        (
            "Expired unfinished (at question)",
            "question",
            &report.expired,
            o.expired,
        ),
    ] {
        if list.is_empty() && matches!(total, Count::Below(_)) {
            writeln!(out)?;
            writeln!(out, "{title}")?;
            writeln!(out, "  {}", not_broken_down(report.k))?;
            continue;
        }
        let rows: Vec<Vec<String>> = list
            .iter()
            .map(|e| {
                let key = if e.key.is_empty() {
                    NO_QUESTION.to_string()
                } else {
                    e.key.clone()
                };
                vec![key, e.count.to_string(), percent(e.share)]
            })
            .collect();
        table(out, title, &[column, "count", "share"], &rows)?;
    }

    let rows: Vec<Vec<String>> = report
        .dimensions
        .iter()
        .map(|d| {
            vec![
                combination(&d.dimensions),
                d.outcome.clone(),
                d.status.clone(),
                d.count.to_string(),
            ]
        })
        .collect();
    table(
        out,
        "Results by report dimensions",
        &["answers", "outcome", "status", "count"],
        &rows,
    )?;

    let rows: Vec<Vec<String>> = report
        .series
        .iter()
        .map(|p| {
            let mut row = vec![
                p.period.clone(),
                p.started.to_string(),
                p.completed.to_string(),
            ];
            row.extend(p.results.all().iter().map(|c| c.to_string()));
            row
        })
        .collect();
    let mut header = vec![report.by.to_string(), "started".into(), "completed".into()];
    header.extend(STATUSES.iter().map(|s| s.to_string()));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    table(out, "Over time (results by status)", &header, &rows)?;
    Ok(())
}
