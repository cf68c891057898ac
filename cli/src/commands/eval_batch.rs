//! `rulelab eval --jsonl FILE`: one evaluation per line `{id, query|rule, events?, now?}`
//! (KQL or Sigma), answered by one line `{id, ...evaluation, error}` in the same order.

use std::io::{self, BufRead, BufReader, BufWriter, Write};

use rulelab::evaluate::Evaluation;
use rulelab::LanguageHint;
use serde_json::Value;

use super::eval::{write_line, EvalArgs};
use super::eval_kql::options;
use crate::commands::Outcome;

pub fn run(path: &str, args: &EvalArgs) -> Outcome {
    let mut err = io::stderr().lock();
    let base = match options(args) {
        Ok(options) => options,
        Err(message) => {
            let _ = writeln!(err, "rulelab: {message}");
            return Outcome::Failed;
        }
    };
    let reader: Box<dyn BufRead> = if path == "-" {
        Box::new(BufReader::new(io::stdin()))
    } else {
        match std::fs::File::open(path) {
            Ok(file) => Box::new(BufReader::new(file)),
            Err(error) => {
                let _ = writeln!(err, "rulelab: {path}: {error}");
                return Outcome::Failed;
            }
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut total, mut failed) = (0usize, 0usize);
    let mut outcome = Outcome::Clean;
    for (number, line) in reader.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                let _ = writeln!(err, "rulelab: {path}: {error}");
                return Outcome::Failed;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        total += 1;
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(Value::Object(request)) => {
                let id = request
                    .get("id")
                    .cloned()
                    .unwrap_or(Value::from(number + 1));
                let (text, language) = match (request.get("query"), request.get("rule")) {
                    (Some(Value::String(query)), _) => (query.as_str(), LanguageHint::Kql),
                    (_, Some(Value::String(rule))) => (rule.as_str(), LanguageHint::Auto),
                    _ => ("", LanguageHint::Auto),
                };
                if text.is_empty() {
                    error_line(id, "the line has no `query` or `rule` text")
                } else {
                    let events = match request.get("events") {
                        None | Some(Value::Null) => String::new(),
                        Some(Value::String(text)) => text.clone(),
                        Some(other) => other.to_string(),
                    };
                    let mut options = base.clone();
                    options.language = language;
                    if let Some(Value::String(now)) = request.get("now") {
                        options.now = Some(now.clone());
                    }
                    answer_line(id, rulelab::evaluate(text, &events, &options))
                }
            }
            Ok(_) => error_line(Value::from(number + 1), "the line is not a JSON object"),
            Err(error) => error_line(Value::from(number + 1), &format!("invalid JSON: {error}")),
        };
        if !answer.get("error").is_none_or(Value::is_null) {
            failed += 1;
            outcome = Outcome::Findings;
        }
        if let Err(error) = write_line(&mut out, &answer) {
            if error.kind() != io::ErrorKind::BrokenPipe {
                let _ = writeln!(err, "rulelab: cannot write output: {error}");
            }
            return Outcome::Failed;
        }
    }
    if let Err(error) = out.flush() {
        let _ = writeln!(err, "rulelab: cannot write output: {error}");
        return Outcome::Failed;
    }
    let _ = writeln!(
        err,
        "evaluated {} of {total} ({failed} with errors)",
        total - failed
    );
    outcome
}

fn answer_line(id: Value, evaluation: Evaluation) -> Value {
    let mut line = serde_json::to_value(&evaluation).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut line {
        map.insert("id".to_string(), id);
        map.entry("error").or_insert(Value::Null);
    }
    line
}

fn error_line(id: Value, message: &str) -> Value {
    serde_json::json!({"id": id, "error": message})
}
