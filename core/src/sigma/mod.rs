//! Sigma: parse (YAML with spans, the condition grammar, flattened-YAML repair, Sigma 1.0
//! forms), check against the specification, compile once and evaluate on events, with
//! correlation and filter rules.
//!
//! Where things live:
//!
//! | file | what |
//! |---|---|
//! | `ast.rs` | the typed rule: detection, correlation and filter rules |
//! | `parse.rs` | YAML → rules, collections, shape diagnostics |
//! | `flattened.rs` | repair of YAML that lost its indentation (`SIG110`) |
//! | `condition.lalrpop`, `condition.rs` | the condition grammar and its positions in the file |
//! | `checks.rs` | specification checks: formats, enumerations, references |
//! | `codes.rs` | every `SIG1xx`/`SIG2xx` code |
//! | `pattern.rs` | wildcards and escapes of Sigma strings |
//! | `modifiers/` | every value modifier, one file each where there is logic |
//! | `compile.rs`, `matcher.rs` | rules → matchers (literal/prefix/suffix/substring/regex) |
//! | `prefilter.rs` | literals each rule needs, found for all rules by one Aho-Corasick scan per field |
//! | `event.rs` | events indexed by field, case folded once |
//! | `eval.rs` | evaluation and the reasons for each match |
//! | `correlation.rs` | correlation types over time windows |
//! | `ruleset.rs` | several files compiled together (filters, correlation references) |
//! | `taxonomy.rs` | logsource → channels, event IDs, tables (`core/data/sigma_taxonomy.json`) |
//! | `lint/` | the `SIG3xx` lint rules, one file each in `lint/rules/`, and their reference data |

pub mod ast;
pub mod checks;
pub mod codes;
pub mod compile;
pub mod condition;
pub mod correlation;
pub mod datetime;
pub mod eval;
pub mod event;
pub mod flattened;
pub mod lint;
pub mod matcher;
pub mod modifiers;
pub mod parse;
pub mod pattern;
pub mod prefilter;
pub mod ruleset;
pub mod taxonomy;

use serde::{Deserialize, Serialize};

pub use ast::SigmaRule;
pub use compile::CompileOptions;
pub use correlation::CorrelationMatch;
pub use eval::{EvalOptions, Evaluation, Evaluator, FieldMatch, Match};
pub use parse::Parsed;
pub use ruleset::{RuleSet, RuleSource, SourceDiagnostic};

use crate::diagnostic;

/// Whether a text is Sigma: a detection rule (what content detection recognizes), or a
/// correlation or filter meta rule, which has no `detection` (`title` beside `correlation:`
/// or `filter:` at the start of lines; KQL never starts a line like that).
pub fn looks_like_sigma(text: &str) -> bool {
    use crate::container::detect::{detect, ContentKind};
    if detect(text) == ContentKind::SigmaYaml {
        return true;
    }
    let mut has_title = false;
    let mut has_meta = false;
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}');
        has_title |= line.starts_with("title:");
        has_meta |= line.starts_with("correlation:") || line.starts_with("filter:");
    }
    has_title && has_meta
}

/// Parses a Sigma file (one or more YAML documents) and checks it against the
/// specification. Diagnostics are sorted and carry editor ranges.
pub fn parse(text: &str) -> Parsed {
    let mut parsed = parse::parse_yaml(text);
    for rule in &parsed.rules {
        checks::check(rule, &mut parsed.diagnostics);
    }
    // Editors slice by these spans: keep them on character boundaries, whatever produced them.
    for d in &mut parsed.diagnostics {
        d.span = parse::snap(d.span, text);
        for fix in &mut d.fixes {
            for edit in &mut fix.edits {
                edit.span = parse::snap(edit.span, text);
            }
        }
    }
    diagnostic::sort_and_dedup(&mut parsed.diagnostics);
    diagnostic::locate(&mut parsed.diagnostics, text);
    parsed
}

/// Compiles rule files together (filters and correlations may refer across files).
pub fn compile(sources: &[RuleSource], options: &CompileOptions) -> RuleSet {
    ruleset::compile(sources, options)
}

/// Options of a one-shot evaluation.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EvaluateOptions {
    /// Values of `%placeholders%` for the `expand` modifier.
    pub placeholders: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(flatten)]
    pub eval: EvalOptions,
}

/// Parses one Sigma file and evaluates it on events: the playground's and the wasm
/// `evaluate()`'s entry point. Diagnostics refer to `text`.
pub fn evaluate(text: &str, events: &[serde_json::Value], options: &EvaluateOptions) -> Evaluation {
    let set = compile(
        &[RuleSource::new(None, text)],
        &CompileOptions::with_placeholders(options.placeholders.clone()),
    );
    let mut evaluation = set.evaluate(events, &options.eval);
    let mut diagnostics: Vec<_> = evaluation
        .rule_diagnostics
        .drain(..)
        .map(|d| d.diagnostic)
        .collect();
    diagnostics.append(&mut evaluation.diagnostics);
    evaluation.diagnostics = diagnostics;
    evaluation
}
