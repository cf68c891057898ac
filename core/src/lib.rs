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
