//! Dates as events and rules write them: `2025-10-25T13:44:33.4409073Z`,
//! `2025-10-25 13:44:33.433` (Sysmon `UtcTime`), `2025-10-25`, with an optional offset.
//! Only what time modifiers and correlation windows need: the civil fields and an instant.

use crate::value::days_from_civil;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub nanosecond: u32,
    /// Offset from UTC in seconds, as written (0 when absent or `Z`).
    pub offset_seconds: i32,
}

impl DateTime {
    pub fn parse(text: &str) -> Option<DateTime> {
        let text = text.trim();
        let bytes = text.as_bytes();
        let digits = |from: usize, len: usize| -> Option<u32> {
            let slice = text.get(from..from + len)?;
            if slice.bytes().all(|b| b.is_ascii_digit()) {
                slice.parse().ok()
            } else {
                None
            }
        };
        let year = i64::from(digits(0, 4)?);
        let separator = *bytes.get(4)?;
        if !matches!(separator, b'-' | b'/') || bytes.get(7) != Some(&separator) {
            return None;
        }
        let month = digits(5, 2)?;
        let day = digits(8, 2)?;
        if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
            return None;
        }
        let mut date = DateTime {
            year,
            month,
            day,
            hour: 0,
            minute: 0,
            second: 0,
            nanosecond: 0,
            offset_seconds: 0,
        };
        if bytes.len() == 10 {
            return Some(date);
        }
        if !matches!(bytes.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        date.hour = digits(11, 2)?;
        if bytes.get(13) != Some(&b':') {
            return None;
        }
        date.minute = digits(14, 2)?;
        let mut at = 16;
        if bytes.get(16) == Some(&b':') {
            date.second = digits(17, 2)?;
            at = 19;
        }
        if matches!(bytes.get(at), Some(b'.' | b',')) {
            let start = at + 1;
            let mut end = start;
            while bytes.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
            let fraction = text.get(start..end.min(start + 9))?;
            if fraction.is_empty() {
                return None;
            }
            let scale = 10u32.pow(9 - fraction.len() as u32);
            date.nanosecond = fraction.parse::<u32>().ok()? * scale;
            at = end;
        }
        if date.hour > 23 || date.minute > 59 || date.second > 60 {
            return None;
        }
        let rest = text.get(at..)?.trim_start();
        date.offset_seconds = match rest {
            "" | "Z" | "z" | "UTC" => 0,
            offset => {
                let sign = match offset.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let body = offset.get(1..)?.replace(':', "");
                if body.len() != 4 || !body.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let hours: i32 = body.get(..2)?.parse().ok()?;
                let minutes: i32 = body.get(2..)?.parse().ok()?;
                sign * (hours * 3600 + minutes * 60)
            }
        };
        Some(date)
    }

    /// Microseconds since the Unix epoch, in UTC.
    pub fn unix_micros(&self) -> i64 {
        let days = days_from_civil(self.year, self.month, self.day);
        let seconds = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
            - i64::from(self.offset_seconds);
        seconds
            .saturating_mul(1_000_000)
            .saturating_add(i64::from(self.nanosecond / 1000))
    }

    /// ISO 8601 week number (1-53).
    pub fn iso_week(&self) -> u32 {
        let days = days_from_civil(self.year, self.month, self.day);
        // 1970-01-01 was a Thursday; ISO weekday 1 = Monday.
        let weekday = (days + 3).rem_euclid(7) + 1;
        let ordinal = days - days_from_civil(self.year, 1, 1) + 1;
        let week = (ordinal - weekday + 10) / 7;
        if week < 1 {
            weeks_in_year(self.year - 1)
        } else if week > i64::from(weeks_in_year(self.year)) {
            1
        } else {
            week as u32
        }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

fn weeks_in_year(year: i64) -> u32 {
    let p = |y: i64| (y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)).rem_euclid(7);
    if p(year) == 4 || p(year - 1) == 3 {
        53
    } else {
        52
    }
}

/// Whether a rule's `date`/`modified` value is a real calendar date in `YYYY-MM-DD`.
pub fn is_iso_date(text: &str) -> bool {
    text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') && DateTime::parse(text).is_some()
}

/// Whether it is a real date in the Sigma 1.0 form `YYYY/MM/DD`.
pub fn is_legacy_date(text: &str) -> bool {
    text.len() == 10 && text.as_bytes().get(4) == Some(&b'/') && DateTime::parse(text).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_formats() {
        let t = DateTime::parse("2025-10-25T13:44:33.4409073Z").unwrap();
        assert_eq!(
            (t.hour, t.minute, t.second, t.nanosecond),
            (13, 44, 33, 440_907_300)
        );
        let u = DateTime::parse("2025-10-25 13:44:33.433").unwrap();
        assert_eq!(u.nanosecond, 433_000_000);
        assert_eq!(
            DateTime::parse("1970-01-01T00:00:01Z")
                .unwrap()
                .unix_micros(),
            1_000_000
        );
        assert_eq!(
            DateTime::parse("1970-01-01T01:00:00+01:00")
                .unwrap()
                .unix_micros(),
            0
        );
        assert!(DateTime::parse("2025-02-30").is_none());
        assert!(DateTime::parse("2025-1-3").is_none());
        assert!(DateTime::parse("hello").is_none());
        assert!(DateTime::parse("2025-10-25T13:44:33.Z").is_none());
    }

    #[test]
    fn rule_dates() {
        assert!(is_iso_date("2019-10-23"));
        assert!(!is_iso_date("2019/10/23"));
        assert!(is_legacy_date("2019/10/23"));
        assert!(!is_iso_date("2019-13-01"));
    }

    #[test]
    fn iso_weeks() {
        assert_eq!(DateTime::parse("2020-12-31").unwrap().iso_week(), 53);
        assert_eq!(DateTime::parse("2024-12-30").unwrap().iso_week(), 1);
        assert_eq!(DateTime::parse("2025-06-15").unwrap().iso_week(), 24);
    }
}
