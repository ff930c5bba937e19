//! The report as one self-contained HTML file: inline CSS and SVG, no script, no font, no
//! image, no link — the page's own Content-Security-Policy forbids loading anything, so a
//! reviewer can open it offline, mail it, or print it. Charts stand beside tables holding the
//! same numbers; the layout is one column on a phone and two on a wide screen.

use std::io::{self, Write};

use super::svg::{self, Marker, Series};
use super::{NO_QUESTION, combination, filters, not_broken_down, percent, range, ratio};
use crate::stats::report::{Count, Entry, Rate, Report, STATUSES};

/// Colours, each at least 4.5:1 against white (WCAG AA for text), except `SHOWN`, which is
/// only ever a bar next to its printed value (3:1 is the rule for graphics).
pub const ANSWERED: &str = "#1f4e79";
pub const SHOWN: &str = "#5b84b1";
pub const STARTED: &str = "#0969da";
pub const COMPLETED: &str = "#1a7f37";
pub const LANGUAGE: &str = "#6639ba";
/// One per status, in the order of [`STATUSES`].
pub const STATUS_COLORS: [&str; 4] = ["#1a7f37", "#9a6700", "#0969da", "#57606a"];
const STATUS_DASHES: [&str; 4] = ["", "6 3", "2 3", "8 3 2 3"];
const STATUS_MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
];

/// Escapes text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
:root { color: #1b1b1b; background: #fff; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 1rem; font: 1rem/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #1f4e79; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
p { margin: .25rem 0; }
.meta { color: #555; }
.rule { background: #f6f8fa; border-left: 4px solid #1f4e79; padding: .5rem .75rem; margin: 1rem 0; }
.pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr)); gap: 1rem 2rem; align-items: start; }
figure { margin: 0; }
figcaption { color: #555; font-size: .875rem; }
svg.chart { width: 100%; max-width: 32rem; height: auto; display: block; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; margin: .25rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #d0d7de; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; white-space: normal; }
thead th { border-bottom: 2px solid #57606a; white-space: normal; }
td.sup { color: #555; font-style: italic; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; margin: .5rem 0 1rem; padding: 0; }
.kpis div { border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem .75rem; }
.kpis dt { color: #555; font-size: .875rem; }
.kpis dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
footer { color: #555; font-size: .875rem; margin-top: 2rem; }
@media (max-width: 30rem) { body { padding: .75rem; } th, td { padding: .2rem .35rem; } }
@media print {
  @page { margin: 1.5cm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  figure, table, .kpis { break-inside: avoid; }
  .scroll { overflow: visible; }
  .pair { grid-template-columns: 1fr 1fr; }
  .rule { border: 1px solid #1f4e79; }
}
";

struct Page {
    html: String,
}

impl Page {
    fn push(&mut self, s: &str) {
        self.html.push_str(s);
        self.html.push('\n');
    }

    /// A table: a caption, a header row, then rows whose first cell is a row header.
    fn table(&mut self, caption: &str, header: &[&str], rows: &[Vec<Cell>]) {
        self.push(r#"<div class="scroll"><table>"#);
        self.push(&format!("<caption>{}</caption>", escape(caption)));
        let head: String = header
            .iter()
            .map(|h| format!(r#"<th scope="col">{}</th>"#, escape(h)))
            .collect();
        self.push(&format!("<thead><tr>{head}</tr></thead><tbody>"));
        for row in rows {
            let mut tr = String::from("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let (class, text) = match cell {
                    Cell::Text(t) => ("", t.clone()),
                    Cell::Count(c @ Count::Value(_)) => ("", c.to_string()),
                    Cell::Count(c) => (r#" class="sup""#, c.to_string()),
                    Cell::Rate(t) => ("", t.clone()),
                };
                if i == 0 {
                    tr.push_str(&format!(r#"<th scope="row">{}</th>"#, escape(&text)));
                } else {
                    tr.push_str(&format!("<td{class}>{}</td>", escape(&text)));
                }
            }
            tr.push_str("</tr>");
            self.push(&tr);
        }
        self.push("</tbody></table></div>");
    }

    fn section(&mut self, id: &str, title: &str) {
        self.push(&format!(
            r#"<section id="{id}" aria-labelledby="{id}-h"><h2 id="{id}-h">{}</h2>"#,
            escape(title)
        ));
    }

    fn end(&mut self) {
        self.push("</section>");
    }

    fn none(&mut self) {
        self.push("<p>None in this period.</p>");
    }
}

enum Cell {
    Text(String),
    Count(Count),
    Rate(String),
}

fn entry_rows(list: &[Entry]) -> Vec<Vec<Cell>> {
    list.iter()
        .map(|e| {
            let key = if e.key.is_empty() {
                NO_QUESTION.to_string()
            } else {
                e.key.clone()
            };
            vec![
                Cell::Text(key),
                Cell::Count(e.count),
                Cell::Rate(percent(e.share)),
            ]
        })
        .collect()
}

fn rate(r: Rate) -> Cell {
    Cell::Rate(percent(r))
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut page = Page {
        html: String::with_capacity(64 * 1024),
    };
    let title = format!("Rumbo statistics, {}", range(report));
    page.push("<!doctype html>");
    page.push(r#"<html lang="en">"#);
    page.push("<head>");
    page.push(r#"<meta charset="utf-8">"#);
    page.push(r#"<meta name="viewport" content="width=device-width, initial-scale=1">"#);
    page.push(
        r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">"#,
    );
    page.push(r#"<meta name="referrer" content="no-referrer">"#);
    page.push(&format!("<title>{}</title>", escape(&title)));
    page.push(&format!("<style>{STYLE}</style>"));
    page.push("</head>");
    page.push("<body>");
    page.push("<header>");
    page.push("<h1>Rumbo statistics</h1>");
    page.push(&format!(
        r#"<p class="meta">{}, by {} · {}</p>"#,
        escape(&range(report)),
        report.by,
        escape(&filters(report))
    ));
    page.push(&format!(
        r#"<p class="rule"><strong>Privacy.</strong> {}</p>"#,
        escape(&report.suppression)
    ));
    page.push("</header>");
    page.push("<main>");

    // Sessions.
    let o = &report.overview;
    page.section("sessions", "Sessions");
    page.push(r#"<dl class="kpis">"#);
    for (name, value) in [
        ("Started", o.started.to_string()),
        ("Completed", o.completed.to_string()),
        ("Completion rate", percent(o.completion_rate)),
        ("Deleted", o.deleted.to_string()),
    ] {
        page.push(&format!(
            "<div><dt>{name}</dt><dd>{}</dd></div>",
            escape(&value)
        ));
    }
    page.push("</dl>");
    let mut rows = vec![
        vec![
            Cell::Text("started".into()),
            Cell::Count(o.started),
            Cell::Rate(String::new()),
        ],
        vec![
            Cell::Text("completed".into()),
            Cell::Count(o.completed),
            Cell::Rate(format!("{} of started", percent(o.completion_rate))),
        ],
    ];
    for (name, a) in [
        ("back", &o.back),
        ("change answer", &o.change),
        ("restart", &o.restart),
        ("language switch", &o.switch),
    ] {
        rows.push(vec![
            Cell::Text(name.into()),
            Cell::Count(a.count),
            Cell::Rate(format!("{} per session", ratio(a.per_session))),
        ]);
    }
    rows.push(vec![
        Cell::Text("expired unfinished".into()),
        Cell::Count(o.expired),
        Cell::Rate(String::new()),
    ]);
    rows.push(vec![
        Cell::Text("deleted".into()),
        Cell::Count(o.deleted),
        Cell::Rate(String::new()),
    ]);
    page.table("Sessions and actions", &["", "count", "rate"], &rows);
    page.end();

    // Funnel.
    page.section("funnel", "Funnel");
    page.push(
        r#"<p class="meta">Questions in the order of how often they were shown (the rules file is not read by the report). Drop-off: shown but not answered, per 100 shown.</p>"#,
    );
    if report.funnel.is_empty() {
        page.none();
    } else {
        page.push(r#"<div class="pair"><figure>"#);
        let labels: Vec<String> = report.funnel.iter().map(|q| q.question.clone()).collect();
        page.push(&svg::bars(
            "chart-funnel",
            "Funnel: times each question was shown and answered",
            "Horizontal bars, two per question: shown, then answered. Counts that are not shown have no bar. The table next to the chart has the same numbers.",
            &[
                Series {
                    name: "shown",
                    color: SHOWN,
                    dash: "",
                    marker: Marker::Square,
                    values: report.funnel.iter().map(|q| q.shown).collect(),
                },
                Series {
                    name: "answered",
                    color: ANSWERED,
                    dash: "",
                    marker: Marker::Square,
                    values: report.funnel.iter().map(|q| q.answered).collect(),
                },
            ],
            &labels,
        ));
        page.push("<figcaption>Times shown and answered, per question.</figcaption></figure>");
        let rows: Vec<Vec<Cell>> = report
            .funnel
            .iter()
            .map(|q| {
                vec![
                    Cell::Text(q.question.clone()),
                    Cell::Count(q.shown),
                    Cell::Count(q.answered),
                    rate(q.drop_off),
                ]
            })
            .collect();
        page.table(
            "Funnel",
            &["question", "shown", "answered", "drop-off"],
            &rows,
        );
        page.push("</div>");
    }
    page.end();

    // Answers per choice.
    page.section("answers", "Answers per choice");
    let with_choices: Vec<_> = report
        .funnel
        .iter()
        .filter(|q| !q.choices.is_empty())
        .collect();
    if with_choices.is_empty() {
        page.none();
    } else {
        page.push(r#"<div class="pair">"#);
        for q in with_choices {
            page.table(
                &q.question,
                &["choice", "answers", "share"],
                &entry_rows(&q.choices),
            );
        }
        page.push("</div>");
    }
    page.end();

    // Outcomes.
    page.section("outcomes", "Results by outcome and status");
    page.push(r#"<p class="meta">Each outcome shown on a result screen, by its status on that screen.</p>"#);
    if report.outcomes.rows.is_empty() {
        page.none();
    } else {
        let row = |name: &str, counts: [Count; 4], total: Count| {
            let mut r = vec![Cell::Text(name.to_string())];
            r.extend(counts.iter().map(|&c| Cell::Count(c)));
            r.push(Cell::Count(total));
            r
        };
        let mut rows: Vec<Vec<Cell>> = report
            .outcomes
            .rows
            .iter()
            .map(|r| row(&r.outcome, r.by_status.all(), r.total))
            .collect();
        let t = &report.outcomes.total;
        rows.push(row("all outcomes", t.by_status.all(), t.total));
        let mut header = vec!["outcome"];
        header.extend(STATUSES);
        header.push("total");
        page.table("Results by outcome and status", &header, &rows);
    }
    page.end();

    // Over time.
    page.section("over-time", "Over time");
    if report.series.is_empty() {
        page.none();
    } else {
        let periods: Vec<String> = report.series.iter().map(|p| p.period.clone()).collect();
        page.push(r#"<div class="pair"><figure>"#);
        page.push(&svg::lines(
            "chart-sessions",
            &format!("Sessions started and completed, by {}", report.by),
            "Two lines over time: started (circles, solid) and completed (squares, dashed). A gap is a count that is not shown. The table below has the same numbers.",
            &[
                Series {
                    name: "started",
                    color: STARTED,
                    dash: "",
                    marker: Marker::Circle,
                    values: report.series.iter().map(|p| p.started).collect(),
                },
                Series {
                    name: "completed",
                    color: COMPLETED,
                    dash: "6 3",
                    marker: Marker::Square,
                    values: report.series.iter().map(|p| p.completed).collect(),
                },
            ],
            &periods,
        ));
        page.push(&format!(
            "<figcaption>Sessions per {}.</figcaption></figure><figure>",
            report.by
        ));
        let series: Vec<Series> = (0..4)
            .map(|s| Series {
                name: STATUSES[s],
                color: STATUS_COLORS[s],
                dash: STATUS_DASHES[s],
                marker: STATUS_MARKERS[s],
                values: report.series.iter().map(|p| p.results.all()[s]).collect(),
            })
            .collect();
        page.push(&svg::lines(
            "chart-outcomes",
            &format!("Results by status, by {}", report.by),
            "Four lines over time, one per status: open (circles, solid), maybe (squares, dashed), upcoming (triangles, dotted), closed (diamonds, dash-dot). A gap is a count that is not shown. The table below has the same numbers.",
            &series,
            &periods,
        ));
        page.push(&format!(
            "<figcaption>Results reached per {}, all outcomes, by status.</figcaption></figure></div>",
            report.by
        ));
        let rows: Vec<Vec<Cell>> = report
            .series
            .iter()
            .map(|p| {
                let mut r = vec![
                    Cell::Text(p.period.clone()),
                    Cell::Count(p.started),
                    Cell::Count(p.completed),
                ];
                r.extend(p.results.all().iter().map(|&c| Cell::Count(c)));
                r
            })
            .collect();
        let by = report.by.to_string();
        let mut header = vec![by.as_str(), "started", "completed"];
        header.extend(STATUSES);
        page.table("Sessions and results over time", &header, &rows);
    }
    page.end();

    // Languages.
    page.section("languages", "Languages");
    if report.languages.is_empty() && matches!(o.started, Count::Below(_)) {
        page.push(&format!("<p>{}</p>", escape(&not_broken_down(report.k))));
    } else if report.languages.is_empty() {
        page.none();
    } else {
        page.push(r#"<div class="pair"><figure>"#);
        let labels: Vec<String> = report.languages.iter().map(|e| e.key.clone()).collect();
        page.push(&svg::bars(
            "chart-languages",
            "Sessions started per language",
            "Horizontal bars, one per language. Counts that are not shown have no bar. The table next to the chart has the same numbers.",
            &[Series {
                name: "started",
                color: LANGUAGE,
                dash: "",
                marker: Marker::Square,
                values: report.languages.iter().map(|e| e.count).collect(),
            }],
            &labels,
        ));
        page.push("<figcaption>Sessions started, per language.</figcaption></figure>");
        page.table(
            "Languages",
            &["locale", "started", "share"],
            &entry_rows(&report.languages),
        );
        page.push("</div>");
    }
    page.end();

    for (id, title, caption, column, list, total) in [
        (
            "sources",
            "Sources",
            "Sessions started, per deep-link source (other: an unknown code; none: no code)",
            "source",
            &report.sources,
            o.started,
        ),
        (
            "switches",
            "Language switches",
            "Switches, per language switched to",
            "locale",
            &report.switches,
            o.switch.count,
        ),
        (
            "expired",
            "Expired unfinished",
            "Sessions that expired unfinished, per question they stopped at",
            "question",
            &report.expired,
            o.expired,
        ),
    ] {
        page.section(id, title);
        if list.is_empty() && matches!(total, Count::Below(_)) {
            page.push(&format!("<p>{}</p>", escape(&not_broken_down(report.k))));
        } else if list.is_empty() {
            page.none();
        } else {
            page.push(&format!(r#"<p class="meta">{}.</p>"#, escape(caption)));
            page.table(title, &[column, "count", "share"], &entry_rows(list));
        }
        page.end();
    }

    page.section("dimensions", "Results by report dimensions");
    if report.dimensions.is_empty() {
        page.none();
    } else {
        let rows: Vec<Vec<Cell>> = report
            .dimensions
            .iter()
            .map(|d| {
                vec![
                    Cell::Text(combination(&d.dimensions)),
                    Cell::Text(d.outcome.clone()),
                    Cell::Text(d.status.clone()),
                    Cell::Count(d.count),
                ]
            })
            .collect();
        page.push(r#"<p class="meta">Results per combination of answers to the questions the rules name as report dimensions.</p>"#);
        page.table(
            "Results by report dimensions",
            &["answers", "outcome", "status", "count"],
            &rows,
        );
    }
    page.end();

    page.push("</main>");
    page.push(&format!(
        "<footer>Made by rumbo stats (report format {}). No person can be identified from these counters; see the privacy note at the top.</footer>",
        report.format
    ));
    page.push("</body>");
    page.push("</html>");
    out.write_all(page.html.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap()) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast_on_white(hex: &str) -> f64 {
        1.05 / (luminance(hex) + 0.05)
    }

    #[test]
    fn colours_meet_wcag_aa_on_white() {
        for c in [ANSWERED, STARTED, COMPLETED, LANGUAGE, svg::INK, "#555555"]
            .iter()
            .chain(&STATUS_COLORS)
        {
            assert!(contrast_on_white(c) >= 4.5, "{c}: {}", contrast_on_white(c));
        }
        // Bars beside their printed value: the 3:1 of non-text contrast.
        assert!(contrast_on_white(SHOWN) >= 3.0);
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
