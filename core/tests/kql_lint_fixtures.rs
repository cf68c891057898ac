//! Every KQL lint rule has `tests/fixtures/kql/lint/<CODE>/{pass,fail}.kql`: the pass file
//! yields none of the rule's findings, the fail file at least one (snapshotted). A fixture
//! whose first line is `// profile: <name>` is linted with that profile's schema.

use rulelab::kql;
use rulelab::lint::LintConfig;
use std::path::PathBuf;

fn fixture(code: &str, name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/kql/lint")
        .join(code)
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (every rule needs pass and fail fixtures)",
            path.display()
        )
    })
}

fn findings(code: &str, text: &str) -> Vec<rulelab::Diagnostic> {
    let parsed = kql::parse(text);
    assert!(
        !parsed.has_errors(),
        "fixture does not parse: {:?}",
        parsed.diagnostics
    );
    // `// profile: sentinel` on the first line lints with that profile's schema and types,
    // as `rulelab lint --schema sentinel` does; `// queryPeriod: 1d` adds rule metadata.
    let profile = text
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("// profile:"))
        .and_then(kql::schema::Profile::parse);
    let query_period = text
        .lines()
        .find_map(|line| line.strip_prefix("// queryPeriod:"))
        .map(str::trim);
    let schema = profile.map(kql::schema::Schema::for_profile);
    let analysis = schema
        .as_ref()
        .map(|schema| kql::analyze::analyze(&parsed.query, schema));
    let env = kql::lint::LintEnv {
        schema: schema.as_ref(),
        types: analysis.as_ref().map(|a| &a.types),
        query_period,
    };
    kql::lint::lint_query_with(text, &parsed.query, &LintConfig::default(), env)
        .into_iter()
        .filter(|d| d.code == code)
        .collect()
}

#[test]
fn every_rule_passes_and_fails_its_fixtures() {
    for rule in kql::lint::registry::RULES {
        let code = rule.meta().code;
        let pass = fixture(code, "pass.kql");
        let found = findings(code, &pass);
        assert!(
            found.is_empty(),
            "{code} fires on its pass fixture: {found:#?}"
        );
        let fail = fixture(code, "fail.kql");
        let found = findings(code, &fail);
        assert!(
            !found.is_empty(),
            "{code} does not fire on its fail fixture"
        );
        let lines: Vec<String> = found
            .iter()
            .map(|d| {
                let fixes: Vec<String> = d
                    .fixes
                    .iter()
                    .map(|f| format!("{} (safe: {})", f.title, f.is_safe))
                    .collect();
                format!(
                    "{} `{}`: {} | fixes: {}",
                    d.severity.as_str(),
                    d.span.text(&fail),
                    d.message,
                    fixes.join("; ")
                )
            })
            .collect();
        insta::assert_yaml_snapshot!(format!("lint_{code}"), lines);
    }
}

#[test]
fn codes_and_slugs_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for rule in kql::lint::registry::RULES {
        let meta = rule.meta();
        assert!(seen.insert(meta.code), "duplicate code {}", meta.code);
        assert!(seen.insert(meta.slug), "duplicate slug {}", meta.slug);
        assert!(
            meta.code.starts_with("KQL3"),
            "{} is not a KQL3xx lint code",
            meta.code
        );
        assert!(
            meta.docs.contains("## What it does") && meta.docs.contains("## Why it matters"),
            "{} lacks docs",
            meta.code
        );
    }
}
