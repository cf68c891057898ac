//! One-shot evaluation of a rule on sample events: the entry point of `rulelab eval`, the
//! wasm `evaluate()` and the playground. KQL rules (raw or in a Sentinel YAML file) run on
//! tables built from the events (`kql::eval::events`); Sigma rules run on the events as
//! they are (`sigma::evaluate`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::diagnostic::{self, Diagnostic};
use crate::kql::ast::{ExprKind, StatementKind};
use crate::kql::eval::{self as kql_eval, events, Stage};
use crate::kql::schema::{Profile, Schema};
use crate::rule::{KqlQuery, Language, LanguageHint, Rule};
use crate::{kql, sigma};

/// How [`evaluate`] runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EvaluateOptions {
    pub language: LanguageHint,
    /// The table schemas that type the events' columns. Unset: `sentinel`, whose streamed
    /// Defender tables carry both `Timestamp` and `TimeGenerated`.
    pub profile: Option<Profile>,
    /// `now()` / `ago()` count from here (RFC 3339 or any Kusto datetime); unset: the clock.
    pub now: Option<String>,
    /// Stop past this many rows in any intermediate table.
    pub max_rows: usize,
    /// Where events without a `$table`/`Type` field go; unset: the first table the query
    /// reads.
    pub default_table: Option<String>,
    /// Sigma options (placeholders, routing, timestamp field).
    pub sigma: sigma::EvaluateOptions,
}

impl Default for EvaluateOptions {
    fn default() -> EvaluateOptions {
        EvaluateOptions {
            language: LanguageHint::Auto,
            profile: None,
            now: None,
            max_rows: kql_eval::EvalOptions::default().max_rows,
            default_table: None,
            sigma: sigma::EvaluateOptions::default(),
        }
    }
}

/// A KQL evaluation: the result table, the stages with their row counts, and why it
/// stopped if it did.
#[derive(Clone, Debug, Serialize)]
pub struct KqlEvaluation {
    pub language: Language,
    pub columns: Vec<String>,
    pub types: Vec<&'static str>,
    pub rows: Vec<Vec<Json>>,
    pub stages: Vec<Stage>,
    /// Rows per input table, as loaded from the events.
    pub inputs: Vec<InputTable>,
    pub diagnostics: Vec<Diagnostic>,
    /// Why the evaluation stopped (unsupported feature, limit, bad events), or null.
    pub error: Option<String>,
    /// Wall time of the evaluation proper, in milliseconds.
    pub elapsed_ms: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct InputTable {
    pub table: String,
    pub rows: usize,
    /// False when the schema profile does not know the table (its columns were inferred).
    pub known: bool,
}

/// What [`evaluate`] returns, by language.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Evaluation {
    Kql(KqlEvaluation),
    Sigma(sigma::Evaluation),
}

/// Evaluates a rule on events given as text (JSON array, NDJSON or `{"tables": ...}`).
pub fn evaluate(text: &str, events_text: &str, options: &EvaluateOptions) -> Evaluation {
    let rule = Rule::load(text, options.language);
    match rule.language {
        Language::Sigma => Evaluation::Sigma(evaluate_sigma(text, events_text, options)),
        Language::Kql => Evaluation::Kql(evaluate_kql(text, &rule, events_text, options)),
    }
}

fn evaluate_sigma(text: &str, events_text: &str, options: &EvaluateOptions) -> sigma::Evaluation {
    let mut error = None;
    let events: Vec<Json> = match events::parse_events(events_text, events::DEFAULT_TABLE) {
        Ok(tables) => tables.into_values().flatten().map(Json::Object).collect(),
        Err(e) => {
            error = Some(e.message);
            Vec::new()
        }
    };
    let mut evaluation = sigma::evaluate(text, &events, &options.sigma);
    if let Some(message) = error {
        evaluation.diagnostics.push(Diagnostic::error(
            "RL001",
            "invalid-events",
            message,
            crate::Span::new(0, 0),
        ));
    }
    diagnostic::locate(&mut evaluation.diagnostics, text);
    evaluation
}

/// Loaded tables kept between evaluations: the wasm `Workspace`, benchmarks, and anything
/// that runs several queries over the same events.
pub struct Workspace {
    schema: Schema,
    /// Column-stored, so a query's leading `where`/`summarize` reads only what it tests.
    tables: HashMap<String, kql_eval::ColumnTable>,
}

impl Workspace {
    /// A workspace whose events are typed by `profile` (default `sentinel`).
    pub fn new(profile: Option<Profile>) -> Workspace {
        Workspace {
            schema: Schema::for_profile(profile.unwrap_or(Profile::Sentinel)),
            tables: HashMap::new(),
        }
    }

    /// Loads events, replacing the tables they name; rows without a table go to
    /// `default_table`. Returns the tables loaded with their row counts.
    pub fn load_events(
        &mut self,
        events_text: &str,
        default_table: &str,
    ) -> Result<Vec<InputTable>, String> {
        let loaded = events::load_event_columns(events_text, &self.schema, default_table)
            .map_err(|e| e.message)?;
        let mut names: Vec<String> = loaded.keys().cloned().collect();
        names.sort();
        self.tables.extend(loaded);
        Ok(names.iter().map(|name| self.input(name)).collect())
    }

    /// Drops every loaded table.
    pub fn clear(&mut self) {
        self.tables.clear();
    }

    fn input(&self, name: &str) -> InputTable {
        InputTable {
            table: name.to_string(),
            rows: self.tables.get(name).map_or(0, |t| t.len()),
            known: self.schema.table(name).is_some(),
        }
    }

    /// Evaluates a KQL rule (raw or Sentinel YAML) on the loaded tables; a Sigma rule gets
    /// every loaded row as an event.
    pub fn evaluate(&mut self, text: &str, options: &EvaluateOptions) -> Evaluation {
        let rule = Rule::load(text, options.language);
        match rule.language {
            Language::Sigma => {
                let events: Vec<Json> = self
                    .tables
                    .values()
                    .flat_map(|t| {
                        (0..t.len()).map(|r| {
                            let row = t.row(r);
                            let object = t
                                .columns()
                                .iter()
                                .zip(&row)
                                .filter(|(_, v)| !v.is_null())
                                .map(|(c, v)| (c.name.clone(), v.to_json()))
                                .collect();
                            Json::Object(object)
                        })
                    })
                    .collect();
                let mut evaluation = sigma::evaluate(text, &events, &options.sigma);
                diagnostic::locate(&mut evaluation.diagnostics, text);
                Evaluation::Sigma(evaluation)
            }
            Language::Kql => Evaluation::Kql(self.evaluate_kql(text, &rule, options)),
        }
    }

    fn evaluate_kql(
        &mut self,
        text: &str,
        rule: &Rule,
        options: &EvaluateOptions,
    ) -> KqlEvaluation {
        let mut result = kql_result(text, rule);
        let Some(query) = checked_query(rule, &mut result) else {
            return result;
        };
        let now = match evaluation_now(options) {
            Ok(now) => now,
            Err(message) => {
                result.error = Some(message);
                return result;
            }
        };
        let read_tables = tables_read(&query.parsed.query, &self.schema);
        for name in &read_tables {
            if !self.tables.contains_key(name) {
                if let Some(empty) = events::empty_table(name, &self.schema) {
                    self.tables
                        .insert(name.clone(), kql_eval::ColumnTable::from_table(empty));
                }
            }
        }
        result.inputs = read_tables
            .iter()
            .filter(|name| self.tables.contains_key(*name))
            .map(|name| self.input(name))
            .collect();
        let eval_options = kql_eval::EvalOptions {
            now,
            max_rows: options.max_rows,
        };
        let started = Stopwatch::start();
        let outcome = kql_eval::evaluate_inputs(&query.parsed.query, &self.tables, &eval_options);
        result.elapsed_ms = started.elapsed_ms();
        match outcome {
            Ok(evaluation) => {
                result.stages = evaluation.stages;
                if let Some(table) = evaluation.table {
                    result.columns = table.columns.iter().map(|c| c.name.clone()).collect();
                    result.types = table.type_names();
                    result.rows = table
                        .rows
                        .iter()
                        .map(|row| row.iter().map(|v| v.to_json()).collect())
                        .collect();
                }
            }
            Err(error) => result.error = Some(error.message),
        }
        result
    }
}

/// An empty KQL result carrying the rule's own diagnostics.
fn kql_result(text: &str, rule: &Rule) -> KqlEvaluation {
    let mut diagnostics = rule.diagnostics.clone();
    diagnostic::sort_and_dedup(&mut diagnostics);
    diagnostic::locate(&mut diagnostics, text);
    KqlEvaluation {
        language: Language::Kql,
        columns: Vec::new(),
        types: Vec::new(),
        rows: Vec::new(),
        stages: Vec::new(),
        inputs: Vec::new(),
        error: None,
        elapsed_ms: 0.0,
        diagnostics,
    }
}

/// The query, if the rule has one without errors; otherwise says why in `result`.
fn checked_query<'r>(rule: &'r Rule, result: &mut KqlEvaluation) -> Option<&'r KqlQuery> {
    let Some(query) = &rule.kql else {
        result.error = Some("the rule has no query".to_string());
        return None;
    };
    if result.diagnostics.iter().any(Diagnostic::is_error) {
        result.error = Some("the query has errors; fix them to evaluate it".to_string());
        return None;
    }
    Some(query)
}

fn evaluation_now(options: &EvaluateOptions) -> Result<i64, String> {
    match options.now.as_deref() {
        Some(text) => events::parse_event_datetime(text)
            .or_else(|| kql_eval::literal::parse_datetime(text))
            .ok_or_else(|| format!("`now` is not a datetime: {text}")),
        None => Ok(clock_now()),
    }
}

fn evaluate_kql(
    text: &str,
    rule: &Rule,
    events_text: &str,
    options: &EvaluateOptions,
) -> KqlEvaluation {
    let mut workspace = Workspace::new(options.profile);
    let default_table = match (&options.default_table, &rule.kql) {
        (Some(table), _) => table.clone(),
        (None, Some(query)) => tables_read(&query.parsed.query, &workspace.schema)
            .into_iter()
            .next()
            .unwrap_or_else(|| events::DEFAULT_TABLE.to_string()),
        (None, None) => events::DEFAULT_TABLE.to_string(),
    };
    if let Err(message) = workspace.load_events(events_text, &default_table) {
        let mut result = kql_result(text, rule);
        result.error = Some(message);
        return result;
    }
    let mut result = workspace.evaluate_kql(text, rule, options);
    // One-shot callers also see events that went to tables the query does not read.
    let mut names: Vec<&String> = workspace.tables.keys().collect();
    names.sort();
    result.inputs = names.into_iter().map(|n| workspace.input(n)).collect();
    result
}

/// The tables the query reads, in the order it first names them: the schema's tables it
/// names anywhere, then other names that start a pipeline and are not `let` names (a
/// custom table such as `T | where ...`).
fn tables_read(query: &kql::ast::Query, schema: &Schema) -> Vec<String> {
    let lets: Vec<&str> = query
        .statements
        .iter()
        .filter_map(|s| match &s.kind {
            StatementKind::Let { name, .. } => Some(name.name.as_str()),
            _ => None,
        })
        .collect();
    let mut known: Vec<String> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    kql::visit::walk_statements(&query.statements, &mut |expr| match &expr.kind {
        ExprKind::Name(ident)
            if schema.table(&ident.name).is_some() && !known.contains(&ident.name) =>
        {
            known.push(ident.name.clone());
        }
        ExprKind::Name(_) => {}
        ExprKind::Pipeline { source, .. } => {
            if let ExprKind::Name(ident) = &source.kind {
                let name = &ident.name;
                if !lets.contains(&name.as_str()) && !other.contains(name) {
                    other.push(name.clone());
                }
            }
        }
        _ => {}
    });
    other.retain(|name| !known.contains(name));
    known.extend(other);
    known
}

/// The current time in ticks since the Unix epoch (0 where the platform has no clock).
fn clock_now() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        0
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| (d.as_nanos() / 100) as i64)
    }
}

/// Wall time where the platform has a clock; wasm32 has none (`Instant` panics there),
/// so the JavaScript side times its calls itself.
struct Stopwatch(#[cfg(not(target_arch = "wasm32"))] std::time::Instant);

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch(
            #[cfg(not(target_arch = "wasm32"))]
            std::time::Instant::now(),
        )
    }

    fn elapsed_ms(&self) -> f64 {
        #[cfg(not(target_arch = "wasm32"))]
        {
            self.0.elapsed().as_secs_f64() * 1000.0
        }
        #[cfg(target_arch = "wasm32")]
        {
            0.0
        }
    }
}
