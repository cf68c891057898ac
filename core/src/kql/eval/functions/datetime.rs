//! Datetime functions: startofday/week/month/year, endof..., datetime parts, datetime_diff.

use super::arg;
use crate::kql::eval::scalar::{as_i64, as_text};
use crate::kql::eval::Result;
use crate::value::{civil_from_days, days_from_civil, Value, TICKS_PER_DAY, TICKS_PER_SECOND};

fn ticks(value: &Value) -> Option<i64> {
    match value {
        Value::Datetime(t) => Some(*t),
        _ => None,
    }
}

fn start_of(unit: &str, t: i64) -> i64 {
    let days = t.div_euclid(TICKS_PER_DAY);
    let (y, m, _) = civil_from_days(days);
    let start_days = match unit {
        "day" => days,
        // Kusto weeks start on Sunday; 1970-01-01 was a Thursday.
        "week" => days - (days + 4).rem_euclid(7),
        "month" => days_from_civil(y, m, 1),
        _ => days_from_civil(y, 1, 1),
    };
    start_days * TICKS_PER_DAY
}

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    let t = ticks(&arg(args, 0));
    let datetime = |f: &dyn Fn(i64) -> i64| t.map_or(Value::Null, |t| Value::Datetime(f(t)));
    Ok(Some(match name {
        "startofday" => datetime(&|t| start_of("day", t)),
        "startofweek" => datetime(&|t| start_of("week", t)),
        "startofmonth" => datetime(&|t| start_of("month", t)),
        "startofyear" => datetime(&|t| start_of("year", t)),
        "endofday" => datetime(&|t| start_of("day", t) + TICKS_PER_DAY - 1),
        "getyear" => t.map_or(Value::Null, |t| {
            Value::Int(civil_from_days(t.div_euclid(TICKS_PER_DAY)).0 as i32)
        }),
        "getmonth" | "monthofyear" => t.map_or(Value::Null, |t| {
            Value::Int(civil_from_days(t.div_euclid(TICKS_PER_DAY)).1 as i32)
        }),
        "dayofmonth" => t.map_or(Value::Null, |t| {
            Value::Int(civil_from_days(t.div_euclid(TICKS_PER_DAY)).2 as i32)
        }),
        "hourofday" => t.map_or(Value::Null, |t| {
            Value::Int((t.rem_euclid(TICKS_PER_DAY) / (3600 * TICKS_PER_SECOND)) as i32)
        }),
        "dayofweek" => t.map_or(Value::Null, |t| {
            Value::Timespan((t.div_euclid(TICKS_PER_DAY) + 4).rem_euclid(7) * TICKS_PER_DAY)
        }),
        "datetime_diff" => {
            let (Some(unit), Some(a), Some(b)) = (
                as_text(&arg(args, 0)),
                ticks(&arg(args, 1)),
                ticks(&arg(args, 2)),
            ) else {
                return Ok(Some(Value::Null));
            };
            let per = match unit.to_ascii_lowercase().as_str() {
                "year" => {
                    let (ya, _, _) = civil_from_days(a.div_euclid(TICKS_PER_DAY));
                    let (yb, _, _) = civil_from_days(b.div_euclid(TICKS_PER_DAY));
                    return Ok(Some(Value::Long(ya - yb)));
                }
                "day" => TICKS_PER_DAY,
                "hour" => 3600 * TICKS_PER_SECOND,
                "minute" => 60 * TICKS_PER_SECOND,
                "second" => TICKS_PER_SECOND,
                "millisecond" => 10_000,
                "microsecond" => 10,
                "nanosecond" => 1,
                _ => return Ok(Some(Value::Null)),
            };
            Value::Long(a.div_euclid(per) - b.div_euclid(per))
        }
        "datetime_add" => {
            let (Some(unit), Some(amount), Some(t)) = (
                as_text(&arg(args, 0)),
                as_i64(&arg(args, 1)),
                ticks(&arg(args, 2)),
            ) else {
                return Ok(Some(Value::Null));
            };
            let per = match unit.to_ascii_lowercase().as_str() {
                "day" => TICKS_PER_DAY,
                "hour" => 3600 * TICKS_PER_SECOND,
                "minute" => 60 * TICKS_PER_SECOND,
                "second" => TICKS_PER_SECOND,
                "millisecond" => 10_000,
                "week" => 7 * TICKS_PER_DAY,
                _ => return Ok(Some(Value::Null)),
            };
            Value::Datetime(t.saturating_add(amount.saturating_mul(per)))
        }
        _ => return Ok(None),
    }))
}
