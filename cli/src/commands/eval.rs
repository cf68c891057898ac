//! `rulelab eval --rule PATH... --events FILE`: evaluates rule files (or folders of them)
//! on events from a JSON array, NDJSON, `{"tables": {...}}` or a Windows `.evtx` file.
//! Output: the evaluation as one JSON object (`json`), one line per match (`ndjson`), or a
//! summary table (`table`); a summary line on stderr, and a progress line while it runs
//! when stderr is a terminal.
//!
//! The rules' language decides the evaluator; each language has its own `run_*` below.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use rulelab::sigma::{self, correlation, EvalOptions, Evaluator, Match, RuleSource};
use rulelab::LineIndex;
use serde_json::Value;

use crate::commands::Outcome;
use crate::input::{self, Origin};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One JSON object: {language, events, rules, matches, correlations, diagnostics}.
    #[default]
    Json,
    /// One JSON line per match, then one per correlation match.
    Ndjson,
    /// A table per rule: level, count, first and last event.
    Table,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Rule files or folders (searched for .yml .yaml .txt ...).
    #[arg(long = "rule", value_name = "PATH", required_unless_present = "jsonl", num_args = 1..)]
    pub rules: Vec<String>,
    /// Events: a JSON array, NDJSON, {"tables": {...}}, or a Windows .evtx file; `-` for stdin.
    #[arg(long, value_name = "FILE", required_unless_present = "jsonl")]
    pub events: Option<String>,
    /// A batch: lines {id, query|rule, events?, now?}; output lines {id, ..., error}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["rules", "events"])]
    pub jsonl: Option<String>,
    /// Table schemas that type KQL events: sentinel (default) or defender.
    #[arg(long, value_name = "PROFILE")]
    pub schema: Option<String>,
    /// Stop a KQL evaluation past this many rows in any intermediate table.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_rows: usize,
    /// Stop a KQL evaluation when an intermediate table would hold more than about this
    /// much memory: bytes, or with a unit (512MB, 2GiB). Default 2GiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<usize>,
    /// Stop a KQL evaluation after this long: seconds, or with a unit (500ms, 30s, 2m).
    /// Default: no limit.
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<u64>,
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// The time `ago()` counts from, for KQL rules (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Sigma `expand` placeholders: a JSON object {"Name": ["value", ...]}.
    #[arg(long, value_name = "FILE")]
    pub placeholders: Option<String>,
    /// The event field that holds its time (Sigma correlations).
    #[arg(long, value_name = "FIELD")]
    pub timestamp_field: Option<String>,
    /// Check every event against every rule, not only rules whose logsource can produce it.
    #[arg(long)]
    pub no_routing: bool,
    /// Print only the summary on stderr, not the rule files' diagnostics.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `512MB` as (512.0, "MB"): the leading number and the rest.
fn number_and_unit(text: &str) -> Option<(f64, &str)> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    Some((number.parse().ok()?, unit))
}

/// `--max-memory`: bytes, or a number with a unit (`KB`/`MB`/`GB` are 1000s, `KiB`/`MiB`/
/// `GiB` 1024s; case-insensitive).
fn parse_size(text: &str) -> Result<usize, String> {
    let text = text.trim();
    let (number, unit) = number_and_unit(text)
        .ok_or_else(|| format!("`{text}` is not a size (e.g. 512MB, 2GiB)"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "m" | "mb" => 1e6,
        "g" | "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        other => {
            return Err(format!(
                "unknown size unit `{other}` (use B, KB, MB, GB, KiB, MiB or GiB)"
            ))
        }
    };
    let bytes = number * scale;
    if !(bytes >= 1.0 && bytes < usize::MAX as f64) {
        return Err(format!("`{text}` is not a usable size"));
    }
    Ok(bytes as usize)
}

/// `--timeout`: milliseconds from seconds, or a number with a unit (`ms`, `s`, `m`).
fn parse_timeout(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let (number, unit) = number_and_unit(text)
        .ok_or_else(|| format!("`{text}` is not a duration (e.g. 500ms, 30s, 2m)"))?;
    let scale = match unit.trim() {
        "ms" => 1.0,
        "" | "s" => 1000.0,
        "m" | "min" => 60_000.0,
        other => return Err(format!("unknown duration unit `{other}` (use ms, s or m)")),
    };
    let ms = number * scale;
    if !(0.0..=u64::MAX as f64).contains(&ms) {
        return Err(format!("`{text}` is not a usable duration"));
    }
    Ok(ms as u64)
}

pub fn run(args: &EvalArgs) -> Outcome {
    if let Some(batch) = &args.jsonl {
        return super::eval_batch::run(batch, args);
    }
    let mut err = io::stderr().lock();
    let mut sources = Vec::new();
    let mut unreadable = 0usize;
    for item in input::inputs(&args.rules, None) {
        match item {
            Ok(input) => {
                let path = match &input.origin {
                    Origin::Path(path) => Some(path.clone()),
                    Origin::Id(id) => Some(id.to_string()),
                };
                sources.push(RuleSource::new(path, input.text));
            }
            Err(failure) => {
                unreadable += 1;
                let _ = writeln!(
                    err,
                    "rulelab: {}: {}",
                    failure.origin.label(),
                    failure.message
                );
            }
        }
    }
    if sources.is_empty() {
        let _ = writeln!(
            err,
            "rulelab: no rule files found in {}",
            args.rules.join(", ")
        );
        return Outcome::Failed;
    }
    let sigma_rules = sources
        .iter()
        .filter(|s| sigma::looks_like_sigma(&s.text))
        .count();
    let outcome = if sigma_rules == sources.len() {
        run_sigma(args, &sources, &mut err)
    } else if sigma_rules == 0 {
        super::eval_kql::run(args, &sources, &mut err)
    } else {
        let _ = writeln!(
            err,
            "rulelab: {} of {} rule files are not Sigma; evaluate KQL and Sigma rules separately",
            sources.len() - sigma_rules,
            sources.len()
        );
        Outcome::Failed
    };
    if unreadable > 0 {
        Outcome::Failed
    } else {
        outcome
    }
}

fn run_sigma(args: &EvalArgs, sources: &[RuleSource], err: &mut impl Write) -> Outcome {
    let placeholders = match &args.placeholders {
        Some(path) => match read_placeholders(path) {
            Ok(table) => table,
            Err(message) => {
                let _ = writeln!(err, "rulelab: {path}: {message}");
                return Outcome::Failed;
            }
        },
        None => BTreeMap::new(),
    };
    let set = sigma::compile(
        sources,
        &sigma::CompileOptions::with_placeholders(placeholders),
    );
    let mut outcome = Outcome::Clean;
    let mut files_with_errors = std::collections::BTreeSet::new();
    for d in &set.diagnostics {
        if d.diagnostic.is_error() {
            files_with_errors.insert(d.source);
            outcome = Outcome::Findings;
        }
        if !args.quiet {
            print_diagnostic(err, sources, d);
        }
    }
    let options = EvalOptions {
        route_by_logsource: !args.no_routing,
        timestamp_field: args.timestamp_field.clone(),
        ..EvalOptions::default()
    };
    let mut evaluator = Evaluator::new(&set, options);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut matches: Vec<Match> = Vec::new();
    let mut table = Table::default();
    let mut match_count = 0usize;
    let mut bad_events = 0usize;
    let mut write_error: Option<io::Error> = None;
    let events_path = args.events.as_deref().unwrap_or("-");
    let mut progress = Progress::new(!args.quiet && io::stderr().is_terminal());
    let read = for_each_event(events_path, |event| {
        let Some(event) = event else {
            bad_events += 1;
            return true;
        };
        let index = evaluator.events_seen();
        let found = evaluator.push(&event);
        match_count += found.len();
        progress.tick(err, index + 1, match_count);
        match args.format {
            Format::Json => matches.extend(found),
            Format::Ndjson => {
                for m in &found {
                    if let Err(e) = write_line(&mut out, m) {
                        write_error = Some(e);
                        return false;
                    }
                }
            }
            Format::Table => table.add(&found, index, &event),
        }
        true
    });
    progress.clear(err);
    if let Err(message) = read {
        let _ = writeln!(err, "rulelab: {events_path}: {message}");
        return Outcome::Failed;
    }
    let events = evaluator.events_seen();
    let (correlations, eval_diagnostics) = evaluator.finish();
    for d in &eval_diagnostics {
        let _ = writeln!(
            err,
            "rulelab: {}[{}]: {}",
            d.severity.as_str(),
            d.code,
            d.message
        );
    }
    let written = match args.format {
        Format::Json => {
            let evaluation = serde_json::json!({
                "language": "sigma",
                "events": events,
                "rules": set.rules.len() + set.correlations.len(),
                "matches": matches,
                "correlations": correlations,
                "diagnostics": eval_diagnostics,
                "rule_diagnostics": set.diagnostics,
            });
            write_line(&mut out, &evaluation)
        }
        Format::Ndjson => correlations
            .iter()
            .try_for_each(|c| write_line(&mut out, c)),
        Format::Table => table.print(&mut out, &correlations),
    };
    if let Some(error) = write_error.or(written.err()).or(out.flush().err()) {
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "rulelab: cannot write output: {error}");
            return Outcome::Failed;
        }
    }
    let matched_rules = table.rules.len();
    let mut summary = format!(
        "evaluated {events} events against {} rules: {match_count} matches, {} correlation matches",
        set.rules.len() + set.correlations.len(),
        correlations.len()
    );
    if args.format == Format::Table {
        summary.push_str(&format!(" ({matched_rules} rules fired)"));
    }
    if !files_with_errors.is_empty() {
        summary.push_str(&format!(
            "; {} of {} rule files with errors",
            files_with_errors.len(),
            sources.len()
        ));
    }
    if bad_events > 0 {
        summary.push_str(&format!("; {bad_events} lines were not JSON objects"));
        outcome = outcome.max(Outcome::Findings);
    }
    let _ = writeln!(err, "{summary}");
    outcome
}

fn print_diagnostic(err: &mut impl Write, sources: &[RuleSource], d: &sigma::SourceDiagnostic) {
    let Some(source) = sources.get(d.source) else {
        return;
    };
    let index = LineIndex::new(&source.text);
    let start = index.position(&source.text, d.diagnostic.span.start as usize);
    let _ = writeln!(
        err,
        "{}:{}:{}: {}[{}]: {}",
        source.path.as_deref().unwrap_or("<rule>"),
        start.line + 1,
        start.character + 1,
        d.diagnostic.severity.as_str(),
        d.diagnostic.code,
        d.diagnostic.message
    );
}

fn read_placeholders(path: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let value: Value = serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    let Value::Object(map) = value else {
        return Err("expected an object {\"Name\": [\"value\", ...]}".to_string());
    };
    let mut table = BTreeMap::new();
    for (name, values) in map {
        let list = match values {
            Value::Array(items) => items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
            Value::String(s) => vec![s],
            other => vec![other.to_string()],
        };
        table.insert(name, list);
    }
    Ok(table)
}

/// Calls `f` with each event (or `None` for a value that is not a JSON object); `f` returns
/// false to stop. The input is a stream of JSON values (NDJSON, or one value over several
/// lines), read as it comes: arrays are expanded, `{"tables": {...}}` yields every row.
/// A Windows event log (`.evtx`, or the `ElfFile` magic) yields its records flattened.
fn for_each_event(path: &str, mut f: impl FnMut(Option<Value>) -> bool) -> Result<(), String> {
    if crate::evtx::is_evtx(path) {
        return crate::evtx::for_each_record(path, f);
    }
    let reader: Box<dyn Read> = if path == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(path).map_err(|e| e.to_string())?)
    };
    let mut reader = BufReader::new(reader);
    let has_bom = reader
        .fill_buf()
        .map_err(|e| e.to_string())?
        .starts_with(&[0xEF, 0xBB, 0xBF]);
    if has_bom {
        reader.consume(3);
    }
    let mut each = |value: Value| -> bool { f(value.is_object().then_some(value)) };
    for value in serde_json::Deserializer::from_reader(reader).into_iter::<Value>() {
        let value = value.map_err(|e| format!("invalid JSON: {e}"))?;
        let keep_going = match value {
            Value::Array(items) => items.into_iter().all(&mut each),
            Value::Object(mut map) if map.len() == 1 && map.contains_key("tables") => {
                match map.remove("tables") {
                    Some(Value::Object(tables)) => tables
                        .into_iter()
                        .flat_map(|(_, rows)| match rows {
                            Value::Array(rows) => rows,
                            _ => Vec::new(),
                        })
                        .all(&mut each),
                    _ => true,
                }
            }
            other => each(other),
        };
        if !keep_going {
            break;
        }
    }
    Ok(())
}

pub(super) fn write_line(out: &mut impl Write, value: &impl serde::Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// A one-line progress display on stderr (events, matches, rate), redrawn at most five
/// times a second and only once the run has taken a second: short runs print nothing.
struct Progress {
    enabled: bool,
    start: Instant,
    last_draw: Option<Instant>,
}

impl Progress {
    fn new(enabled: bool) -> Progress {
        Progress {
            enabled,
            start: Instant::now(),
            last_draw: None,
        }
    }

    fn tick(&mut self, err: &mut impl Write, events: usize, matches: usize) {
        if !self.enabled || !events.is_multiple_of(256) {
            return;
        }
        let now = Instant::now();
        let elapsed = now.duration_since(self.start);
        let due = self
            .last_draw
            .map_or(elapsed >= Duration::from_secs(1), |last| {
                now.duration_since(last) >= Duration::from_millis(200)
            });
        if !due {
            return;
        }
        self.last_draw = Some(now);
        let rate = events as f64 / elapsed.as_secs_f64().max(1e-9);
        let _ = write!(
            err,
            "\r\x1b[2K{events} events, {matches} matches, {rate:.0} events/s"
        );
        let _ = err.flush();
    }

    fn clear(&mut self, err: &mut impl Write) {
        if self.last_draw.is_some() {
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// Per rule: how often it fired and the first and last event (time when the event has one).
#[derive(Default)]
struct Table {
    rules: BTreeMap<String, Row>,
}

struct Row {
    title: String,
    level: String,
    count: usize,
    first: String,
    last: String,
}

impl Table {
    fn add(&mut self, found: &[Match], index: usize, event: &Value) {
        if found.is_empty() {
            return;
        }
        let when = correlation::TIMESTAMP_FIELDS
            .iter()
            .find_map(|f| event.get(*f).and_then(correlation::timestamp))
            .map_or_else(|| format!("#{index}"), correlation::format_micros);
        for m in found {
            let row = self.rules.entry(m.rule.clone()).or_insert_with(|| Row {
                title: m.title.clone(),
                level: m.level.clone().unwrap_or_default(),
                count: 0,
                first: when.clone(),
                last: when.clone(),
            });
            row.count += 1;
            row.last = when.clone();
        }
    }

    fn print(
        &self,
        out: &mut impl Write,
        correlations: &[sigma::CorrelationMatch],
    ) -> io::Result<()> {
        let mut rows: Vec<&Row> = self.rules.values().collect();
        rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.title.cmp(&b.title)));
        let width = rows
            .iter()
            .map(|r| r.title.chars().count())
            .max()
            .unwrap_or(4)
            .clamp(4, 70);
        writeln!(
            out,
            "{:<width$}  {:<13}  {:>6}  {:<28}  {:<28}",
            "rule", "level", "count", "first", "last"
        )?;
        for row in rows {
            let title: String = row.title.chars().take(width).collect();
            writeln!(
                out,
                "{title:<width$}  {:<13}  {:>6}  {:<28}  {:<28}",
                row.level, row.count, row.first, row.last
            )?;
        }
        for c in correlations {
            let group: Vec<String> = c
                .group
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_deref().unwrap_or("null")))
                .collect();
            writeln!(
                out,
                "correlation {} ({}): {} events, value {}, {} .. {} [{}]",
                c.title,
                serde_json::to_value(c.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                c.events.len(),
                c.value,
                c.first,
                c.last,
                group.join(", ")
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_size, parse_timeout};

    #[test]
    fn sizes_take_decimal_and_binary_units() {
        assert_eq!(parse_size("1000"), Ok(1000));
        assert_eq!(parse_size("512MB"), Ok(512_000_000));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1.5kib"), Ok(1536));
        assert!(parse_size("2 parsecs").is_err());
        assert!(parse_size("0").is_err());
    }

    #[test]
    fn timeouts_default_to_seconds() {
        assert_eq!(parse_timeout("30"), Ok(30_000));
        assert_eq!(parse_timeout("500ms"), Ok(500));
        assert_eq!(parse_timeout("2m"), Ok(120_000));
        assert!(parse_timeout("soon").is_err());
    }
}
