//! Every diagnostic code the Sigma parser, checks and compiler report: `SIG1xx` YAML and
//! structure, `SIG2xx` semantic. Codes and slugs are stable; lint rules (`SIG3xx`) live in
//! the lint registry.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;

/// A diagnostic code with its slug and default severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Code {
    pub code: &'static str,
    pub slug: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

impl Code {
    pub fn at(self, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(self.code, self.slug, self.severity, message, span)
    }

    pub fn with_severity(
        self,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
    ) -> Diagnostic {
        Diagnostic::new(self.code, self.slug, severity, message, span)
    }
}

macro_rules! codes {
    ($($name:ident = $code:literal, $slug:literal, $severity:ident, $summary:literal;)*) => {
        $(pub const $name: Code = Code {
            code: $code,
            slug: $slug,
            severity: Severity::$severity,
            summary: $summary,
        };)*

        /// Every code, in order.
        pub const ALL: &[Code] = &[$($name),*];
    };
}

codes! {
    INVALID_YAML = "SIG101", "invalid-yaml", Error, "the text is not valid YAML";
    NOT_A_MAPPING = "SIG102", "document-not-a-mapping", Error, "a rule document must be a YAML mapping";
    MISSING_FIELD = "SIG103", "missing-required-field", Error, "a field the specification requires is missing";
    WRONG_TYPE = "SIG104", "wrong-type", Error, "a field has the wrong YAML type";
    INVALID_ENUM = "SIG105", "invalid-value", Error, "a field holds a value outside its enumeration";
    INVALID_ID = "SIG106", "invalid-id", Warning, "`id` is not a UUID";
    INVALID_DATE = "SIG107", "invalid-date", Error, "a date is not YYYY-MM-DD";
    LEGACY_DATE = "SIG108", "legacy-date-format", Warning, "a date uses the old YYYY/MM/DD format";
    LOGSOURCE_NOT_STRING = "SIG109", "logsource-value-not-string", Error, "a logsource attribute is not a single string";
    FLATTENED_YAML = "SIG110", "flattened-yaml", Warning, "the YAML lost its indentation and was repaired";
    DUPLICATE_KEY = "SIG111", "duplicate-key", Error, "a mapping has the same key twice";
    TOO_LONG = "SIG112", "value-too-long", Error, "a value exceeds its maximum length";
    INVALID_TAG = "SIG113", "invalid-tag-format", Warning, "a tag does not follow namespace.name in lower case";
    LEGACY_COLLECTION = "SIG114", "legacy-collection-action", Warning, "Sigma 1.0 `action: global/reset/repeat` collections";
    LEGACY_AGGREGATION = "SIG115", "legacy-aggregation", Error, "a Sigma 1.0 pipe aggregation (`| count()`, `| near`) in a condition";
    LEGACY_TIMEFRAME = "SIG116", "legacy-timeframe", Warning, "Sigma 1.0 `detection.timeframe`";
    UNKNOWN_DOCUMENT = "SIG117", "unknown-document-kind", Error, "a document is neither a detection, correlation nor filter rule";
    EMPTY_SELECTION = "SIG118", "empty-selection", Error, "a search identifier has no values";
    INVALID_SELECTION = "SIG119", "invalid-selection", Error, "a search identifier's value has the wrong shape";
    CONDITION_SYNTAX = "SIG120", "condition-syntax", Error, "the condition does not parse";
    INVALID_TIMESPAN = "SIG121", "invalid-timespan", Error, "a correlation timespan is not <number><s|m|h|d>";
    INVALID_CORRELATION_CONDITION = "SIG122", "invalid-correlation-condition", Error, "a correlation condition is malformed";
    DEPRECATED_STATUS = "SIG123", "rule-not-in-use", Info, "the rule's status says it is deprecated or unsupported";
    EMPTY_DOCUMENT = "SIG124", "empty-document", Warning, "a YAML document is empty";
    UNKNOWN_SELECTION = "SIG201", "unknown-selection", Error, "the condition names a search identifier that is not defined";
    PATTERN_MATCHES_NOTHING = "SIG202", "pattern-matches-nothing", Error, "`1 of x*` / `all of x*` matches no search identifier";
    UNKNOWN_MODIFIER = "SIG203", "unknown-modifier", Error, "a value modifier the specification does not define";
    INVALID_MODIFIER_COMBINATION = "SIG204", "invalid-modifier-combination", Error, "value modifiers that cannot be combined";
    INVALID_MODIFIER_VALUE = "SIG205", "invalid-modifier-value", Error, "a value does not suit its modifier";
    INVALID_REGEX = "SIG206", "invalid-regex", Error, "a `re` value is not a supported regular expression";
    INVALID_CIDR = "SIG207", "invalid-cidr", Error, "a `cidr` value is not a network";
    UNRESOLVED_PLACEHOLDER = "SIG208", "unresolved-placeholder", Warning, "an `expand` placeholder has no values";
    NULL_IN_LIST = "SIG209", "null-in-list", Warning, "`null` inside a list of values";
    WILDCARD_IDENTIFIER = "SIG210", "wildcard-outside-of", Error, "a wildcard identifier outside `1 of` / `all of`";
    UNKNOWN_RULE_REFERENCE = "SIG211", "unknown-rule-reference", Warning, "a correlation or filter names a rule that is not loaded";
    UNKNOWN_ALIAS_RULE = "SIG212", "unknown-alias-rule", Warning, "an alias maps a rule the correlation does not use";
    RULE_SKIPPED = "SIG213", "rule-not-evaluated", Warning, "a rule could not be compiled and is skipped";
    FILTER_WITHOUT_NOT = "SIG214", "filter-keeps-matches", Warning, "a filter condition without `not` keeps only the filtered events";
    REDUNDANT_MODIFIER = "SIG215", "redundant-modifier", Warning, "a modifier that has no effect";
    NONSTANDARD_QUANTIFIER = "SIG216", "nonstandard-quantifier", Warning, "`N of` with N other than 1";
    CORRELATION_CYCLE = "SIG217", "correlation-cycle", Error, "correlation rules refer to each other in a cycle";
    EVALUATION_LIMIT = "SIG218", "evaluation-limit", Warning, "an evaluation limit was reached";
}

/// The code with this code string or slug.
pub fn find(name: &str) -> Option<Code> {
    ALL.iter()
        .copied()
        .find(|c| c.code.eq_ignore_ascii_case(name) || c.slug == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_slugs_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for code in ALL {
            assert!(seen.insert(code.code), "duplicate {}", code.code);
            assert!(seen.insert(code.slug), "duplicate {}", code.slug);
            assert!(code.code.starts_with("SIG1") || code.code.starts_with("SIG2"));
            assert!(code
                .slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
        }
        assert_eq!(find("SIG110"), Some(FLATTENED_YAML));
        assert_eq!(find("unknown-modifier"), Some(UNKNOWN_MODIFIER));
    }
}
