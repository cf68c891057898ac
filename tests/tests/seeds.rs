//! The seed rules, exactly as users pasted them, parse without errors.

use rulelab::{parse, Language, LanguageHint, ParseOptions};
use rulelab_tests::shared_dir;

fn seed(name: &str) -> Option<String> {
    let path = shared_dir()?.join("seeds/rules").join(name);
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn auto() -> ParseOptions {
    ParseOptions {
        language: LanguageHint::Auto,
        path: None,
    }
}

#[test]
fn raw_kql_seeds_parse_without_diagnostics() {
    for name in [
        "000_msi_odbc_dcom.kql",
        "002_msiexec_dll_network.kql",
        "003_dcom_server_child_process.kql",
    ] {
        let Some(text) = seed(name) else { return };
        let report = parse(&text, &auto());
        assert_eq!(report.language, Language::Kql, "{name}");
        assert!(
            report.diagnostics.is_empty(),
            "{name}: {:#?}",
            report.diagnostics
        );
    }
}

#[test]
fn flattened_sentinel_seed_parses_with_one_repair_warning() {
    let Some(text) = seed("001_dcom_lateral_movement.yaml") else {
        return;
    };
    let report = parse(&text, &auto());
    assert_eq!(report.language, Language::Kql);
    assert!(report.ok, "{:#?}", report.diagnostics);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, vec!["KQL120"], "{:#?}", report.diagnostics);
    assert!(
        !report.diagnostics[0].fixes.is_empty(),
        "the repair comes with a fix"
    );
}

#[test]
fn sigma_seed_is_detected_as_sigma() {
    let Some(text) = seed("004_dcom_mmc20_powershell.yml") else {
        return;
    };
    assert_eq!(parse(&text, &auto()).language, Language::Sigma);
}

/// Each seed's lint findings (Defender hunting seeds against the defender schema), as
/// `line:column code message` lines; review every change.
#[test]
fn seed_lint_findings() {
    use rulelab::kql::schema::Profile;
    let seeds = [
        ("000_msi_odbc_dcom.kql", Some(Profile::Defender)),
        ("001_dcom_lateral_movement.yaml", None),
        ("002_msiexec_dll_network.kql", Some(Profile::Defender)),
        ("003_dcom_server_child_process.kql", Some(Profile::Defender)),
        ("004_dcom_mmc20_powershell.yml", None),
    ];
    for (name, profile) in seeds {
        let Some(text) = seed(name) else { return };
        let options = rulelab::LintOptions {
            profile,
            ..Default::default()
        };
        let report = rulelab::lint(&text, &options);
        let lines: Vec<String> = report
            .diagnostics
            .iter()
            .map(|d| {
                format!(
                    "{}:{} {} {}",
                    d.range.start.line + 1,
                    d.range.start.character + 1,
                    d.code,
                    d.message
                )
            })
            .collect();
        insta::assert_yaml_snapshot!(format!("seed_lint_{}", &name[..3]), lines);
    }
}
