//! Inline SVG charts for the HTML report: horizontal bars and lines over time.
//!
//! Each chart is drawn in a fixed coordinate system (`viewBox`) a phone shows at about its
//! natural size and a wide screen caps (`max-width` in the page's CSS). A suppressed count
//! draws nothing — no bar, a gap in a line — and is labelled as the tables label it, so a chart
//! never suggests a number the report does not print. Series differ by marker shape and dash
//! as well as colour; every chart has a `<title>`, a `<desc>` and an `aria-label`, and the
//! page puts the same numbers in a table beside it.

use std::fmt::Write as _;

use super::html::escape;
use crate::stats::report::Count;

/// The width of every chart's coordinate system.
const WIDTH: f64 = 400.0;

/// Text colour inside charts (17:1 on white).
pub const INK: &str = "#1b1b1b";
/// Grid lines: decoration only, the values are labelled.
const GRID: &str = "#d0d7de";

/// A series of a chart: its name, colour, and the drawing cues beside colour.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    /// `stroke-dasharray` of its line ("" for solid).
    pub dash: &'a str,
    pub marker: Marker,
    pub values: Vec<Count>,
}

/// The shape that marks a series' points (and its legend entry).
#[derive(Clone, Copy)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

fn marker(m: Marker, x: f64, y: f64, color: &str) -> String {
    match m {
        Marker::Circle => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{color}"/>"#),
        Marker::Square => format!(
            r#"<rect x="{:.1}" y="{:.1}" width="7" height="7" fill="{color}"/>"#,
            x - 3.5,
            y - 3.5
        ),
        Marker::Triangle => format!(
            r#"<path d="M{x:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}Z" fill="{color}"/>"#,
            y - 4.5,
            x + 4.5,
            y + 3.5,
            x - 4.5,
            y + 3.5
        ),
        Marker::Diamond => format!(
            r#"<path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z" fill="{color}"/>"#,
            y - 4.5,
            x + 4.5,
            y + 4.5,
            x - 4.5
        ),
    }
}

/// The opening `<svg>` with its text alternatives.
fn open(id: &str, height: f64, title: &str, desc: &str) -> String {
    format!(
        r#"<svg class="chart" id="{id}" viewBox="0 0 {WIDTH} {height:.0}" role="img" aria-label="{label}" aria-labelledby="{id}-title {id}-desc" font-size="13" fill="{INK}"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#,
        label = escape(&format!("{title}. {desc}")),
        title = escape(title),
        desc = escape(desc),
    )
}

/// A round number at or above `n`: 1, 2 or 5 times a power of ten.
fn nice(n: u64) -> u64 {
    let n = n.max(1);
    let mut step = 1u64;
    loop {
        for m in [1, 2, 5] {
            if step * m >= n {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// Horizontal bars: one block per row (its label above), one bar per series.
pub fn bars(id: &str, title: &str, desc: &str, series: &[Series], labels: &[String]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().filter_map(|c| c.value()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    // Room on the right for the value printed after the longest bar.
    let span = WIDTH - 70.0;
    let bar = 12.0;
    let block = 18.0 + series.len() as f64 * (bar + 3.0) + 8.0;
    let legend = if series.len() > 1 { 24.0 } else { 0.0 };
    let height = legend + block * labels.len() as f64;
    let mut svg = open(id, height, title, desc);
    if series.len() > 1 {
        let mut x = 0.0;
        for s in series {
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="4" width="12" height="12" fill="{}"/><text x="{:.1}" y="15">{}</text>"#,
                s.color,
                x + 16.0,
                escape(s.name)
            );
            x += 28.0 + 7.5 * s.name.chars().count() as f64;
        }
    }
    for (i, label) in labels.iter().enumerate() {
        let top = legend + block * i as f64;
        let _ = write!(
            svg,
            r#"<text x="0" y="{:.1}" font-weight="600">{}</text>"#,
            top + 14.0,
            escape(label)
        );
        for (j, s) in series.iter().enumerate() {
            let y = top + 20.0 + j as f64 * (bar + 3.0);
            let count = s.values[i];
            let w = count.value().map_or(0.0, |n| n as f64 / max * span);
            if w > 0.0 {
                let _ = write!(
                    svg,
                    r#"<rect class="bar" x="0" y="{y:.1}" width="{w:.1}" height="{bar}" fill="{}"><title>{}: {} {}</title></rect>"#,
                    s.color,
                    escape(label),
                    escape(s.name),
                    count
                );
            }
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" font-size="12">{}</text>"#,
                w + 4.0,
                y + 10.5,
                escape(&count.to_string())
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Lines over periods, one per series, broken where a count is suppressed.
pub fn lines(id: &str, title: &str, desc: &str, series: &[Series], periods: &[String]) -> String {
    let (left, right, top, bottom) = (44.0, 12.0, 34.0, 28.0);
    let height = 240.0;
    let (plot_w, plot_h) = (WIDTH - left - right, height - top - bottom);
    let max = nice(
        series
            .iter()
            .flat_map(|s| s.values.iter().filter_map(|c| c.value()))
            .max()
            .unwrap_or(0),
    ) as f64;
    let n = periods.len();
    let x = |i: usize| {
        if n <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: u64| top + plot_h - v as f64 / max * plot_h;
    let mut svg = open(id, height, title, desc);
    // Legend.
    let mut lx = 0.0;
    for s in series {
        let _ = write!(
            svg,
            r#"<line x1="{lx:.1}" y1="12" x2="{:.1}" y2="12" stroke="{}" stroke-width="2" stroke-dasharray="{}"/>{}<text x="{:.1}" y="16">{}</text>"#,
            lx + 22.0,
            s.color,
            s.dash,
            marker(s.marker, lx + 11.0, 12.0, s.color),
            lx + 26.0,
            escape(s.name)
        );
        lx += 34.0 + 7.5 * s.name.chars().count() as f64;
    }
    // Axes: grid at 0, half and the top, labelled.
    for v in [0.0, max / 2.0, max] {
        let gy = top + plot_h - v / max * plot_h;
        let _ = write!(
            svg,
            r#"<line x1="{left}" y1="{gy:.1}" x2="{:.1}" y2="{gy:.1}" stroke="{GRID}"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11">{}</text>"#,
            WIDTH - right,
            left - 6.0,
            gy + 4.0,
            v
        );
    }
    // At most four period labels, so they never overlap.
    let step = n.div_ceil(4).max(1);
    for (i, p) in periods.iter().enumerate() {
        // The last period too, when it is not too close to the last one labelled.
        let last = i + 1 == n && (n - 1) % step > step / 2;
        if i % step == 0 || last {
            let anchor = if n == 1 {
                "middle"
            } else if i == 0 {
                "start"
            } else if i + 1 == n {
                "end"
            } else {
                "middle"
            };
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="{anchor}" font-size="11">{}</text>"#,
                x(i),
                height - 8.0,
                escape(p)
            );
        }
    }
    for s in series {
        // Runs of printed values become polylines; a suppressed value breaks the line.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let flush = |run: &mut Vec<(f64, f64)>, svg: &mut String| {
            if run.len() > 1 {
                let points: Vec<String> =
                    run.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
                let _ = write!(
                    svg,
                    r#"<polyline class="line" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="{}" points="{}"/>"#,
                    s.color,
                    s.dash,
                    points.join(" ")
                );
            }
            run.clear();
        };
        for (i, c) in s.values.iter().enumerate() {
            match c.value() {
                Some(v) => run.push((x(i), y(v))),
                None => flush(&mut run, &mut svg),
            }
        }
        flush(&mut run, &mut svg);
        // Markers last, on top, each with its value as a tooltip.
        for (i, c) in s.values.iter().enumerate() {
            if let Some(v) = c.value() {
                let _ = write!(
                    svg,
                    r#"<g class="point"><title>{} {}: {}</title>{}</g>"#,
                    escape(s.name),
                    escape(&periods[i]),
                    v,
                    marker(s.marker, x(i), y(v), s.color)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_rounds_up_to_one_two_or_five() {
        assert_eq!(nice(0), 1);
        assert_eq!(nice(3), 5);
        assert_eq!(nice(10), 10);
        assert_eq!(nice(11), 20);
        assert_eq!(nice(420), 500);
    }

    #[test]
    fn suppressed_counts_draw_no_bar_and_break_lines() {
        let series = [Series {
            name: "shown",
            color: "#1f4e79",
            dash: "",
            marker: Marker::Circle,
            values: vec![Count::Value(50), Count::Below(10), Count::Hidden],
        }];
        let labels = ["a".to_string(), "b".to_string(), "c".to_string()];
        let svg = bars("t", "T", "D", &series, &labels);
        assert_eq!(svg.matches(r#"class="bar""#).count(), 1);
        assert!(svg.contains("&lt;10") && svg.contains("hidden"));
        let series = [Series {
            values: vec![
                Count::Value(5),
                Count::Value(7),
                Count::Below(10),
                Count::Value(9),
            ],
            ..series.into_iter().next().unwrap()
        }];
        let periods: Vec<String> = (1..=4).map(|i| format!("p{i}")).collect();
        let svg = lines("t", "T", "D", &series, &periods);
        assert_eq!(svg.matches("<polyline").count(), 1, "{svg}");
        assert_eq!(svg.matches(r#"class="point""#).count(), 3);
    }
}
