//! `rulelab eval --rule RULE.kql --events FILE` for KQL rules (raw or Sentinel YAML): each
//! rule runs on tables built from the events. Output per rule: the evaluation as one JSON
//! line (`json`), one JSON object per result row (`ndjson`), or a grid with the per-stage
//! row counts (`table`).

use std::io::{self, BufWriter, Read, Write};

use rulelab::evaluate::{EvaluateOptions, Evaluation, KqlEvaluation};
use rulelab::kql::schema::Profile;
use rulelab::sigma::RuleSource;
use rulelab::LanguageHint;
use serde_json::{Map, Value};

use super::eval::{write_line, EvalArgs, Format};
use crate::commands::Outcome;

pub fn run(args: &EvalArgs, sources: &[RuleSource], err: &mut impl Write) -> Outcome {
    let options = match options(args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(err, "rulelab: {message}");
            return Outcome::Failed;
        }
    };
    let events_path = args.events.as_deref().unwrap_or("-");
    let events = match read_text(events_path) {
        Ok(text) => text,
        Err(message) => {
            let _ = writeln!(err, "rulelab: {events_path}: {message}");
            return Outcome::Failed;
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut outcome = Outcome::Clean;
    let (mut result_rows, mut failed) = (0usize, 0usize);
    for source in sources {
        let path = source.path.as_deref().unwrap_or("<rule>");
        let Evaluation::Kql(evaluation) = rulelab::evaluate(&source.text, &events, &options) else {
            continue;
        };
        result_rows += evaluation.rows.len();
        if !args.quiet {
            for d in &evaluation.diagnostics {
                let at = d.range.start;
                let _ = writeln!(
                    err,
                    "{path}:{}:{}: {}[{}]: {}",
                    at.line + 1,
                    at.character + 1,
                    d.severity.as_str(),
                    d.code,
                    d.message
                );
            }
        }
        if let Some(error) = &evaluation.error {
            failed += 1;
            outcome = outcome.max(Outcome::Findings);
            let _ = writeln!(err, "{path}: evaluation stopped: {error}");
        }
        let written = match args.format {
            Format::Json => {
                let mut line = serde_json::to_value(&evaluation).unwrap_or(Value::Null);
                if let Value::Object(map) = &mut line {
                    map.insert("path".to_string(), Value::from(path));
                }
                write_line(&mut out, &line)
            }
            Format::Ndjson => {
                write_rows(&mut out, &evaluation, (sources.len() > 1).then_some(path))
            }
            Format::Table => print_table(&mut out, path, &evaluation),
        };
        if let Err(error) = written.and_then(|()| out.flush()) {
            if error.kind() == io::ErrorKind::BrokenPipe {
                break;
            }
            let _ = writeln!(err, "rulelab: cannot write output: {error}");
            return Outcome::Failed;
        }
    }
    let _ = writeln!(
        err,
        "evaluated {} KQL rules: {result_rows} result rows{}",
        sources.len(),
        if failed > 0 {
            format!(" ({failed} stopped with an error)")
        } else {
            String::new()
        }
    );
    outcome
}

/// The evaluation options that `rulelab eval`'s flags set.
pub fn options(args: &EvalArgs) -> Result<EvaluateOptions, String> {
    let profile = match args.schema.as_deref() {
        None => None,
        Some(name) => Some(Profile::parse(name).ok_or_else(|| {
            format!("unknown schema profile `{name}` (use sentinel, defender or none)")
        })?),
    };
    Ok(EvaluateOptions {
        language: LanguageHint::Auto,
        profile,
        now: args.now.clone(),
        max_rows: args.max_rows,
        max_memory_bytes: args
            .max_memory
            .unwrap_or(EvaluateOptions::default().max_memory_bytes),
        max_time_ms: args.timeout,
        ..EvaluateOptions::default()
    })
}

/// A whole file (or stdin for `-`) as text, without a byte order mark.
pub fn read_text(path: &str) -> Result<String, String> {
    let mut text = String::new();
    let read = if path == "-" {
        io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map_err(|e| e.to_string())?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}

fn write_rows(
    out: &mut impl Write,
    evaluation: &KqlEvaluation,
    rule: Option<&str>,
) -> io::Result<()> {
    for row in &evaluation.rows {
        let mut object = Map::new();
        if let Some(rule) = rule {
            object.insert("$rule".to_string(), Value::from(rule));
        }
        for (name, value) in evaluation.columns.iter().zip(row) {
            object.insert(name.clone(), value.clone());
        }
        write_line(out, &Value::Object(object))?;
    }
    Ok(())
}

/// Cells longer than this are cut in the grid (the JSON formats keep them whole).
const CELL_WIDTH: usize = 40;

fn cell_text(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = text.replace(['\n', '\r', '\t'], " ");
    if text.chars().count() > CELL_WIDTH {
        let cut: String = text.chars().take(CELL_WIDTH - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The result as a grid, then where rows were dropped, stage by stage.
fn print_table(out: &mut impl Write, path: &str, evaluation: &KqlEvaluation) -> io::Result<()> {
    writeln!(out, "== {path}")?;
    let cells: Vec<Vec<String>> = evaluation
        .rows
        .iter()
        .map(|row| row.iter().map(cell_text).collect())
        .collect();
    let widths: Vec<usize> = evaluation
        .columns
        .iter()
        .enumerate()
        .map(|(i, name)| {
            cells
                .iter()
                .filter_map(|row| row.get(i))
                .map(|c| c.chars().count())
                .chain([name.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: &mut dyn Iterator<Item = &str>| -> String {
        values
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join(" | ")
            .trim_end()
            .to_string()
    };
    if !evaluation.columns.is_empty() {
        writeln!(
            out,
            "{}",
            line(&mut evaluation.columns.iter().map(String::as_str))
        )?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        writeln!(out, "{}", rule.join("-+-"))?;
        for row in &cells {
            writeln!(out, "{}", line(&mut row.iter().map(String::as_str)))?;
        }
    }
    writeln!(out, "({} rows)", evaluation.rows.len())?;
    if !evaluation.inputs.is_empty() {
        let inputs: Vec<String> = evaluation
            .inputs
            .iter()
            .map(|t| format!("{} {}", t.table, t.rows))
            .collect();
        writeln!(out, "inputs: {}", inputs.join(", "))?;
    }
    for stage in &evaluation.stages {
        writeln!(
            out,
            "  stage {:>2}  {:<24} {:>7} -> {:<7}",
            stage.index, stage.operator, stage.rows_in, stage.rows_out
        )?;
    }
    if let Some(error) = &evaluation.error {
        writeln!(out, "error: {error}")?;
    }
    writeln!(out)
}
