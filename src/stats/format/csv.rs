//! The report as long CSV: `section,group,key,value`, one number per line, so a spreadsheet
//! can filter and pivot it. Suppressed counts are `<k` or `hidden`; a rate that cannot be
//! computed is empty.

use std::io::{self, Write};

use crate::stats::report::{Count, Rate, Report, STATUSES};

/// One field, quoted when it must be (RFC 4180). A text field a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@` first) gets a leading `'`, the usual guard.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

struct Csv<'a> {
    out: &'a mut dyn Write,
}

impl Csv<'_> {
    fn line(&mut self, section: &str, group: &str, key: &str, value: &str) -> io::Result<()> {
        writeln!(
            self.out,
            "{},{},{},{}",
            field(section),
            field(group),
            field(key),
            field(value)
        )
    }

    fn count(&mut self, section: &str, group: &str, key: &str, c: Count) -> io::Result<()> {
        self.line(section, group, key, &c.to_string())
    }

    fn rate(&mut self, section: &str, group: &str, key: &str, r: Rate) -> io::Result<()> {
        self.line(
            section,
            group,
            key,
            &r.map(|r| r.to_string()).unwrap_or_default(),
        )
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut csv = Csv { out };
    csv.line("section", "group", "key", "value")?;
    let date = |d: Option<crate::date::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    csv.line("meta", "", "format", &report.format.to_string())?;
    csv.line("meta", "", "k", &report.k.to_string())?;
    csv.line("meta", "", "from", &date(report.from))?;
    csv.line("meta", "", "to", &date(report.to))?;
    csv.line("meta", "", "by", &report.by.to_string())?;
    let f = &report.filters;
    csv.line(
        "meta",
        "filters",
        "rules_version",
        f.rules_version.as_deref().unwrap_or(""),
    )?;
    csv.line(
        "meta",
        "filters",
        "locale",
        f.locale.as_deref().unwrap_or(""),
    )?;
    csv.line("meta", "", "suppression", &report.suppression)?;

    let o = &report.overview;
    csv.count("overview", "", "started", o.started)?;
    csv.count("overview", "", "completed", o.completed)?;
    csv.rate("overview", "", "completion_rate", o.completion_rate)?;
    for (name, a) in [
        ("back", &o.back),
        ("change", &o.change),
        ("restart", &o.restart),
        ("switch", &o.switch),
    ] {
        csv.count("overview", name, "count", a.count)?;
        csv.rate("overview", name, "per_session", a.per_session)?;
    }
    csv.count("overview", "", "expired", o.expired)?;
    csv.count("overview", "", "deleted", o.deleted)?;

    for q in &report.funnel {
        csv.count("funnel", &q.question, "shown", q.shown)?;
        csv.count("funnel", &q.question, "answered", q.answered)?;
        csv.rate("funnel", &q.question, "drop_off", q.drop_off)?;
    }
    for q in &report.funnel {
        for c in &q.choices {
            csv.count("choices", &q.question, &c.key, c.count)?;
        }
        for c in &q.choices {
            csv.rate("choice_shares", &q.question, &c.key, c.share)?;
        }
    }

    for r in &report.outcomes.rows {
        for (status, c) in STATUSES.iter().zip(r.by_status.all()) {
            csv.count("outcomes", &r.outcome, status, c)?;
        }
        csv.count("outcomes", &r.outcome, "total", r.total)?;
    }
    let t = &report.outcomes.total;
    for (status, c) in STATUSES.iter().zip(t.by_status.all()) {
        csv.count("outcome_totals", "", status, c)?;
    }
    csv.count("outcome_totals", "", "total", t.total)?;

    for (section, shares, list) in [
        ("languages", "language_shares", &report.languages),
        ("sources", "source_shares", &report.sources),
        ("switches", "switch_shares", &report.switches),
        ("expired", "expired_shares", &report.expired),
    ] {
        for e in list {
            csv.count(section, "", &e.key, e.count)?;
        }
        for e in list {
            csv.rate(shares, "", &e.key, e.share)?;
        }
    }

    for d in &report.dimensions {
        let combo: Vec<String> = d
            .dimensions
            .iter()
            .map(|(q, c)| format!("{q}={c}"))
            .collect();
        let key = format!("{}:{}", d.outcome, d.status);
        csv.count("dimensions", &combo.join(","), &key, d.count)?;
    }

    for p in &report.series {
        csv.line("series", &p.period, "start", &p.start.to_string())?;
        csv.line("series", &p.period, "end", &p.end.to_string())?;
        csv.count("series", &p.period, "started", p.started)?;
        csv.count("series", &p.period, "completed", p.completed)?;
        for (status, c) in STATUSES.iter().zip(p.results.all()) {
            csv.count("series", &p.period, status, c)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=cmd()"), "'=cmd()");
        assert_eq!(field("<10"), "<10");
    }
}
