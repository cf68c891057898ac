//! `rulelab parse`: one JSON line per input, `{path|id, language, ok, diagnostics}`, with
//! the diagnostics and a summary line on stderr.

use std::io::{self, BufWriter, Write};

use clap::Args;
use rulelab::{LanguageHint, LineIndex, ParseOptions, ParseReport};
use serde::Serialize;

use crate::commands::{Lang, Outcome};
use crate::input::{self, Input, Origin, Unreadable};

#[derive(Args, Debug)]
pub struct ParseArgs {
    /// Language of the inputs; `auto` detects it from the content, not from file names.
    #[arg(long, value_enum, default_value_t = Lang::Auto)]
    pub lang: Lang,
    /// A JSON Lines batch: lines `{id, query}` (KQL) or `{id, rule}` (Sigma / Sentinel YAML);
    /// `-` for stdin. Output lines keep the input order.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<String>,
    /// Print only the summary on stderr, not each diagnostic.
    #[arg(long, short)]
    pub quiet: bool,
    /// Rule files or folders (searched for .kql .csl .kusto .yaml .yml .txt); `-` or none
    /// reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
}

#[derive(Serialize)]
struct ReportLine<'a> {
    #[serde(flatten)]
    origin: &'a Origin,
    #[serde(flatten)]
    report: &'a ParseReport,
}

/// The line for an input that could not be read: same keys, plus the reason.
#[derive(Serialize)]
struct UnreadableLine<'a> {
    #[serde(flatten)]
    origin: &'a Origin,
    language: Option<()>,
    ok: bool,
    diagnostics: [(); 0],
    error: &'a str,
}

#[derive(Default)]
struct Tally {
    inputs: usize,
    with_errors: usize,
    unreadable: usize,
}

pub fn run(args: &ParseArgs) -> Outcome {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut tally = Tally::default();
    let mut outcome = Outcome::Clean;

    for item in input::inputs(&args.paths, args.jsonl.as_deref()) {
        tally.inputs += 1;
        let written = match item {
            Ok(input) => {
                let report = parse(&input, args.lang);
                if !report.ok {
                    tally.with_errors += 1;
                    outcome = outcome.max(Outcome::Findings);
                }
                if !args.quiet {
                    print_diagnostics(&mut err, &input, &report);
                }
                write_line(
                    &mut out,
                    &ReportLine {
                        origin: &input.origin,
                        report: &report,
                    },
                )
            }
            Err(unreadable) => {
                tally.unreadable += 1;
                outcome = Outcome::Failed;
                let _ = match &unreadable.origin {
                    Origin::Path(path) => writeln!(err, "rulelab: {path}: {}", unreadable.message),
                    // Batch messages already say which file and line.
                    Origin::Id(_) => writeln!(err, "rulelab: {}", unreadable.message),
                };
                write_line(&mut out, &unreadable_line(&unreadable))
            }
        };
        if let Err(error) = written {
            // A closed pipe (`| head`) is the reader's choice, not a failure worth a message.
            if error.kind() != io::ErrorKind::BrokenPipe {
                let _ = writeln!(err, "rulelab: cannot write output: {error}");
            }
            return Outcome::Failed;
        }
    }
    if let Err(error) = out.flush() {
        if error.kind() != io::ErrorKind::BrokenPipe {
            let _ = writeln!(err, "rulelab: cannot write output: {error}");
        }
        return Outcome::Failed;
    }
    let _ = writeln!(err, "{}", summary(&tally));
    outcome
}

fn parse(input: &Input, lang: Lang) -> ParseReport {
    let mut language = LanguageHint::from(lang);
    // A JSONL `query` field holds KQL by contract; `rule` fields are detected.
    if input.is_query && language == LanguageHint::Auto {
        language = LanguageHint::Kql;
    }
    let path = match &input.origin {
        Origin::Path(path) => Some(path.clone()),
        Origin::Id(_) => None,
    };
    rulelab::parse(&input.text, &ParseOptions { language, path })
}

fn unreadable_line(unreadable: &Unreadable) -> UnreadableLine<'_> {
    UnreadableLine {
        origin: &unreadable.origin,
        language: None,
        ok: false,
        diagnostics: [],
        error: &unreadable.message,
    }
}

fn write_line(out: &mut impl Write, line: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

/// `path:line:column: severity[code]: message`, 1-based like compilers print them.
fn print_diagnostics(err: &mut impl Write, input: &Input, report: &ParseReport) {
    if report.diagnostics.is_empty() {
        return;
    }
    let label = input.origin.label();
    let index = LineIndex::new(&input.text);
    for diagnostic in &report.diagnostics {
        let start = index.position(&input.text, diagnostic.span.start as usize);
        let _ = writeln!(
            err,
            "{label}:{}:{}: {}[{}]: {}",
            start.line + 1,
            start.character + 1,
            diagnostic.severity.as_str(),
            diagnostic.code,
            diagnostic.message
        );
    }
}

fn summary(tally: &Tally) -> String {
    let parsed = tally.inputs - tally.with_errors - tally.unreadable;
    let mut line = format!(
        "parsed {parsed} of {} ({} with errors",
        tally.inputs, tally.with_errors
    );
    if tally.unreadable > 0 {
        line.push_str(&format!(", {} unreadable", tally.unreadable));
    }
    line.push(')');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_counts_errors_and_unreadable_inputs() {
        let tally = Tally {
            inputs: 3511,
            with_errors: 21,
            unreadable: 0,
        };
        assert_eq!(summary(&tally), "parsed 3490 of 3511 (21 with errors)");
        let tally = Tally {
            inputs: 3,
            with_errors: 1,
            unreadable: 1,
        };
        assert_eq!(
            summary(&tally),
            "parsed 1 of 3 (1 with errors, 1 unreadable)"
        );
    }
}
