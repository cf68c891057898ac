use super::*;

#[test]
fn codes_are_sigma_lint_codes() {
    for rule in registry::RULES {
        assert!(rule.meta().code.starts_with("SIG3"));
    }
}
