//! Datetime functions: startof/endof day, week, month and year (with offsets), calendar
//! parts, datetime_part/add/diff, make_datetime/make_timespan, unixtime conversions, bin_at.
//! Formatting lives in `datetime_format.rs`.

use super::arg;
use crate::kql::eval::scalar::{as_f64, as_i64, as_text};
use crate::kql::eval::Result;
use crate::value::{civil_from_days, days_from_civil, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

const TICKS_PER_HOUR: i64 = 3600 * TICKS_PER_SECOND;
const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
const TICKS_PER_MILLISECOND: i64 = 10_000;
const TICKS_PER_MICROSECOND: i64 = 10;
/// datetime(0001-01-01) and datetime(9999-12-31 23:59:59.9999999), as ticks from 1970.
const MIN_TICKS: i64 = -62_135_596_800 * TICKS_PER_SECOND;
const MAX_TICKS: i64 = 253_402_300_800 * TICKS_PER_SECOND - 1;

fn ticks(value: &Value) -> Option<i64> {
    match value {
        Value::Datetime(t) => Some(*t),
        _ => None,
    }
}

/// A datetime inside Kusto's range, or null.
fn datetime_value(t: Option<i64>) -> Value {
    t.filter(|t| (MIN_TICKS..=MAX_TICKS).contains(t))
        .map_or(Value::Null, Value::Datetime)
}

/// (year, month, day) of a datetime.
fn civil(t: i64) -> (i64, u32, u32) {
    civil_from_days(t.div_euclid(TICKS_PER_DAY))
}

/// Adds calendar months, keeping the time of day and clamping the day to the month's end.
fn add_months(t: i64, months: i64) -> Option<i64> {
    let (y, m, d) = civil(t);
    let index = (y.checked_mul(12)? + i64::from(m) - 1).checked_add(months)?;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let day = d.min(days_in_month(year, month));
    let days = days_from_civil(year, month, day);
    days.checked_mul(TICKS_PER_DAY)?
        .checked_add(t.rem_euclid(TICKS_PER_DAY))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    (next - days_from_civil(year, month, 1)) as u32
}

/// The start of the unit containing `t`, moved by `offset` units.
fn start_of(unit: &str, t: i64, offset: i64) -> Option<i64> {
    let days = t.div_euclid(TICKS_PER_DAY);
    let (y, m, _) = civil_from_days(days);
    let start_days = match unit {
        "day" => days.checked_add(offset)?,
        // Kusto weeks start on Sunday; 1970-01-01 was a Thursday.
        "week" => (days - (days + 4).rem_euclid(7)).checked_add(offset.checked_mul(7)?)?,
        "month" => {
            let start = days_from_civil(y, m, 1).checked_mul(TICKS_PER_DAY)?;
            return add_months(start, offset);
        }
        _ => days_from_civil(y.checked_add(offset)?, 1, 1),
    };
    start_days.checked_mul(TICKS_PER_DAY)
}

/// The last tick of the unit containing `t`, moved by `offset` units.
fn end_of(unit: &str, t: i64, offset: i64) -> Option<i64> {
    Some(start_of(unit, t, offset.checked_add(1)?)? - 1)
}

/// ISO 8601 week number: weeks start on Monday, week 1 holds the year's first Thursday.
fn week_of_year(t: i64) -> i64 {
    let days = t.div_euclid(TICKS_PER_DAY);
    // Monday = 0; 1970-01-01 was a Thursday (3).
    let weekday = (days + 3).rem_euclid(7);
    let thursday = days - weekday + 3;
    let (year, _, _) = civil_from_days(thursday);
    (thursday - days_from_civil(year, 1, 1)) / 7 + 1
}

fn day_of_year(t: i64) -> i64 {
    let days = t.div_euclid(TICKS_PER_DAY);
    let (y, _, _) = civil_from_days(days);
    days - days_from_civil(y, 1, 1) + 1
}

/// Unit names as datetime_part/add/diff accept them, lowercased and without underscores.
fn unit_key(unit: &str) -> String {
    unit.to_ascii_lowercase().replace('_', "")
}

fn datetime_part(part: &str, t: i64) -> Option<i64> {
    let (y, m, d) = civil(t);
    let in_day = t.rem_euclid(TICKS_PER_DAY);
    let in_second = in_day % TICKS_PER_SECOND;
    Some(match unit_key(part).as_str() {
        "year" => y,
        "quarter" => i64::from((m - 1) / 3 + 1),
        "month" => i64::from(m),
        "weekofyear" | "week" => week_of_year(t),
        "day" => i64::from(d),
        "dayofyear" => day_of_year(t),
        "hour" => in_day / TICKS_PER_HOUR,
        "minute" => in_day / TICKS_PER_MINUTE % 60,
        "second" => in_day / TICKS_PER_SECOND % 60,
        "millisecond" => in_second / TICKS_PER_MILLISECOND,
        "microsecond" => in_second / TICKS_PER_MICROSECOND,
        "nanosecond" => in_second * 100,
        _ => return None,
    })
}

fn datetime_add(part: &str, amount: i64, t: i64) -> Option<i64> {
    let fixed = |per: i64| t.checked_add(amount.checked_mul(per)?);
    match unit_key(part).as_str() {
        "year" => add_months(t, amount.checked_mul(12)?),
        "quarter" => add_months(t, amount.checked_mul(3)?),
        "month" => add_months(t, amount),
        "week" => fixed(7 * TICKS_PER_DAY),
        "day" => fixed(TICKS_PER_DAY),
        "hour" => fixed(TICKS_PER_HOUR),
        "minute" => fixed(TICKS_PER_MINUTE),
        "second" => fixed(TICKS_PER_SECOND),
        "millisecond" => fixed(TICKS_PER_MILLISECOND),
        "microsecond" => fixed(TICKS_PER_MICROSECOND),
        "nanosecond" => t.checked_add(amount / 100),
        _ => None,
    }
}

/// `a - b` counted in crossed unit boundaries (calendar units for year, quarter, month and
/// Sunday-based weeks), as Kusto's datetime_diff does.
fn datetime_diff(part: &str, a: i64, b: i64) -> Option<i64> {
    let boundaries = |per: i64| a.div_euclid(per).checked_sub(b.div_euclid(per));
    let ((ya, ma, _), (yb, mb, _)) = (civil(a), civil(b));
    let months = |y: i64, m: u32| y * 12 + i64::from(m) - 1;
    match unit_key(part).as_str() {
        "year" => Some(ya - yb),
        "quarter" => Some(months(ya, ma).div_euclid(3) - months(yb, mb).div_euclid(3)),
        "month" => Some(months(ya, ma) - months(yb, mb)),
        "week" => Some((start_of("week", a, 0)? - start_of("week", b, 0)?) / (7 * TICKS_PER_DAY)),
        "day" => boundaries(TICKS_PER_DAY),
        "hour" => boundaries(TICKS_PER_HOUR),
        "minute" => boundaries(TICKS_PER_MINUTE),
        "second" => boundaries(TICKS_PER_SECOND),
        "millisecond" => boundaries(TICKS_PER_MILLISECOND),
        "microsecond" => boundaries(TICKS_PER_MICROSECOND),
        "nanosecond" => a.checked_sub(b)?.checked_mul(100),
        _ => None,
    }
}

/// make_datetime(year, month, day[, hour, minute, second]); seconds may have a fraction.
fn make_datetime(args: &[Value]) -> Option<i64> {
    let int = |i: usize| match args.get(i) {
        None => Some(0),
        Some(v) => as_i64(v),
    };
    let (year, month, day) = (as_i64(args.first()?)?, int(1)?, int(2)?);
    let (hour, minute) = (int(3)?, int(4)?);
    let second = match args.get(5) {
        None => 0.0,
        Some(v) => as_f64(v)?,
    };
    let month = u32::try_from(month).ok().filter(|m| (1..=12).contains(m))?;
    let day = u32::try_from(day)
        .ok()
        .filter(|d| *d >= 1 && *d <= days_in_month(year, month))?;
    if !(1..=9999).contains(&year)
        || !(0..24).contains(&hour)
        || !(0..60).contains(&minute)
        || !(0.0..60.0).contains(&second)
    {
        return None;
    }
    let seconds = (second * TICKS_PER_SECOND as f64).round() as i64;
    Some(
        days_from_civil(year, month, day) * TICKS_PER_DAY
            + hour * TICKS_PER_HOUR
            + minute * TICKS_PER_MINUTE
            + seconds,
    )
}

/// make_timespan(hour, minute[, second]) or make_timespan(day, hour, minute, second).
fn make_timespan(args: &[Value]) -> Option<i64> {
    let number = |i: usize| args.get(i).and_then(as_f64);
    let (days, hours, minutes, seconds) = match args.len() {
        2 => (0.0, number(0)?, number(1)?, 0.0),
        3 => (0.0, number(0)?, number(1)?, number(2)?),
        4 => (number(0)?, number(1)?, number(2)?, number(3)?),
        _ => return None,
    };
    let ticks = days * TICKS_PER_DAY as f64
        + hours * TICKS_PER_HOUR as f64
        + minutes * TICKS_PER_MINUTE as f64
        + seconds * TICKS_PER_SECOND as f64;
    ticks.is_finite().then(|| ticks.round() as i64)
}

/// unixtime_*_todatetime: a number of units since 1970 (fractions kept to the tick).
fn from_unix(value: &Value, ticks_per_unit: f64) -> Option<i64> {
    match value {
        Value::Long(n) if ticks_per_unit >= 1.0 => n.checked_mul(ticks_per_unit as i64),
        Value::Int(n) if ticks_per_unit >= 1.0 => i64::from(*n).checked_mul(ticks_per_unit as i64),
        other => {
            let ticks = as_f64(other)? * ticks_per_unit;
            ticks.is_finite().then(|| ticks.floor() as i64)
        }
    }
}

/// bin_at(value, size, fixed_point): bins aligned so that `fixed_point` starts a bin.
fn bin_at(value: &Value, size: &Value, fixed: &Value) -> Value {
    let floor_to = |v: i64, f: i64, s: i64| -> Option<i64> {
        let offset = v.checked_sub(f)?;
        offset.div_euclid(s).checked_mul(s)?.checked_add(f)
    };
    match (value, size, fixed) {
        (Value::Datetime(v), Value::Timespan(s), Value::Datetime(f)) if *s > 0 => {
            datetime_value(floor_to(*v, *f, *s))
        }
        (Value::Timespan(v), Value::Timespan(s), Value::Timespan(f)) if *s > 0 => {
            floor_to(*v, *f, *s).map_or(Value::Null, Value::Timespan)
        }
        (Value::Long(v), Value::Long(s), Value::Long(f)) if *s > 0 => {
            floor_to(*v, *f, *s).map_or(Value::Null, Value::Long)
        }
        _ => match (as_f64(value), as_f64(size), as_f64(fixed)) {
            (Some(v), Some(s), Some(f)) if s > 0.0 => Value::Real(((v - f) / s).floor() * s + f),
            _ => Value::Null,
        },
    }
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let t = ticks(&arg(args, 0));
    // The optional offset of startof*/endof*: absent counts as 0, anything else non-numeric
    // as null.
    let offset = match arg(args, 1) {
        Value::Null if args.len() < 2 => Some(0),
        other => as_i64(&other),
    };
    let int = |f: &dyn Fn(i64) -> i64| t.map_or(Value::Null, |t| Value::Int(f(t) as i32));
    Ok(Some(match name {
        "startofday" | "startofweek" | "startofmonth" | "startofyear" => {
            let unit = name.trim_start_matches("startof");
            datetime_value(t.zip(offset).and_then(|(t, o)| start_of(unit, t, o)))
        }
        "endofday" | "endofweek" | "endofmonth" | "endofyear" => {
            let unit = name.trim_start_matches("endof");
            datetime_value(t.zip(offset).and_then(|(t, o)| end_of(unit, t, o)))
        }
        "getyear" => int(&|t| civil(t).0),
        "getmonth" | "monthofyear" => int(&|t| i64::from(civil(t).1)),
        "dayofmonth" => int(&|t| i64::from(civil(t).2)),
        "dayofyear" => int(&day_of_year),
        "week_of_year" | "weekofyear" => int(&week_of_year),
        "hourofday" => int(&|t| t.rem_euclid(TICKS_PER_DAY) / TICKS_PER_HOUR),
        "dayofweek" => t.map_or(Value::Null, |t| {
            Value::Timespan((t.div_euclid(TICKS_PER_DAY) + 4).rem_euclid(7) * TICKS_PER_DAY)
        }),
        "datetime_part" => match (as_text(&arg(args, 0)), ticks(&arg(args, 1))) {
            (Some(part), Some(t)) => {
                datetime_part(&part, t).map_or(Value::Null, |n| Value::Int(n as i32))
            }
            _ => Value::Null,
        },
        "datetime_add" => match (
            as_text(&arg(args, 0)),
            as_i64(&arg(args, 1)),
            ticks(&arg(args, 2)),
        ) {
            (Some(part), Some(amount), Some(t)) => datetime_value(datetime_add(&part, amount, t)),
            _ => Value::Null,
        },
        "datetime_diff" => match (
            as_text(&arg(args, 0)),
            ticks(&arg(args, 1)),
            ticks(&arg(args, 2)),
        ) {
            (Some(part), Some(a), Some(b)) => {
                datetime_diff(&part, a, b).map_or(Value::Null, Value::Long)
            }
            _ => Value::Null,
        },
        "make_datetime" => datetime_value(make_datetime(args)),
        "make_timespan" => make_timespan(args).map_or(Value::Null, Value::Timespan),
        "unixtime_seconds_todatetime" => {
            datetime_value(from_unix(&arg(args, 0), TICKS_PER_SECOND as f64))
        }
        "unixtime_milliseconds_todatetime" => {
            datetime_value(from_unix(&arg(args, 0), TICKS_PER_MILLISECOND as f64))
        }
        "unixtime_microseconds_todatetime" => {
            datetime_value(from_unix(&arg(args, 0), TICKS_PER_MICROSECOND as f64))
        }
        "unixtime_nanoseconds_todatetime" => datetime_value(from_unix(&arg(args, 0), 0.01)),
        "bin_at" => bin_at(&arg(args, 0), &arg(args, 1), &arg(args, 2)),
        _ => return Ok(None),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kql::eval::literal::parse_datetime;
    use crate::value::format_datetime;

    fn dt(text: &str) -> i64 {
        parse_datetime(text).unwrap_or(i64::MIN)
    }

    fn run(name: &str, args: &[Value]) -> Value {
        call(name, args).ok().flatten().unwrap_or(Value::Null)
    }

    fn shown(value: Value) -> String {
        match value {
            Value::Datetime(t) => format_datetime(t),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn starts_and_ends_with_offsets() {
        let t = Value::Datetime(dt("2017-01-01 10:10:17"));
        let at = |name: &str, offset: i64| shown(run(name, &[t.clone(), Value::Long(offset)]));
        assert_eq!(at("startofmonth", -1), "2016-12-01T00:00:00Z");
        assert_eq!(at("startofweek", 1), "2017-01-08T00:00:00Z");
        assert_eq!(at("endofday", -1), "2016-12-31T23:59:59.9999999Z");
        assert_eq!(at("endofweek", 0), "2017-01-07T23:59:59.9999999Z");
        assert_eq!(at("endofyear", 1), "2018-12-31T23:59:59.9999999Z");
        assert_eq!(
            shown(run("startofyear", std::slice::from_ref(&t))),
            "2017-01-01T00:00:00Z"
        );
    }

    #[test]
    fn parts() {
        let t = dt("2017-10-30 01:02:03.7654321");
        let part = |p: &str| datetime_part(p, t);
        assert_eq!(part("quarter"), Some(4));
        assert_eq!(part("week_of_year"), Some(44));
        assert_eq!(part("dayOfYear"), Some(303));
        assert_eq!(part("microsecond"), Some(765432));
        assert_eq!(part("nanosecond"), Some(765432100));
        assert_eq!(week_of_year(dt("2021-01-03")), 53);
        assert_eq!(day_of_year(dt("2015-12-14")), 348);
    }

    #[test]
    fn diffs_and_adds() {
        let diff = |p: &str, a: &str, b: &str| datetime_diff(p, dt(a), dt(b));
        assert_eq!(diff("quarter", "2017-07-01", "2017-03-30"), Some(2));
        assert_eq!(diff("month", "2017-01-01", "2015-12-30"), Some(13));
        assert_eq!(
            diff("week", "2017-10-29 00:00", "2017-09-30 23:59"),
            Some(5)
        );
        assert_eq!(
            diff(
                "nanosecond",
                "2017-10-30 23:00:00.0000000",
                "2017-10-30 23:00:00.0000007"
            ),
            Some(-700)
        );
        let added = datetime_add("month", 1, dt("2017-01-31")).map(format_datetime);
        assert_eq!(added.as_deref(), Some("2017-02-28T00:00:00Z"));
    }

    #[test]
    fn constructors() {
        let made = make_datetime(&[
            Value::Long(2017),
            Value::Long(10),
            Value::Long(1),
            Value::Long(12),
            Value::Long(11),
            Value::Real(0.1234567),
        ]);
        assert_eq!(
            made.map(format_datetime).as_deref(),
            Some("2017-10-01T12:11:00.1234567Z")
        );
        assert_eq!(
            make_datetime(&[Value::Long(2017), Value::Long(2), Value::Long(30)]),
            None
        );
        let span = make_timespan(&[
            Value::Long(1),
            Value::Long(12),
            Value::Long(30),
            Value::Real(55.123),
        ]);
        assert_eq!(
            span.map(crate::value::format_timespan).as_deref(),
            Some("1.12:30:55.1230000")
        );
        let unix = from_unix(&Value::Long(1546300800), TICKS_PER_SECOND as f64);
        assert_eq!(
            unix.map(format_datetime).as_deref(),
            Some("2019-01-01T00:00:00Z")
        );
        let binned = bin_at(
            &Value::Timespan(TICKS_PER_HOUR),
            &Value::Timespan(TICKS_PER_DAY),
            &Value::Timespan(12 * TICKS_PER_HOUR),
        );
        assert_eq!(binned, Value::Timespan(-12 * TICKS_PER_HOUR));
    }
}
