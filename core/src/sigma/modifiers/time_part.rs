//! `minute`, `hour`, `day`, `week`, `month`, `year`: a number taken from the field's date,
//! compared with the value (equal, or with `gt`/`gte`/`lt`/`lte` after it). No time zone
//! conversion is done (specification: "It is not designed to handle timezone or format
//! conversions"); the date is read as written.

use serde::Serialize;

use crate::sigma::datetime::DateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimePart {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

impl TimePart {
    /// The part of a date written as text; `None` when the text is not a date.
    pub fn extract(self, text: &str) -> Option<i64> {
        let date = DateTime::parse(text)?;
        Some(match self {
            TimePart::Minute => i64::from(date.minute),
            TimePart::Hour => i64::from(date.hour),
            TimePart::Day => i64::from(date.day),
            TimePart::Week => i64::from(date.iso_week()),
            TimePart::Month => i64::from(date.month),
            TimePart::Year => date.year,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_event_dates() {
        let t = "2025-10-25T13:44:33.4409073Z";
        assert_eq!(TimePart::Minute.extract(t), Some(44));
        assert_eq!(TimePart::Hour.extract(t), Some(13));
        assert_eq!(TimePart::Day.extract(t), Some(25));
        assert_eq!(TimePart::Month.extract(t), Some(10));
        assert_eq!(TimePart::Year.extract(t), Some(2025));
        assert_eq!(TimePart::Week.extract("2021-01-03"), Some(53));
        assert_eq!(TimePart::Week.extract("2021-01-04"), Some(1));
        assert_eq!(TimePart::Hour.extract("2025-10-25 13:44:33.433"), Some(13));
        assert_eq!(TimePart::Hour.extract("yesterday"), None);
    }
}
