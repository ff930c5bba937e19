//! The short plain-text summary the bot's `/stats` sends to its administrators.
//!
//! It is the same report as `rumbo stats` (same suppression), cut to what fits in a chat
//! message: sessions started and completed, results by status with the most frequent outcomes,
//! and languages. The administrators' language is English or Spanish; the words live here
//! rather than in the Fluent files because they are for the NGO's staff, not for the people
//! the bot serves.

use super::report::{Count, Report, STATUSES};
use super::{By, Filters, StatsError};
use crate::date::Date;

/// How many outcomes the summary names.
const TOP: usize = 5;

/// The words of the summary in one language.
struct Words {
    range: &'static str,
    started: &'static str,
    completed: &'static str,
    results: &'static str,
    top: &'static str,
    languages: &'static str,
    nothing: &'static str,
    hidden: &'static str,
    statuses: [&'static str; 4],
    rule: fn(u32) -> String,
}

const EN: Words = Words {
    range: "Statistics",
    started: "Sessions started",
    completed: "Completed",
    results: "Results",
    top: "Most frequent outcomes",
    languages: "Languages",
    nothing: "none",
    hidden: "hidden",
    statuses: ["open", "may apply", "upcoming", "closed"],
    rule: |k| {
        format!(
            "Counts below {k} are shown as <{k}; \"hidden\" hides a count so that a small one cannot be worked out."
        )
    },
};

const ES: Words = Words {
    range: "Estadísticas",
    started: "Sesiones iniciadas",
    completed: "Completadas",
    results: "Resultados",
    top: "Resultados más frecuentes",
    languages: "Idiomas",
    nothing: "ninguno",
    hidden: "oculto",
    statuses: ["abierta", "puede aplicar", "próxima", "cerrada"],
    rule: |k| {
        format!(
            "Las cifras menores que {k} se muestran como <{k}; \"oculto\" oculta una cifra para que no se pueda deducir otra pequeña."
        )
    },
};

impl Words {
    fn count(&self, c: Count) -> String {
        match c {
            Count::Hidden => self.hidden.to_string(),
            other => other.to_string(),
        }
    }
}

fn words(lang: &str) -> &'static Words {
    if lang.split(['-', '_']).next() == Some("es") {
        &ES
    } else {
        &EN
    }
}

/// A short summary of `from..=to` (inclusive), counts below `k` suppressed as in `rumbo stats`,
/// in `lang` (`es` or else English). `pool` may be the bot's own pool: this only reads.
pub async fn summary(
    pool: &super::Source,
    from: Date,
    to: Date,
    k: u32,
    lang: &str,
) -> Result<String, StatsError> {
    let filters = Filters {
        from: Some(from),
        to: Some(to),
        ..Filters::default()
    };
    let report = super::report(pool, &filters, By::Week, k).await?;
    Ok(render(&report, lang))
}

/// The summary of a report already built.
pub fn render(report: &Report, lang: &str) -> String {
    let w = words(lang);
    let o = &report.overview;
    let mut out = String::new();
    let range = match (report.from, report.to) {
        (Some(f), Some(t)) => format!("{f} – {t}"),
        _ => String::new(),
    };
    out.push_str(&format!("{} {range}\n", w.range));
    out.push_str(&format!("{}: {}\n", w.started, w.count(o.started)));
    let rate = o
        .completion_rate
        .map(|r| format!(" ({r}%)"))
        .unwrap_or_default();
    out.push_str(&format!(
        "{}: {}{rate}\n",
        w.completed,
        w.count(o.completed)
    ));
    let total = &report.outcomes.total;
    let statuses: Vec<String> = total
        .by_status
        .all()
        .iter()
        .zip(w.statuses)
        .map(|(c, name)| format!("{name} {}", w.count(*c)))
        .collect();
    out.push_str(&format!("{}: {}\n", w.results, statuses.join(", ")));
    out.push_str(&format!("{}:\n", w.top));
    let shown: Vec<_> = report
        .outcomes
        .rows
        .iter()
        .filter(|r| r.total.value().is_some_and(|n| n > 0))
        .take(TOP)
        .collect();
    if shown.is_empty() {
        out.push_str(&format!("  {}\n", w.nothing));
    }
    for row in shown {
        let parts: Vec<String> = row
            .by_status
            .all()
            .iter()
            .zip(w.statuses)
            .filter(|(c, _)| **c != Count::Value(0))
            .map(|(c, name)| format!("{name} {}", w.count(*c)))
            .collect();
        out.push_str(&format!(
            "  {}: {} ({})\n",
            row.outcome,
            w.count(row.total),
            parts.join(", ")
        ));
    }
    let languages: Vec<String> = report
        .languages
        .iter()
        .map(|e| format!("{} {}", e.key, w.count(e.count)))
        .collect();
    let languages = if languages.is_empty() {
        w.nothing.to_string()
    } else {
        languages.join(", ")
    };
    out.push_str(&format!("{}: {languages}\n", w.languages));
    out.push_str(&(w.rule)(report.k));
    debug_assert_eq!(STATUSES.len(), w.statuses.len());
    out
}
