//! `gt`, `gte`, `lt`, `lte`: numeric comparisons of the field with the value. Fields that
//! hold numbers as text (`"4688"`) compare as numbers; other text never matches.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Comparison {
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Comparison {
    pub fn name(self) -> &'static str {
        match self {
            Comparison::Gt => "gt",
            Comparison::Gte => "gte",
            Comparison::Lt => "lt",
            Comparison::Lte => "lte",
        }
    }

    pub fn holds(self, field: f64, value: f64) -> bool {
        match self {
            Comparison::Gt => field > value,
            Comparison::Gte => field >= value,
            Comparison::Lt => field < value,
            Comparison::Lte => field <= value,
        }
    }
}

/// A field's value as a number: JSON numbers, and text that is a decimal number (or a
/// `0x` hexadecimal one, as Windows logs write many values).
pub fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok().map(|n| n as f64);
    }
    let parsed = text.parse::<f64>().ok()?;
    parsed.is_finite().then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_text() {
        assert_eq!(number(" 42 "), Some(42.0));
        assert_eq!(number("0x10"), Some(16.0));
        assert_eq!(number("1.5"), Some(1.5));
        assert_eq!(number("abc"), None);
        assert_eq!(number("inf"), None);
        assert!(Comparison::Gte.holds(3.0, 3.0));
        assert!(!Comparison::Gt.holds(3.0, 3.0));
    }
}
