//! Calendar dates (proleptic Gregorian, no time zone, no clock).
//!
//! The rules speak in days: a programme opens on a day and closes on a day, a source was read on
//! a day. Nothing in the core reads the system clock; "today" is always passed in.

use std::fmt;
use std::str::FromStr;

/// A calendar day. Ordered; `Display` and `FromStr` use ISO 8601 (`2023-10-18`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a text is not a date: the whole message, naming the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(pub String);

impl DateError {
    fn format(text: &str) -> DateError {
        DateError(format!(
            "`{text}` is not a date; write it as YYYY-MM-DD, for example 2023-10-18"
        ))
    }
}

impl Date {
    /// Later than any date a rules file can name: what `opens:` conditions are compared with
    /// to ask "once everything has opened". Never shown to anyone.
    pub const MAX: Date = Date {
        year: i32::MAX,
        month: 12,
        day: 31,
    };

    /// A date, if the day exists (`2023-02-29` does not).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// The date `days` later (earlier when negative).
    pub fn add_days(self, days: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// Whole days from `earlier` to `self`.
    pub fn days_after(self, earlier: Date) -> i64 {
        self.days_since_epoch() - earlier.days_since_epoch()
    }

    /// Today in UTC, from the system clock. Only the edges of the program (CLI, bot) call this.
    pub fn today_utc() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs / 86_400) as i64)
    }
}

/// How exactly a source dates an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Day,
    /// Only the month is known ("closed in January 2025").
    Month,
}

/// A date as a source gives it: a day (`2025-01-20`) or only a month (`2025-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    /// The day, or the first day of the month.
    pub first: Date,
    pub precision: Precision,
}

impl Day {
    /// The first day that surely comes after the event began: the day itself, or the first
    /// day of the following month.
    pub fn surely_after(self) -> Date {
        match self.precision {
            Precision::Day => self.first,
            Precision::Month => {
                let (y, m) = if self.first.month == 12 {
                    (self.first.year + 1, 1)
                } else {
                    (self.first.year, self.first.month + 1)
                };
                Date {
                    year: y,
                    month: m,
                    day: 1,
                }
            }
        }
    }

    /// The earliest day the event may have happened: the day itself, or the first of the month.
    pub fn earliest(self) -> Date {
        self.first
    }
}

impl FromStr for Day {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Day, DateError> {
        if s.len() == 7 {
            let first: Date = format!("{s}-01")
                .parse()
                .map_err(|_| DateError::format(s))?;
            return Ok(Day {
                first,
                precision: Precision::Month,
            });
        }
        Ok(Day {
            first: s.parse()?,
            precision: Precision::Day,
        })
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.precision {
            Precision::Day => self.first.fmt(f),
            Precision::Month => write!(f, "{:04}-{:02}", self.first.year, self.first.month),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<Day>().map_err(|e| {
            if text.len() == 10 {
                serde::de::Error::custom(e)
            } else {
                serde::de::Error::custom(format!(
                    "`{text}` is not a date; write YYYY-MM-DD, or YYYY-MM when the sources give only the month"
                ))
            }
        })
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        let bad = || DateError::format(s);
        let bytes = s.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(bad());
        }
        let digits = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let part = &s[r];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        if !(1..=12).contains(&m) {
            return Err(DateError(format!(
                "`{s}` is not a date: there is no month {m}"
            )));
        }
        Date::new(y as i32, m as u8, d as u8).ok_or_else(|| {
            let days = days_in_month(y as i32, m as u8);
            DateError(format!("`{s}` is not a date: that month has {days} days"))
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Date {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_iso_dates() {
        let d: Date = "2023-10-18".parse().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (2023, 10, 18));
        assert_eq!(d.to_string(), "2023-10-18");
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-1-01",
            "18/10/2023",
            "",
            "2023-10-18x",
            "+023-10-18",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
        assert!("2024-02-29".parse::<Date>().is_ok());
    }

    #[test]
    fn impossible_days_say_why() {
        assert_eq!(
            "2026-11-31".parse::<Date>().unwrap_err().to_string(),
            "`2026-11-31` is not a date: that month has 30 days"
        );
        assert_eq!(
            "2026-13-01".parse::<Date>().unwrap_err().to_string(),
            "`2026-13-01` is not a date: there is no month 13"
        );
    }

    #[test]
    fn a_month_alone_is_a_day_of_month_precision() {
        let m: Day = "2025-01".parse().unwrap();
        assert_eq!(m.precision, Precision::Month);
        assert_eq!(m.earliest(), Date::new(2025, 1, 1).unwrap());
        assert_eq!(m.surely_after(), Date::new(2025, 2, 1).unwrap());
        let dec: Day = "2024-12".parse().unwrap();
        assert_eq!(dec.surely_after(), Date::new(2025, 1, 1).unwrap());
        assert_eq!(dec.to_string(), "2024-12");
        let d: Day = "2025-01-20".parse().unwrap();
        assert_eq!((d.earliest(), d.surely_after()), (d.first, d.first));
        assert!("2025-13".parse::<Day>().is_err());
        assert!("2025".parse::<Day>().is_err());
    }

    #[test]
    fn day_arithmetic_round_trips() {
        let epoch = Date::new(1970, 1, 1).unwrap();
        assert_eq!(epoch.days_since_epoch(), 0);
        let d = Date::new(2023, 12, 31).unwrap();
        assert_eq!(d.add_days(1), Date::new(2024, 1, 1).unwrap());
        assert_eq!(
            Date::new(2024, 3, 1).unwrap().add_days(-1),
            Date::new(2024, 2, 29).unwrap()
        );
        for n in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days_since_epoch(n).days_since_epoch(), n);
        }
        assert_eq!(
            Date::new(2025, 1, 20)
                .unwrap()
                .days_after(Date::new(2024, 12, 20).unwrap()),
            31
        );
    }
}
