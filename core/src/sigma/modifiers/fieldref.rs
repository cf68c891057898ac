//! `fieldref`: the value names another field of the same event; the field matches when it
//! equals that field's value (case-insensitively unless `cased`; with `contains`,
//! `startswith` or `endswith` the other field's value is looked for accordingly; with `neq`
//! it must differ). A missing referenced field never matches.

use crate::sigma::modifiers::Position;

/// Compares a field's text with the referenced field's text; both already case-folded
/// when the comparison is case-insensitive.
pub fn matches(field: &str, referenced: &str, position: Position) -> bool {
    match position {
        Position::Exact => field == referenced,
        Position::Contains => field.contains(referenced),
        Position::StartsWith => field.starts_with(referenced),
        Position::EndsWith => field.ends_with(referenced),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        assert!(matches("abc", "abc", Position::Exact));
        assert!(matches("xabcx", "abc", Position::Contains));
        assert!(matches("abcx", "abc", Position::StartsWith));
        assert!(!matches("abcx", "abc", Position::EndsWith));
    }
}
