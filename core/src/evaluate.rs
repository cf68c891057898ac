//! One-shot evaluation of a rule on sample events: the entry point of `rulelab eval`, the
//! wasm `evaluate()` and the playground. KQL rules (raw or in a Sentinel YAML file) run on
//! tables built from the events (`kql::eval::events`); Sigma rules run on the events as
//! they are (`sigma::evaluate`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::diagnostic::{self, Diagnostic};
use crate::kql::ast::{ExprKind, OperatorKind, StatementKind};
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
    /// Stop when an intermediate table would hold more than about this many bytes.
    pub max_memory_bytes: usize,
    /// Stop after this many milliseconds; unset: no time limit. On wasm32 the time is read
    /// from `clock`, which the wasm package fills in.
    pub max_time_ms: Option<u64>,
    /// The compiled-size limit of one regex, in bytes.
    pub max_regex_bytes: usize,
    /// The deepest nesting of user function calls.
    pub max_depth: usize,
    /// A wall clock in milliseconds for platforms without `std::time::Instant` (wasm32).
    #[serde(skip)]
    pub clock: Option<kql_eval::limits::Clock>,
    /// Where events without a `$table`/`Type` field go; unset: the first table the query
    /// reads.
    pub default_table: Option<String>,
    /// Sigma options (placeholders, routing, timestamp field).
    pub sigma: sigma::EvaluateOptions,
}

impl Default for EvaluateOptions {
    fn default() -> EvaluateOptions {
        let limits = kql_eval::EvalOptions::default();
        EvaluateOptions {
            language: LanguageHint::Auto,
            profile: None,
            now: None,
            max_rows: limits.max_rows,
            max_memory_bytes: limits.max_memory_bytes,
            max_time_ms: limits.max_time_ms,
            max_regex_bytes: limits.max_regex_bytes,
            max_depth: limits.max_depth,
            clock: None,
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

    /// Loads more events, appending their rows to the tables loaded before (whose columns
    /// and types they follow) or making new tables; rows without a table go to
    /// `default_table`. Large event sets load in chunks this way (each chunk whole JSON
    /// values, e.g. whole NDJSON lines). Returns the tables that got rows, with their row
    /// counts after appending. On malformed events nothing is appended.
    pub fn append_events(
        &mut self,
        events_text: &str,
        default_table: &str,
    ) -> Result<Vec<InputTable>, String> {
        let names =
            events::append_events(events_text, &self.schema, default_table, &mut self.tables)
                .map_err(|e| e.message)?;
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
            max_memory_bytes: options.max_memory_bytes,
            max_time_ms: options.max_time_ms,
            clock: options.clock,
            max_regex_bytes: options.max_regex_bytes,
            max_depth: options.max_depth,
        };
        let started = Stopwatch::start(options.clock);
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
/// custom table such as `T | where ...`) and the tables that stand for outside data
/// (watchlist aliases, `externaldata` URLs, `table("T")`...).
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
        // Outside data read from supplied tables (`kql::eval::external`).
        ExprKind::Call { .. } | ExprKind::Member { .. } => {
            if let Some(reference) = kql_eval::external::reference(expr) {
                let name = reference.table_name().to_string();
                if !other.contains(&name) {
                    other.push(name);
                }
            }
        }
        ExprKind::Source(op) => {
            if let OperatorKind::Externaldata { uris, .. } = &op.kind {
                for url in kql_eval::external::externaldata_urls(uris) {
                    if !other.contains(&url) {
                        other.push(url);
                    }
                }
            }
        }
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

/// Wall time: on the caller's clock when given, else `Instant` where the platform has it;
/// wasm32 has none (`Instant` panics there), so without a clock it reads 0.
enum Stopwatch {
    Clock(kql_eval::limits::Clock, f64),
    #[cfg(not(target_arch = "wasm32"))]
    Instant(std::time::Instant),
    #[cfg(target_arch = "wasm32")]
    None,
}

impl Stopwatch {
    fn start(clock: Option<kql_eval::limits::Clock>) -> Stopwatch {
        match clock {
            Some(clock) => Stopwatch::Clock(clock, clock()),
            #[cfg(not(target_arch = "wasm32"))]
            None => Stopwatch::Instant(std::time::Instant::now()),
            #[cfg(target_arch = "wasm32")]
            None => Stopwatch::None,
        }
    }

    fn elapsed_ms(&self) -> f64 {
        match self {
            Stopwatch::Clock(clock, started) => clock() - started,
            #[cfg(not(target_arch = "wasm32"))]
            Stopwatch::Instant(started) => started.elapsed().as_secs_f64() * 1000.0,
            #[cfg(target_arch = "wasm32")]
            Stopwatch::None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kql(evaluation: Evaluation) -> KqlEvaluation {
        match evaluation {
            Evaluation::Kql(kql) => kql,
            Evaluation::Sigma(_) => panic!("expected a KQL evaluation"),
        }
    }

    /// Many rows sharing few interned names, so the leading `where` answers string tests
    /// from its per-value memo: every operator must still count what a row-by-row test
    /// would, including nulls, negations and mixed case.
    #[test]
    fn leading_where_over_interned_values_matches_row_by_row_counts() {
        let names = ["msiexec.exe", "MsiExec.EXE", "cmd.exe", "svchost.exe"];
        let mut events = String::new();
        for i in 0..4000 {
            match names.get(i % 5) {
                Some(name) => events.push_str(&format!(
                    "{{\"FileName\": \"{name}\", \"CommandLine\": \"{name} /y {i}\", \"N\": {i}}}\n"
                )),
                None => events.push_str(&format!("{{\"N\": {i}}}\n")),
            }
        }
        let mut workspace = Workspace::new(Some(Profile::None));
        workspace.load_events(&events, "T").unwrap();
        let count = |workspace: &mut Workspace, query: &str| -> serde_json::Value {
            let result = kql(workspace.evaluate(query, &EvaluateOptions::default()));
            assert_eq!(result.error, None, "{query}");
            result.rows[0][0].clone()
        };
        let cases = [
            ("T | where FileName =~ 'MSIEXEC.exe' | count", 1600),
            ("T | where FileName !~ 'msiexec.exe' | count", 2400),
            ("T | where FileName == 'msiexec.exe' | count", 800),
            (
                "T | where FileName in~ ('CMD.EXE', 'svchost.exe') | count",
                1600,
            ),
            (
                "T | where FileName !in~ ('CMD.EXE', 'svchost.exe') | count",
                2400,
            ),
            ("T | where CommandLine has_any ('/y', '/z') | count", 3200),
            ("T | where FileName matches regex '^[Mm]si' | count", 1600),
            (
                "T | where isnull(FileName) or FileName startswith 'svc' | count",
                1600,
            ),
            (
                "T | where FileName endswith '.exe' and N > 1999 | count",
                1600,
            ),
            (
                "T | where FileName =~ 'msiexec.exe' | where N < 100 | count",
                40,
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(
                count(&mut workspace, query),
                serde_json::json!(expected),
                "{query}"
            );
        }
        // `summarize by` a string column finds groups by the interned value's address;
        // equal text in separate allocations (the computed column) still forms one group.
        let result = kql(workspace.evaluate(
            "T | summarize n = count() by FileName | order by FileName asc",
            &EvaluateOptions::default(),
        ));
        let groups: Vec<(serde_json::Value, serde_json::Value)> = result
            .rows
            .iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        use serde_json::json;
        assert_eq!(
            groups,
            [
                (json!(null), json!(800)),
                (json!("MsiExec.EXE"), json!(800)),
                (json!("cmd.exe"), json!(800)),
                (json!("msiexec.exe"), json!(800)),
                (json!("svchost.exe"), json!(800)),
            ]
        );
        let result = kql(workspace.evaluate(
            "T | extend F = tolower(FileName) | summarize n = count() by F | where F == 'msiexec.exe'",
            &EvaluateOptions::default(),
        ));
        assert_eq!(result.rows, [[json!("msiexec.exe"), json!(1600)]]);
        // The stage counts follow each fused `where`.
        let result = kql(workspace.evaluate(
            "T | where FileName =~ 'msiexec.exe' | where N < 100 | count",
            &EvaluateOptions::default(),
        ));
        let counts: Vec<(usize, usize)> = result
            .stages
            .iter()
            .map(|s| (s.rows_in, s.rows_out))
            .collect();
        assert_eq!(counts[..2], [(4000, 1600), (1600, 40)]);
    }

    #[test]
    fn append_events_adds_rows_to_loaded_tables() {
        let mut workspace = Workspace::new(Some(Profile::None));
        let loaded = workspace
            .load_events(
                "{\"Host\": \"a\", \"N\": 1}\n{\"Host\": \"b\", \"N\": 2}\n",
                "T",
            )
            .unwrap();
        assert_eq!(loaded.first().map(|t| t.rows), Some(2));
        // A later chunk: a new column, a row for another table, N as a string (converted
        // to the long the first chunk inferred).
        let appended = workspace
            .append_events(
                "{\"Host\": \"c\", \"N\": \"3\", \"Extra\": true}\n{\"$table\": \"U\", \"x\": 1}\n",
                "T",
            )
            .unwrap();
        let counts: Vec<(String, usize)> =
            appended.into_iter().map(|t| (t.table, t.rows)).collect();
        assert_eq!(counts, vec![("T".to_string(), 3), ("U".to_string(), 1)]);
        let result = kql(workspace.evaluate(
            "T | summarize total = sum(N), extras = countif(Extra)",
            &EvaluateOptions::default(),
        ));
        assert_eq!(result.error, None);
        assert_eq!(result.rows, vec![vec![Json::from(6), Json::from(1)]]);
        let result = kql(workspace.evaluate("T | project Extra", &EvaluateOptions::default()));
        assert_eq!(result.types, vec!["bool"]);
        assert_eq!(
            result.rows,
            vec![vec![Json::Null], vec![Json::Null], vec![Json::Bool(true)]]
        );
    }

    #[test]
    fn append_events_on_an_empty_workspace_loads() {
        let mut workspace = Workspace::new(None);
        let appended = workspace.append_events("[{\"a\": 1}]", "T").unwrap();
        assert_eq!(appended.first().map(|t| t.rows), Some(1));
        let error = workspace.append_events("{\"a\": ", "T").unwrap_err();
        assert!(error.starts_with("events are not JSON"), "{error}");
        assert_eq!(workspace.input("T").rows, 1);
    }

    #[test]
    fn limits_pass_through_evaluate_options() {
        let options = EvaluateOptions {
            max_rows: 100,
            ..EvaluateOptions::default()
        };
        let result = kql(evaluate("range x from 1 to 1000 step 1", "", &options));
        let error = result.error.unwrap_or_default();
        assert!(
            error.starts_with("row limit reached: range would produce 1000 rows"),
            "{error}"
        );
        let options = EvaluateOptions {
            max_depth: 3,
            max_memory_bytes: 1 << 30,
            max_regex_bytes: 1 << 20,
            max_time_ms: Some(60_000),
            ..EvaluateOptions::default()
        };
        let query = "let f = (n: long) { f(n) }; print f(1)";
        let error = kql(evaluate(query, "", &options)).error.unwrap_or_default();
        assert!(
            error.starts_with("recursion limit reached: more than 3"),
            "{error}"
        );
    }

    #[test]
    fn one_shot_events_go_to_the_watchlist_the_query_reads() {
        let events = "{\"SearchKey\": \"host1\"}\n{\"SearchKey\": \"host2\"}\n";
        let result = kql(evaluate(
            "_GetWatchlist('HighValueAssets') | count",
            events,
            &EvaluateOptions::default(),
        ));
        assert_eq!(result.error, None, "{:?}", result.diagnostics);
        assert_eq!(result.rows, vec![vec![Json::from(2)]]);
        let result = kql(evaluate(
            "externaldata(SearchKey: string) ['https://example.com/hosts.csv'] | count",
            events,
            &EvaluateOptions::default(),
        ));
        assert_eq!(result.error, None, "{:?}", result.diagnostics);
        assert_eq!(result.rows, vec![vec![Json::from(2)]]);
        let tables = r#"{"tables": {"Hosts": [{"Name": "a"}, {"Name": "b"}, {"Name": "c"}]}}"#;
        for query in [
            "table('Hosts') | count",
            "database('Security').Hosts | count",
            "cluster('https://c.kusto.windows.net').database('Security').Hosts | count",
        ] {
            let result = kql(evaluate(query, tables, &EvaluateOptions::default()));
            assert_eq!(result.error, None, "{query}: {:?}", result.diagnostics);
            assert_eq!(result.rows, vec![vec![Json::from(3)]], "{query}");
        }
        let result = kql(evaluate(
            "database('Security').Other | count",
            tables,
            &EvaluateOptions::default(),
        ));
        let error = result.error.unwrap_or_default();
        assert!(
            error.starts_with("not available offline: database(\"Security\").Other"),
            "{error}"
        );
    }
}
