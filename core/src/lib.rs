//! rulelab: parse, lint, explain and evaluate security detection rules written in KQL and
//! Sigma. All language logic lives here; the CLI, WebAssembly package, playground and editor
//! only translate between the outside world and these plain types.
//!
//! Parsing never fails: every entry point returns a result plus diagnostics.

pub mod container;
pub mod diagnostic;
pub mod evaluate;
pub mod events;
pub mod kql;
pub mod lint;
pub mod rule;
pub mod sigma;
pub mod source;
pub mod suggest;
pub mod value;

pub use diagnostic::{Diagnostic, Fix, Severity, TextEdit};
pub use evaluate::{evaluate, EvaluateOptions, Evaluation};
pub use rule::{Language, LanguageHint, Rule};
pub use source::{LineIndex, Position, Range, Span};

use serde::{Deserialize, Serialize};

/// The version of the rulelab core.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ParseOptions {
    /// `auto` (default) detects the language from the content, not from labels.
    pub language: LanguageHint,
    /// The file name, when known; used for messages, never for detection.
    pub path: Option<String>,
}

/// What `rulelab parse` and the wasm `parse()` report for one input.
#[derive(Clone, Debug, Serialize)]
pub struct ParseReport {
    pub language: Language,
    /// True when no error-severity diagnostic was found.
    pub ok: bool,
    /// Diagnostics with spans and ranges relative to the input text as given.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a rule (raw KQL, a Sentinel analytics rule in YAML, or Sigma YAML).
pub fn parse(text: &str, options: &ParseOptions) -> ParseReport {
    let rule = Rule::load(text, options.language);
    let mut diagnostics = rule.diagnostics.clone();
    diagnostic::sort_and_dedup(&mut diagnostics);
    diagnostic::locate(&mut diagnostics, text);
    ParseReport {
        language: rule.language,
        ok: !diagnostics.iter().any(Diagnostic::is_error),
        diagnostics,
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LintOptions {
    pub language: LanguageHint,
    pub path: Option<String>,
    /// Disabled rules and severity overrides.
    pub config: lint::LintConfig,
    /// Which table schemas to check KQL against (`sentinel`, `defender`, `none`). Unset:
    /// `sentinel` for Sentinel analytics rules, `none` (no table or column checks) for raw
    /// KQL, whose origin is unknown.
    pub profile: Option<kql::schema::Profile>,
    /// Custom table schemas as JSON texts (`{"table", "columns": [{"name", "type"}]}`, a
    /// list of those, or a `.show schema as json` document), added to the profile's tables.
    pub custom_schemas: Vec<String>,
}

/// What `rulelab lint` and the wasm `lint()` report for one input: the parse diagnostics
/// plus every enabled lint rule's findings, after suppression comments.
#[derive(Clone, Debug, Serialize)]
pub struct LintReport {
    pub language: Language,
    pub diagnostics: Vec<Diagnostic>,
}

/// One file of a rule library for [`lint_library`].
#[derive(Clone, Copy, Debug)]
pub struct LibraryFile<'a> {
    /// The file's path as given (file-name conventions, and other files' messages name it).
    pub path: Option<&'a str>,
    pub text: &'a str,
}

/// Lints files as one rule library: each as [`lint`] does (with its own path; the path in
/// `options` is not used), plus, when two or more files are Sigma, what only the library
/// shows: ids, titles and file names used in several files, filters and correlations naming
/// a rule no file defines, correlations in a cycle (`sigma::lint::library_findings`).
/// Suppression comments apply to these too. One report per file, in order.
pub fn lint_library(files: &[LibraryFile<'_>], options: &LintOptions) -> Vec<LintReport> {
    let mut reports: Vec<LintReport> = files
        .iter()
        .map(|file| {
            let options = LintOptions {
                path: file.path.map(str::to_string),
                ..options.clone()
            };
            lint(file.text, &options)
        })
        .collect();
    let sigma: Vec<usize> = reports
        .iter()
        .enumerate()
        .filter(|(_, r)| r.language == Language::Sigma)
        .map(|(i, _)| i)
        .collect();
    if sigma.len() < 2 {
        return reports;
    }
    let members: Vec<(Option<&str>, &str)> = sigma
        .iter()
        .filter_map(|&i| files.get(i))
        .map(|f| (f.path, f.text))
        .collect();
    let found = sigma::lint::library_findings(&members, &options.config);
    for (&i, mut extra) in sigma.iter().zip(found) {
        let (Some(report), Some(file)) = (reports.get_mut(i), files.get(i)) else {
            continue;
        };
        if extra.is_empty() {
            continue;
        }
        lint::suppression::Suppressions::parse(file.text).apply(file.text, &mut extra);
        report.diagnostics.extend(extra);
        diagnostic::sort_and_dedup(&mut report.diagnostics);
        diagnostic::locate(&mut report.diagnostics, file.text);
    }
    reports
}

/// Parses and lints a rule. Spans and ranges are relative to `text` as given.
pub fn lint(text: &str, options: &LintOptions) -> LintReport {
    let rule = Rule::load(text, options.language);
    let mut diagnostics = rule.diagnostics.clone();
    if let Some(query) = &rule.kql {
        let profile = options.profile.unwrap_or(match rule.sentinel() {
            Some(_) => kql::schema::Profile::Sentinel,
            None => kql::schema::Profile::None,
        });
        let mut schema = kql::schema::Schema::for_profile(profile);
        for (i, json) in options.custom_schemas.iter().enumerate() {
            match schema.clone().with_custom(json) {
                Ok(extended) => schema = extended,
                Err(error) => diagnostics.push(Diagnostic::error(
                    "KQL123",
                    "invalid-custom-schema",
                    format!("custom schema {} is not usable: {}", i + 1, error.message),
                    Span::new(0, 0),
                )),
            }
        }
        let analysis = kql::analyze::analyze(&query.parsed.query, &schema);
        let env = kql::lint::LintEnv {
            schema: (!schema.is_empty()).then_some(&schema),
            types: Some(&analysis.types),
            query_period: rule.sentinel().and_then(|s| s.query_period.as_deref()),
        };
        let mut found =
            kql::lint::lint_query_with(&query.text, &query.parsed.query, &options.config, env);
        found.extend(analysis.diagnostics);
        diagnostics.extend(found.into_iter().map(|d| query.offsets.diagnostic(d)));
    }
    if rule.language == Language::Sigma {
        let parsed = sigma::parse::parse_yaml(text);
        diagnostics.extend(sigma::lint::lint_file(
            text,
            options.path.as_deref(),
            &parsed.rules,
            &options.config,
        ));
    }
    lint::suppression::Suppressions::parse(text).apply(text, &mut diagnostics);
    diagnostic::sort_and_dedup(&mut diagnostics);
    diagnostic::locate(&mut diagnostics, text);
    LintReport {
        language: rule.language,
        diagnostics,
    }
}

#[cfg(test)]
mod library_tests {
    use super::*;

    const RULE: &str = "title: Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
level: high
";

    fn codes(report: &LintReport) -> Vec<&str> {
        report.diagnostics.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn sigma_files_linted_together_see_each_others_titles() {
        let other = RULE.replace(
            "929a690e-bef0-4204-a928-ef5e620d6fcc",
            "1b4bd7e5-0c93-4a1e-9b0e-1b7c3d2f2a11",
        );
        let files = [
            LibraryFile {
                path: Some("a.yml"),
                text: RULE,
            },
            LibraryFile {
                path: Some("b.yml"),
                text: &other,
            },
        ];
        let reports = lint_library(&files, &LintOptions::default());
        for (report, file) in reports.iter().zip(&files) {
            let alone = lint(
                file.text,
                &LintOptions {
                    path: file.path.map(str::to_string),
                    ..Default::default()
                },
            );
            assert!(!codes(&alone).contains(&"SIG303"), "{:?}", codes(&alone));
            let title = report
                .diagnostics
                .iter()
                .find(|d| d.code == "SIG303")
                .unwrap_or_else(|| panic!("no SIG303 in {:?}", codes(report)));
            // Located like every other diagnostic: line 0 is the title.
            assert_eq!(title.range.start.line, 0);
            assert_eq!(report.diagnostics.len(), alone.diagnostics.len() + 1);
        }
    }

    #[test]
    fn suppression_comments_cover_library_findings() {
        let suppressed = format!("# rulelab-disable-file SIG303\n{RULE}").replace(
            "929a690e-bef0-4204-a928-ef5e620d6fcc",
            "1b4bd7e5-0c93-4a1e-9b0e-1b7c3d2f2a11",
        );
        let files = [
            LibraryFile {
                path: None,
                text: RULE,
            },
            LibraryFile {
                path: None,
                text: &suppressed,
            },
        ];
        let reports = lint_library(&files, &LintOptions::default());
        assert!(codes(&reports[0]).contains(&"SIG303"));
        assert!(!codes(&reports[1]).contains(&"SIG303"));
    }

    #[test]
    fn one_sigma_file_or_kql_is_linted_as_on_its_own() {
        let files = [
            LibraryFile {
                path: None,
                text: RULE,
            },
            LibraryFile {
                path: None,
                text: "DeviceProcessEvents | take 1",
            },
        ];
        let reports = lint_library(&files, &LintOptions::default());
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[1].language, Language::Kql);
        let alone = lint(RULE, &LintOptions::default());
        assert_eq!(codes(&reports[0]), codes(&alone));
    }
}
