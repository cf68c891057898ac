//! WebAssembly bindings of rulelab: a thin translation layer between JavaScript values and
//! the plain types of the core. No language logic lives here.
//!
//! Every export converts bad input into a JavaScript `Error` instead of panicking, because a
//! panic inside WebAssembly kills the module for the whole page.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPESCRIPT_TYPES: &str = r#"
/** The language of a rule. */
export type Language = "kql" | "sigma";

/** Which language to parse as; `auto` detects it from the content. */
export type LanguageHint = "auto" | "kql" | "sigma";

export type Severity = "error" | "warning" | "info" | "hint";

/** A half-open byte range `[start, end)` into the UTF-8 encoding of the text. */
export interface Span {
  start: number;
  end: number;
}

/** An editor position: 0-based line, 0-based UTF-16 code unit within the line. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Replace the text under `span` with `text`. */
export interface TextEdit {
  span: Span;
  text: string;
}

/** A set of edits applied together. */
export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Safe fixes keep the rule's meaning and may be applied without review. */
  is_safe: boolean;
}

export interface Diagnostic {
  /** Stable code such as `KQL102`: KQL1xx syntax, KQL2xx semantic, KQL3xx lint, SIG1xx-SIG3xx for Sigma. */
  code: string;
  /** A readable slug of the code. */
  id: string;
  severity: Severity;
  message: string;
  /** Byte offsets into the UTF-8 text. */
  span: Span;
  /** LSP-style range (0-based line, UTF-16 character); use this in editors. */
  range: Range;
  help?: string;
  fixes?: Fix[];
}

export interface ParseOptions {
  /** Defaults to `auto`. */
  language?: LanguageHint;
  /** The file name, when known; used in messages, never for detection. */
  path?: string | null;
}

export interface ParseResult {
  language: Language;
  /** True when no error-severity diagnostic was found. */
  ok: boolean;
  diagnostics: Diagnostic[];
}

export interface LintConfig {
  /** Rule codes or slugs to turn off. */
  disable?: string[];
  /** Rule codes or slugs mapped to the severity to report them at. */
  severity?: Record<string, Severity>;
}

export interface LintOptions extends ParseOptions {
  config?: LintConfig;
  /** Table schemas to check KQL against; unset: `sentinel` for Sentinel YAML rules, `none` for raw KQL. */
  profile?: "sentinel" | "defender" | "none" | null;
  /** Custom tables as JSON texts (`{table, columns: [{name, type}]}`, a list, or `.show schema as json`). */
  customSchemas?: string[];
}

export interface LintResult {
  language: Language;
  /** Syntax diagnostics plus every enabled lint rule's findings, after suppression comments. */
  diagnostics: Diagnostic[];
}

/** One entry of the lint rule registry. */
export interface LintRule {
  code: string;
  slug: string;
  language: Language;
  severity: Severity;
  category: "correctness" | "performance" | "style" | "detection-quality";
  fix: "none" | "safe" | "unsafe";
  summary: string;
}

export interface EvaluateOptions {
  language?: LanguageHint;
  /** Table schemas that type the events' columns; defaults to `sentinel`. */
  profile?: "sentinel" | "defender" | "none" | null;
  /** `now()` and `ago()` count from here (ISO-8601); defaults to the current time. */
  now?: string | null;
  /** Stop past this many rows in any intermediate table (default 1,000,000); checked before a `range`, `join`, `mv-expand` or `make-series` makes its rows. */
  maxRows?: number;
  /** Stop when an intermediate table would hold more than about this many bytes (default 1 GiB in WebAssembly). */
  maxMemoryBytes?: number;
  /** Stop after this many milliseconds of evaluation (default: no limit); measured with `Date.now()`. */
  maxTimeMs?: number | null;
  /** The compiled-size limit of one regex in bytes (default 1 MiB). */
  maxRegexBytes?: number;
  /** The deepest nesting of user function calls (default 64). */
  maxDepth?: number;
  /** Where events without `$table`/`Type` go; defaults to the first table the query reads. */
  defaultTable?: string | null;
}

/** Rows in and out of one operator. */
export interface Stage {
  index: number;
  operator: string;
  rows_in: number;
  rows_out: number;
}

export interface KqlEvaluation {
  language: "kql";
  columns: string[];
  /** KQL type names, one per column. */
  types: string[];
  /** Datetimes as ISO-8601 UTC strings, timespans as Kusto prints them, dynamic as JSON. */
  rows: unknown[][];
  stages: Stage[];
  /** Rows per input table as loaded; `known` is false when the schema lacks the table. */
  inputs: { table: string; rows: number; known: boolean }[];
  diagnostics: Diagnostic[];
  /** Why the evaluation stopped (unsupported feature, limit, bad events), or null. */
  error: string | null;
  elapsed_ms: number;
}

export interface SigmaMatch {
  /** 0-based index of the event. */
  event: number;
  rule: string;
  title: string;
  level?: string;
  selections: string[];
  fields?: { selection: string; field: string; modifiers?: string[]; value?: string }[];
}

export interface SigmaEvaluation {
  language: "sigma";
  events: number;
  rules: number;
  matches: SigmaMatch[];
  diagnostics: Diagnostic[];
}

/**
 * Evaluates a rule on events: a JSON array, NDJSON text, `{tables: {Name: [...]}}`, or the
 * same as JavaScript values. KQL rows route to tables by `$table` or `Type`.
 */
export function evaluate(text: string, events: string | object[] | object, opts?: EvaluateOptions | null): KqlEvaluation | SigmaEvaluation;

export interface WorkspaceOptions {
  /** Table schemas that type the events' columns; defaults to `sentinel`. */
  profile?: "sentinel" | "defender" | "none" | null;
}

/** Tables loaded once and queried many times (large event sets, benchmarks, editors). */
export class Workspace {
  constructor(opts?: WorkspaceOptions | null);
  /** Loads events, replacing the tables they name; rows without `$table`/`Type` go to `defaultTable` (default `events`). Throws on malformed events. */
  loadEvents(events: string | object[] | object, defaultTable?: string | null): { table: string; rows: number; known: boolean }[];
  /**
   * Loads more events, appending their rows to the tables loaded before (their columns and
   * types stay; new columns are added) or making new tables. For event sets too large for one
   * string: pass chunks of whole NDJSON lines. Returns the tables that got rows with their row
   * counts after appending. Throws on malformed events, appending nothing from that chunk.
   */
  appendEvents(events: string | object[] | object, defaultTable?: string | null): { table: string; rows: number; known: boolean }[];
  /** Evaluates a rule on the loaded tables. */
  evaluate(text: string, opts?: EvaluateOptions | null): KqlEvaluation | SigmaEvaluation;
  /** Drops every loaded table. */
  clear(): void;
  /** Frees the WebAssembly memory behind this object. */
  free(): void;
}

/** A Sigma rule file for `SigmaRuleSet`. */
export interface SigmaRuleSource {
  path?: string | null;
  text: string;
}

/** How `SigmaRuleSet.evaluate` runs. */
export interface SigmaRuleSetOptions {
  /** Check an event only against rules whose logsource can produce it (default true). */
  routeByLogsource?: boolean;
  /** Report the field values behind each match (default true). */
  explain?: boolean;
  /** Stop reporting matches past this many (default 1,000,000). */
  maxMatches?: number;
}

/** Sigma rule files compiled together once (a rule library), evaluated on loaded events. */
export class SigmaRuleSet {
  constructor(rules: SigmaRuleSource[]);
  /** Detection rules compiled (correlations not counted). */
  readonly ruleCount: number;
  /** Parse, check and compile diagnostics, each with its `source` index and `path`. */
  diagnostics(): (Diagnostic & { source: number; path?: string })[];
  /** Loads events (NDJSON or a JSON array), replacing those loaded before; returns how many are objects. Throws on malformed JSON. */
  loadEvents(events: string): number;
  /** Loads the records of a Windows event log (`.evtx`), as `evtxToEvents` converts them, replacing the events loaded before. Throws when the bytes are not an EVTX file. */
  loadEvtx(bytes: Uint8Array | ArrayBuffer, opts?: EvtxOptions | null): { events: number; unreadable: number; truncated: boolean };
  /** Evaluates every rule on the loaded events. */
  evaluate(opts?: SigmaRuleSetOptions | null): { events: number; rules: number; matches: SigmaMatch[] };
  /** Frees the WebAssembly memory behind this object. */
  free(): void;
}

export interface EvtxOptions {
  /** Stop reading past this many records (default 1,000,000). */
  maxRecords?: number;
}

/** The records of a Windows event log as flat events. */
export interface EvtxEvents {
  /**
   * One object per readable record, in file order: the `EventData` / `UserData` fields at top
   * level, the `System` fields by name (`EventID`, `Channel`, `Computer`, `TimeCreated`, ...),
   * their attributes as `Element_Attribute` (`Provider_Name`, `Security_UserID`, ...).
   */
  events: Record<string, unknown>[];
  /** Damaged records that were skipped. */
  unreadable: number;
  /** True when reading stopped at `maxRecords`. */
  truncated: boolean;
}

/**
 * Reads a Windows event log (`.evtx`) into the flat events Sigma rules are written for, the
 * same conversion as `rulelab eval --events FILE.evtx`. Throws an `Error` when the bytes are
 * not an EVTX file and a `TypeError` when `bytes` is neither a `Uint8Array` nor an `ArrayBuffer`.
 */
export function evtxToEvents(bytes: Uint8Array | ArrayBuffer, opts?: EvtxOptions | null): EvtxEvents;

/** Parses and lints a rule. Same errors as `parse`. */
export function lint(text: string, opts?: LintOptions | null): LintResult;

/** The lint rule registry. */
export function rules(): LintRule[];

/**
 * Parses a rule (raw KQL, a Sentinel analytics rule in YAML, or Sigma YAML).
 * Never throws for any text; throws an `Error` when `opts` is malformed and a `TypeError` when `text` is not a string.
 */
export function parse(text: string, opts?: ParseOptions | null): ParseResult;
"#;

/// Parses a rule (raw KQL, a Sentinel analytics rule in YAML, or Sigma YAML) and returns
/// `{language, ok, diagnostics}`. Throws an `Error` when `opts` is malformed and a
/// `TypeError` when `text` is not a string; any text at all is parsed.
///
/// Typed in the custom section above: a generated signature would type the checked `text`
/// as `any` and could not mark a custom-typed `opts` as optional.
#[wasm_bindgen(js_name = parse, skip_typescript)]
pub fn parse(text: JsValue, opts: Option<js_sys::Object>) -> Result<JsValue, JsValue> {
    let text = text_argument("parse", text)?;
    let options = parse_options(opts)?;
    to_js(&rulelab::parse(&text, &options))
}

/// Parses and lints a rule: `{language, diagnostics}`.
#[wasm_bindgen(js_name = lint, skip_typescript)]
pub fn lint(text: JsValue, opts: Option<js_sys::Object>) -> Result<JsValue, JsValue> {
    let text = text_argument("lint", text)?;
    let options: rulelab::LintOptions = match opts {
        None => rulelab::LintOptions::default(),
        Some(object) => serde_wasm_bindgen::from_value(object.into())
            .map_err(|err| error(&format!("invalid lint options: {}", message(&err))))?,
    };
    to_js(&rulelab::lint(&text, &options))
}

/// Evaluates a rule on events (text, or JavaScript arrays/objects, which are serialized).
#[wasm_bindgen(js_name = evaluate, skip_typescript)]
pub fn evaluate(
    text: JsValue,
    events: JsValue,
    opts: Option<js_sys::Object>,
) -> Result<JsValue, JsValue> {
    let text = text_argument("evaluate", text)?;
    let events = events_text(events)?;
    let options = evaluate_options(opts)?;
    to_js(&rulelab::evaluate(&text, &events, &options))
}

/// Events as text: strings as given, JavaScript values serialized to JSON.
fn events_text(events: JsValue) -> Result<String, JsValue> {
    Ok(match events.as_string() {
        Some(text) => text,
        None if events.is_undefined() || events.is_null() => String::new(),
        None => js_sys::JSON::stringify(&events)
            .map_err(|_| error("evaluate: `events` cannot be serialized to JSON"))?
            .as_string()
            .unwrap_or_default(),
    })
}

fn evaluate_options(opts: Option<js_sys::Object>) -> Result<rulelab::EvaluateOptions, JsValue> {
    let mut options: rulelab::EvaluateOptions = match opts {
        None => rulelab::EvaluateOptions::default(),
        Some(object) => serde_wasm_bindgen::from_value(object.into())
            .map_err(|err| error(&format!("invalid evaluate options: {}", message(&err))))?,
    };
    if options.now.is_none() {
        // wasm32 has no clock of its own.
        options.now = js_sys::Date::new_0().to_iso_string().as_string();
    }
    // The clock for `maxTimeMs` and `elapsed_ms` (`Instant` panics on wasm32).
    options.clock = Some(clock_ms);
    Ok(options)
}

/// JavaScript's wall clock in milliseconds.
fn clock_ms() -> f64 {
    js_sys::Date::now()
}

/// Tables loaded once and queried many times.
#[wasm_bindgen(js_name = Workspace, skip_typescript)]
pub struct Workspace {
    inner: rulelab::evaluate::Workspace,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct WorkspaceOptions {
    profile: Option<rulelab::kql::schema::Profile>,
}

#[wasm_bindgen(js_class = Workspace)]
impl Workspace {
    #[wasm_bindgen(constructor)]
    pub fn new(opts: Option<js_sys::Object>) -> Result<Workspace, JsValue> {
        let options: WorkspaceOptions = match opts {
            None => WorkspaceOptions::default(),
            Some(object) => serde_wasm_bindgen::from_value(object.into())
                .map_err(|err| error(&format!("invalid workspace options: {}", message(&err))))?,
        };
        Ok(Workspace {
            inner: rulelab::evaluate::Workspace::new(options.profile),
        })
    }

    #[wasm_bindgen(js_name = loadEvents)]
    pub fn load_events(
        &mut self,
        events: JsValue,
        default_table: Option<String>,
    ) -> Result<JsValue, JsValue> {
        load_with(events, default_table, |text, table| {
            self.inner.load_events(text, table)
        })
    }

    #[wasm_bindgen(js_name = appendEvents)]
    pub fn append_events(
        &mut self,
        events: JsValue,
        default_table: Option<String>,
    ) -> Result<JsValue, JsValue> {
        load_with(events, default_table, |text, table| {
            self.inner.append_events(text, table)
        })
    }

    pub fn evaluate(
        &mut self,
        text: JsValue,
        opts: Option<js_sys::Object>,
    ) -> Result<JsValue, JsValue> {
        let text = text_argument("evaluate", text)?;
        let options = evaluate_options(opts)?;
        to_js(&self.inner.evaluate(&text, &options))
    }

    pub fn clear(&mut self) {
        self.inner.clear();
    }
}

/// Sigma rule files compiled once and evaluated on loaded events: the library-scale path
/// (`rulelab eval --rule DIR`) for the playground and the benchmark.
#[wasm_bindgen(js_name = SigmaRuleSet, skip_typescript)]
pub struct SigmaRuleSet {
    set: rulelab::sigma::RuleSet,
    events: Vec<serde_json::Value>,
}

#[derive(serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SigmaRuleSetOptions {
    route_by_logsource: bool,
    explain: bool,
    max_matches: usize,
}

impl Default for SigmaRuleSetOptions {
    fn default() -> SigmaRuleSetOptions {
        let defaults = rulelab::sigma::EvalOptions::default();
        SigmaRuleSetOptions {
            route_by_logsource: defaults.route_by_logsource,
            explain: defaults.explain,
            max_matches: defaults.max_matches,
        }
    }
}

#[derive(Serialize)]
struct SigmaRuleSetEvaluation {
    events: usize,
    rules: usize,
    matches: Vec<rulelab::sigma::Match>,
}

#[wasm_bindgen(js_class = SigmaRuleSet)]
impl SigmaRuleSet {
    #[wasm_bindgen(constructor)]
    pub fn new(rules: JsValue) -> Result<SigmaRuleSet, JsValue> {
        let sources: Vec<rulelab::sigma::RuleSource> = serde_wasm_bindgen::from_value(rules)
            .map_err(|err| {
                error(&format!(
                    "SigmaRuleSet: expected an array of {{path?, text}}: {}",
                    message(&err)
                ))
            })?;
        let set = rulelab::sigma::compile(&sources, &rulelab::sigma::CompileOptions::default());
        Ok(SigmaRuleSet {
            set,
            events: Vec::new(),
        })
    }

    #[wasm_bindgen(getter, js_name = ruleCount)]
    pub fn rule_count(&self) -> usize {
        self.set.rules.len()
    }

    pub fn diagnostics(&self) -> Result<JsValue, JsValue> {
        to_js(&self.set.diagnostics)
    }

    #[wasm_bindgen(js_name = loadEvents)]
    pub fn load_events(&mut self, events: JsValue) -> Result<usize, JsValue> {
        let text = events_text(events)?;
        let mut loaded = Vec::new();
        for value in serde_json::Deserializer::from_str(&text).into_iter::<serde_json::Value>() {
            let value = value.map_err(|e| error(&format!("loadEvents: invalid JSON: {e}")))?;
            match value {
                serde_json::Value::Array(items) => {
                    loaded.extend(items.into_iter().filter(serde_json::Value::is_object))
                }
                value if value.is_object() => loaded.push(value),
                _ => {}
            }
        }
        self.events = loaded;
        Ok(self.events.len())
    }

    /// Loads the records of an `.evtx` file: `{events, unreadable, truncated}` (counts).
    #[wasm_bindgen(js_name = loadEvtx)]
    pub fn load_evtx(
        &mut self,
        bytes: JsValue,
        opts: Option<js_sys::Object>,
    ) -> Result<JsValue, JsValue> {
        let records = read_evtx("loadEvtx", bytes, opts)?;
        self.events = records.events;
        to_js(&EvtxSummary {
            events: self.events.len(),
            unreadable: records.unreadable,
            truncated: records.truncated,
        })
    }

    pub fn evaluate(&self, opts: Option<js_sys::Object>) -> Result<JsValue, JsValue> {
        let options: SigmaRuleSetOptions = match opts {
            None => SigmaRuleSetOptions::default(),
            Some(object) => serde_wasm_bindgen::from_value(object.into())
                .map_err(|err| error(&format!("invalid evaluate options: {}", message(&err))))?,
        };
        let mut evaluator = rulelab::sigma::Evaluator::new(
            &self.set,
            rulelab::sigma::EvalOptions {
                route_by_logsource: options.route_by_logsource,
                explain: options.explain,
                max_matches: options.max_matches,
                ..rulelab::sigma::EvalOptions::default()
            },
        );
        let mut matches = Vec::new();
        for event in &self.events {
            matches.extend(evaluator.push(event));
        }
        to_js(&SigmaRuleSetEvaluation {
            events: self.events.len(),
            rules: self.set.rules.len(),
            matches,
        })
    }
}

#[derive(Serialize)]
struct EvtxSummary {
    events: usize,
    unreadable: usize,
    truncated: bool,
}

#[derive(serde::Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct EvtxOptions {
    max_records: usize,
}

impl Default for EvtxOptions {
    fn default() -> EvtxOptions {
        EvtxOptions {
            max_records: rulelab::events::evtx::DEFAULT_MAX_RECORDS,
        }
    }
}

/// Reads a Windows event log (`.evtx`, as a `Uint8Array` or `ArrayBuffer`) into flat events:
/// `{events, unreadable, truncated}`.
#[wasm_bindgen(js_name = evtxToEvents, skip_typescript)]
pub fn evtx_to_events(bytes: JsValue, opts: Option<js_sys::Object>) -> Result<JsValue, JsValue> {
    to_js(&read_evtx("evtxToEvents", bytes, opts)?)
}

fn read_evtx(
    function: &str,
    bytes: JsValue,
    opts: Option<js_sys::Object>,
) -> Result<rulelab::events::evtx::Records, JsValue> {
    let bytes = if let Some(array) = bytes.dyn_ref::<js_sys::Uint8Array>() {
        array.to_vec()
    } else if bytes.is_instance_of::<js_sys::ArrayBuffer>() {
        js_sys::Uint8Array::new(&bytes).to_vec()
    } else {
        return Err(js_sys::TypeError::new(&format!(
            "{function}: `bytes` must be a Uint8Array or an ArrayBuffer"
        ))
        .into());
    };
    let options: EvtxOptions = match opts {
        None => EvtxOptions::default(),
        Some(object) => serde_wasm_bindgen::from_value(object.into())
            .map_err(|err| error(&format!("invalid evtx options: {}", message(&err))))?,
    };
    rulelab::events::evtx::read(&bytes, options.max_records)
        .map_err(|m| error(&format!("{function}: {m}")))
}

/// The lint rule registry.
#[wasm_bindgen(js_name = rules, skip_typescript)]
pub fn rules() -> Result<JsValue, JsValue> {
    to_js(&rulelab::lint::docs::all_rules())
}

/// The version of the rulelab core.
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    rulelab::VERSION.to_string()
}

/// The text argument, checked: generated glue for `&str` does not check the JavaScript type,
/// and a number where a string belongs would be read as a pointer.
fn text_argument(function: &str, text: JsValue) -> Result<String, JsValue> {
    text.as_string().ok_or_else(|| {
        js_sys::TypeError::new(&format!("{function}: `text` must be a string")).into()
    })
}

fn parse_options(opts: Option<js_sys::Object>) -> Result<rulelab::ParseOptions, JsValue> {
    match opts {
        None => Ok(rulelab::ParseOptions::default()),
        Some(object) => serde_wasm_bindgen::from_value(object.into())
            .map_err(|err| error(&format!("invalid parse options: {}", message(&err)))),
    }
}

/// Plain JS objects (not `Map`s), absent optional fields left out.
/// Reads events (text or JS value) into a workspace with `load`; rows without a table go to
/// `default_table` (`events` when not given).
fn load_with<T: Serialize>(
    events: JsValue,
    default_table: Option<String>,
    load: impl FnOnce(&str, &str) -> Result<T, String>,
) -> Result<JsValue, JsValue> {
    let events = events_text(events)?;
    let table = default_table.unwrap_or_else(|| "events".to_string());
    let loaded = load(&events, &table).map_err(|m| error(&m))?;
    to_js(&loaded)
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|err| {
        error(&format!(
            "cannot convert the result to JavaScript: {}",
            message(&err)
        ))
    })
}

fn error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// serde-wasm-bindgen errors print as `Error: ...`; keep only the message.
fn message(err: &serde_wasm_bindgen::Error) -> String {
    let text = err.to_string();
    match text.strip_prefix("Error: ") {
        Some(rest) => rest.to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    // The exports need a JavaScript host; natively we check what they wrap.

    #[test]
    fn version_is_the_core_version() {
        assert_eq!(super::version(), rulelab::VERSION);
    }

    #[test]
    fn options_deserialize_from_camel_case_json() {
        let options: rulelab::ParseOptions =
            serde_json::from_str(r#"{"language":"kql","path":"a.kql"}"#).unwrap();
        assert_eq!(options.language, rulelab::LanguageHint::Kql);
        assert_eq!(options.path.as_deref(), Some("a.kql"));
    }
}
