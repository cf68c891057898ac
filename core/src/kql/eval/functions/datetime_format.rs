//! format_datetime and format_timespan: .NET-style format specifiers (`yyyy`, `MM`, `dd`,
//! `HH`, `hh`, `mm`, `ss`, `f`..`fffffff`, `F`..`FFFFFFF`, `tt`; `d`..`dddddddd` days for
//! timespans). Other characters are copied as they are.

use super::arg;
use crate::kql::eval::scalar::as_text;
use crate::kql::eval::Result;
use crate::value::{civil_from_days, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let format = as_text(&arg(args, 1));
    Ok(Some(match (name, arg(args, 0), format) {
        ("format_datetime", Value::Datetime(t), Some(format)) => {
            Value::string(&render(&format, &Fields::of_datetime(t)))
        }
        ("format_timespan", Value::Timespan(t), Some(format)) => {
            Value::string(&render(&format, &Fields::of_timespan(t)))
        }
        ("format_datetime" | "format_timespan", _, _) => Value::Null,
        _ => return Ok(None),
    }))
}

/// The parts a format can show.
struct Fields {
    year: i64,
    month: u32,
    /// Day of month for datetimes, whole days for timespans.
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
    /// Ticks within the second (0..10^7).
    fraction: i64,
    negative: bool,
}

impl Fields {
    fn of_datetime(t: i64) -> Fields {
        let (year, month, day) = civil_from_days(t.div_euclid(TICKS_PER_DAY));
        let in_day = t.rem_euclid(TICKS_PER_DAY);
        Fields::with_clock(year, month, i64::from(day), in_day, false)
    }

    fn of_timespan(t: i64) -> Fields {
        let magnitude = t.unsigned_abs();
        let days = (magnitude / TICKS_PER_DAY as u64) as i64;
        let in_day = (magnitude % TICKS_PER_DAY as u64) as i64;
        Fields::with_clock(0, 0, days, in_day, t < 0)
    }

    fn with_clock(year: i64, month: u32, day: i64, in_day: i64, negative: bool) -> Fields {
        let seconds = in_day / TICKS_PER_SECOND;
        Fields {
            year,
            month,
            day,
            hour: seconds / 3600,
            minute: seconds / 60 % 60,
            second: seconds % 60,
            fraction: in_day % TICKS_PER_SECOND,
            negative,
        }
    }
}

fn padded(value: i64, width: usize) -> String {
    format!("{value:0width$}")
}

fn render(format: &str, fields: &Fields) -> String {
    let chars: Vec<char> = format.chars().collect();
    let mut out = String::new();
    if fields.negative {
        out.push('-');
    }
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let run = chars
            .get(i..)
            .map_or(1, |rest| rest.iter().take_while(|&&x| x == c).count());
        i += run;
        let hour12 = match fields.hour % 12 {
            0 => 12,
            h => h,
        };
        match c {
            'y' => match run {
                1 => out.push_str(&(fields.year % 100).to_string()),
                2 => out.push_str(&padded(fields.year % 100, 2)),
                n => out.push_str(&padded(fields.year, n.max(4))),
            },
            'M' => out.push_str(&padded(i64::from(fields.month), run.min(2))),
            'd' => out.push_str(&padded(fields.day, run)),
            'H' => out.push_str(&padded(fields.hour, run.min(2))),
            // Timespans have no half-day clock: `h` is the hour of the day.
            'h' if fields.month == 0 => out.push_str(&padded(fields.hour, run.min(2))),
            'h' => out.push_str(&padded(hour12, run.min(2))),
            'm' => out.push_str(&padded(fields.minute, run.min(2))),
            's' => out.push_str(&padded(fields.second, run.min(2))),
            'f' | 'F' => {
                let digits = run.min(7);
                let shown = padded(fields.fraction, 7);
                let shown = shown.get(..digits).unwrap_or("");
                if c == 'f' {
                    out.push_str(shown);
                } else {
                    out.push_str(shown.trim_end_matches('0'));
                }
            }
            't' => {
                let marker = if fields.hour < 12 { "AM" } else { "PM" };
                out.push_str(if run == 1 {
                    marker.get(..1).unwrap_or("")
                } else {
                    marker
                });
            }
            other => {
                for _ in 0..run {
                    out.push(other);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::eval::literal::{parse_datetime, parse_timespan};

    fn format_dt(text: &str, format: &str) -> String {
        render(
            format,
            &Fields::of_datetime(parse_datetime(text).unwrap_or_default()),
        )
    }

    #[test]
    fn datetimes_as_the_docs_show() {
        let t = "2017-01-29 09:00:05";
        assert_eq!(format_dt(t, "yy-MM-dd [HH:mm:ss]"), "17-01-29 [09:00:05]");
        assert_eq!(format_dt(t, "yyyy-M-dd [H:mm:ss]"), "2017-1-29 [9:00:05]");
        assert_eq!(
            format_dt(t, "yy-MM-dd [hh:mm:ss tt]"),
            "17-01-29 [09:00:05 AM]"
        );
        assert_eq!(
            format_dt("2009-06-15 13:45:30.0001150", "FFFFFFF"),
            "000115"
        );
        assert_eq!(format_dt("2009-06-15 13:45:30.05", "F"), "");
    }

    #[test]
    fn timespans_as_the_docs_show() {
        let t = parse_timespan("29.09:00:05.12345").unwrap_or_default();
        let fields = Fields::of_timespan(t);
        assert_eq!(render("dd.hh:mm:ss:FF", &fields), "29.09:00:05:12");
        assert_eq!(
            render("ddd.h:mm:ss [fffffff]", &fields),
            "029.9:00:05 [1234500]"
        );
    }
}
