//! The periods of a report's time series: days, weeks (Monday to Sunday) or calendar months.

use std::fmt;
use std::str::FromStr;

use crate::date::Date;

/// How the time series groups days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Day,
    /// Weeks start on Monday (ISO 8601), labelled by that Monday.
    #[default]
    Week,
    /// Calendar months, labelled `YYYY-MM`.
    Month,
}

impl By {
    /// The first day of the period `day` falls in.
    pub fn start(self, day: Date) -> Date {
        match self {
            By::Day => day,
            // 1970-01-01 was a Thursday: three days after a Monday.
            By::Week => day.add_days(-(day.days_since_epoch() + 3).rem_euclid(7)),
            By::Month => Date::new(day.year(), day.month(), 1).expect("the 1st exists"),
        }
    }

    /// The first day of the period after the one starting on `start`.
    pub fn next(self, start: Date) -> Date {
        match self {
            By::Day => start.add_days(1),
            By::Week => start.add_days(7),
            By::Month => {
                let (y, m) = if start.month() == 12 {
                    (start.year() + 1, 1)
                } else {
                    (start.year(), start.month() + 1)
                };
                Date::new(y, m, 1).expect("the 1st exists")
            }
        }
    }

    /// The period's name: its first day, or `YYYY-MM` for a month.
    pub fn label(self, start: Date) -> String {
        match self {
            By::Day | By::Week => start.to_string(),
            By::Month => format!("{:04}-{:02}", start.year(), start.month()),
        }
    }

    /// Every period that meets `from..=to`, as (nominal start, first day in range, last day in
    /// range): the first and last periods may be cut by the range.
    pub fn periods(self, from: Date, to: Date) -> Vec<(Date, Date, Date)> {
        let mut out = Vec::new();
        let mut start = self.start(from);
        while start <= to {
            let next = self.next(start);
            out.push((start, start.max(from), next.add_days(-1).min(to)));
            start = next;
        }
        out
    }
}

impl FromStr for By {
    type Err = String;

    fn from_str(s: &str) -> Result<By, String> {
        match s {
            "day" => Ok(By::Day),
            "week" => Ok(By::Week),
            "month" => Ok(By::Month),
            _ => Err(format!("`{s}` is not a period; use day, week or month")),
        }
    }
}

impl fmt::Display for By {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            By::Day => "day",
            By::Week => "week",
            By::Month => "month",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        // 2025-01-15 is a Wednesday.
        assert_eq!(By::Week.start(d("2025-01-15")), d("2025-01-13"));
        assert_eq!(By::Week.start(d("2025-01-13")), d("2025-01-13"));
        assert_eq!(By::Week.start(d("2025-01-19")), d("2025-01-13"));
        assert_eq!(By::Month.start(d("2024-02-29")), d("2024-02-01"));
        assert_eq!(By::Month.next(d("2024-12-01")), d("2025-01-01"));
        assert_eq!(By::Month.label(d("2024-12-01")), "2024-12");
    }

    #[test]
    fn periods_cover_the_range_and_are_cut_by_it() {
        let weeks = By::Week.periods(d("2025-01-15"), d("2025-01-27"));
        assert_eq!(
            weeks,
            vec![
                (d("2025-01-13"), d("2025-01-15"), d("2025-01-19")),
                (d("2025-01-20"), d("2025-01-20"), d("2025-01-26")),
                (d("2025-01-27"), d("2025-01-27"), d("2025-01-27")),
            ]
        );
        assert_eq!(By::Day.periods(d("2025-01-01"), d("2025-01-03")).len(), 3);
        assert_eq!(By::Month.periods(d("2024-11-30"), d("2025-02-01")).len(), 4);
        assert!(By::Day.periods(d("2025-01-02"), d("2025-01-01")).is_empty());
    }
}
