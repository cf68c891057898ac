//! Every Sigma lint rule has `tests/fixtures/sigma/lint/<CODE>/{pass,fail}.yml`: the pass
//! file yields none of the rule's findings, the fail file at least one (snapshotted, with
//! its fixes applied). A fixture's header comments give the file's path
//! (`# path: rules/.../name.yml`) and other paths the same text is linted under as one rule
//! library (`# also: ...`), for the rules about file names and duplicates across files.

use rulelab::diagnostic::apply_edits;
use rulelab::lint::LintConfig;
use rulelab::sigma::lint::{lint_collection, registry};
use std::path::PathBuf;

fn fixture(code: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sigma/lint")
        .join(code)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (every rule needs pass and fail fixtures)",
            path.display()
        )
    })
}

fn header<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| l.strip_prefix(key))
        .map(str::trim)
        .collect()
}

fn findings(code: &str, text: &str) -> Vec<rulelab::Diagnostic> {
    let parsed = rulelab::sigma::parse(text);
    assert!(
        !parsed.has_errors() || code == "SIG352",
        "{code}: fixture does not parse cleanly: {:#?}",
        parsed.diagnostics
    );
    let path = header(text, "# path:").first().copied();
    let mut files = vec![(path, text)];
    files.extend(header(text, "# also:").into_iter().map(|p| (Some(p), text)));
    lint_collection(&files, &LintConfig::default())
        .into_iter()
        .next()
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.code == code)
        .collect()
}

#[test]
fn every_rule_passes_and_fails_its_fixtures() {
    let mut failures = Vec::new();
    for rule in registry::RULES {
        let code = rule.meta().code;
        let pass = fixture(code, "pass.yml");
        let found = findings(code, &pass);
        if !found.is_empty() {
            failures.push(format!("{code} fires on its pass fixture: {found:#?}"));
        }
        let fail = fixture(code, "fail.yml");
        let found = findings(code, &fail);
        if found.is_empty() {
            failures.push(format!("{code} does not fire on its fail fixture"));
            continue;
        }
        let mut lines = Vec::new();
        for d in &found {
            lines.push(format!(
                "{} `{}`: {}",
                d.severity.as_str(),
                d.span.text(&fail),
                d.message
            ));
            for fix in &d.fixes {
                let fixed = apply_edits(&fail, &fix.edits);
                let changed: Vec<String> = fixed
                    .lines()
                    .filter(|l| !fail.lines().any(|o| o == *l))
                    .map(|l| format!("  + {}", l.trim_end()))
                    .collect();
                lines.push(format!("  fix: {} (safe: {})", fix.title, fix.is_safe));
                lines.extend(changed);
                if fix.is_safe {
                    // A safe fix must leave a rule that still parses and no longer has this finding.
                    let again = findings(code, &fixed);
                    if again.len() >= found.len() {
                        failures.push(format!(
                            "{code}: the safe fix `{}` does not remove the finding:\n{fixed}",
                            fix.title
                        ));
                    }
                }
            }
        }
        insta::assert_yaml_snapshot!(format!("sigma_lint_{code}"), lines);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn codes_and_slugs_are_unique_and_documented() {
    let mut seen = std::collections::HashSet::new();
    for rule in registry::RULES {
        let meta = rule.meta();
        assert!(seen.insert(meta.code), "duplicate code {}", meta.code);
        assert!(seen.insert(meta.slug), "duplicate slug {}", meta.slug);
        assert!(meta.code.starts_with("SIG3"), "{} is not SIG3xx", meta.code);
        assert!(
            meta.docs.contains("## What it does")
                && meta.docs.contains("## Why it matters")
                && meta.docs.contains("## Example")
                && meta.docs.contains("## Fix"),
            "{} lacks docs",
            meta.code
        );
        let has_fix_fixture = {
            let fail = fixture(meta.code, "fail.yml");
            findings(meta.code, &fail)
                .iter()
                .any(|d| !d.fixes.is_empty())
        };
        if meta.is_fixable() {
            assert!(
                has_fix_fixture,
                "{} declares a fix but its fail fixture gets none",
                meta.code
            );
        }
    }
    assert!(
        registry::RULES.len() >= 60,
        "{} Sigma lint rules",
        registry::RULES.len()
    );
}

#[test]
fn the_clean_fixture_rule_has_no_lint_findings() {
    let text = fixture("SIG301", "pass.yml");
    let found: Vec<_> = lint_collection(
        &[(header(&text, "# path:").first().copied(), text.as_str())],
        &LintConfig::default(),
    )
    .into_iter()
    .flatten()
    .filter(|d| d.code.starts_with("SIG3"))
    .collect();
    assert!(found.is_empty(), "{found:#?}");
}
