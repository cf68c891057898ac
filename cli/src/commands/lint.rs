//! `rulelab lint`: every lint rule over each input. `--format text` prints annotated source
//! snippets (like rustc or ruff), `json` one line per input, `sarif` one SARIF 2.1.0 log.
//! `--fix` applies safe fixes to files in place. Exit 1 when an error was found.
//! The files and folders given are linted as one rule library: Sigma files are also checked
//! against each other (duplicate ids and titles, filters naming rules no file defines).

use std::io::{self, BufWriter, Write};

use clap::{Args, ValueEnum};
use rulelab::kql::schema::Profile;
use rulelab::lint::LintConfig;
use rulelab::{
    Diagnostic, LanguageHint, LibraryFile, LineIndex, LintOptions, LintReport, Severity,
};
use serde::Serialize;
use serde_json::json;

use crate::commands::{Lang, Outcome};
use crate::input::{self, Input, Origin};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets on stdout, a summary on stderr.
    #[default]
    Text,
    /// One JSON line per input: {path|id, language, diagnostics}.
    Json,
    /// One SARIF 2.1.0 log for all inputs.
    Sarif,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Language of the inputs; `auto` detects it from the content.
    #[arg(long, value_enum, default_value_t = Lang::Auto)]
    pub lang: Lang,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// A JSON Lines batch: lines `{id, query}` or `{id, rule}`; `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Option<String>,
    /// Table schemas to check against: `sentinel`, `defender` or `none` (default: sentinel
    /// for Sentinel analytics rules, none for raw KQL), or a JSON file or folder of JSON
    /// files with custom tables (added to the sentinel profile).
    #[arg(long, value_name = "PROFILE|PATH", value_parser = parse_schema)]
    pub schema: Option<SchemaChoice>,
    /// A `rulelab.toml` to use instead of the nearest one (profile, disabled rules,
    /// severities).
    #[arg(long, value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Rule codes or slugs to turn off (repeatable, or comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub disable: Vec<String>,
    /// Apply safe fixes to the files in place (not to stdin or JSONL inputs).
    #[arg(long)]
    pub fix: bool,
    /// Rule files or folders; `-` or none reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
}

#[derive(Serialize)]
struct JsonLine<'a> {
    #[serde(flatten)]
    origin: &'a Origin,
    #[serde(flatten)]
    report: &'a LintReport,
}

struct Linted<'a> {
    input: &'a Input,
    report: LintReport,
}

pub fn run(args: &LintArgs) -> Outcome {
    let (config, profile, custom_schemas) = match settings(args) {
        Ok(settings) => settings,
        Err(message) => {
            let _ = writeln!(io::stderr(), "rulelab: {message}");
            return Outcome::Failed;
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let stderr = io::stderr();
    let mut err = stderr.lock();
    let mut outcome = Outcome::Clean;
    let mut linted = Vec::new();
    let (mut inputs, mut findings, mut fixed) = (0usize, 0usize, 0usize);

    let mut batch = Vec::new();
    for item in input::inputs(&args.paths, args.jsonl.as_deref()) {
        inputs += 1;
        match item {
            Ok(input) => batch.push(input),
            Err(unreadable) => {
                let _ = writeln!(
                    err,
                    "rulelab: {}: {}",
                    unreadable.origin.label(),
                    unreadable.message
                );
                outcome = Outcome::Failed;
            }
        }
    }
    let options_for = |input: &Input| {
        let mut language = LanguageHint::from(args.lang);
        if input.is_query && language == LanguageHint::Auto {
            language = LanguageHint::Kql;
        }
        LintOptions {
            profile,
            language,
            // Sigma's file-name conventions (SIG324-SIG326) need the path.
            path: match &input.origin {
                Origin::Path(path) => Some(path.clone()),
                Origin::Id(_) => None,
            },
            config: config.clone(),
            custom_schemas: custom_schemas.clone(),
        }
    };
    if args.fix {
        for input in &mut batch {
            let Origin::Path(path) = &input.origin else {
                continue;
            };
            let report = rulelab::lint(&input.text, &options_for(input));
            match apply_safe_fixes(path, &input.text, &report.diagnostics) {
                Ok(0) => {}
                Ok(count) => {
                    fixed += count;
                    // Report what is left after fixing.
                    if let Ok(text) = std::fs::read_to_string(path) {
                        input.text = text;
                    }
                }
                Err(error) => {
                    let _ = writeln!(err, "rulelab: {path}: cannot write fixes: {error}");
                    outcome = Outcome::Failed;
                }
            }
        }
    }

    for (input, report) in batch.iter().zip(lint_all(&batch, options_for)) {
        findings += report.diagnostics.len();
        if report.diagnostics.iter().any(Diagnostic::is_error) {
            outcome = outcome.max(Outcome::Findings);
        }
        let written = match args.format {
            Format::Text => write_text(&mut out, input, &report),
            Format::Json => write_json(&mut out, input, &report),
            Format::Sarif => {
                linted.push(Linted { input, report });
                Ok(())
            }
        };
        if written.is_err() {
            return Outcome::Failed;
        }
    }
    if args.format == Format::Sarif {
        let log = sarif(&linted);
        if serde_json::to_writer_pretty(&mut out, &log).is_err() || writeln!(out).is_err() {
            return Outcome::Failed;
        }
    }
    if out.flush().is_err() {
        return Outcome::Failed;
    }
    let mut summary = format!("linted {inputs} inputs: {findings} findings");
    if args.fix {
        summary.push_str(&format!(", {fixed} safe fixes applied"));
    }
    let _ = writeln!(err, "{summary}");
    outcome
}

/// One report per input, in order. The files and folders given on the command line are one
/// rule library (`rulelab::lint_library`): Sigma files among them are also checked against
/// each other (duplicate ids, titles and file names; filters and correlations naming rules
/// no file defines). JSONL lines and stdin are linted each on its own.
fn lint_all(batch: &[Input], options_for: impl Fn(&Input) -> LintOptions) -> Vec<LintReport> {
    let is_file = |input: &Input| matches!(&input.origin, Origin::Path(path) if path != "-");
    let files: Vec<LibraryFile<'_>> = batch
        .iter()
        .filter(|input| is_file(input))
        .map(|input| LibraryFile {
            path: match &input.origin {
                Origin::Path(path) => Some(path.as_str()),
                Origin::Id(_) => None,
            },
            text: &input.text,
        })
        .collect();
    let library = match batch.iter().find(|input| is_file(input)) {
        Some(first) => rulelab::lint_library(&files, &options_for(first)),
        None => Vec::new(),
    };
    let mut library = library.into_iter();
    batch
        .iter()
        .map(|input| {
            let from_library = if is_file(input) { library.next() } else { None };
            from_library.unwrap_or_else(|| rulelab::lint(&input.text, &options_for(input)))
        })
        .collect()
}

/// The lint configuration: `rulelab.toml` (given or nearest), then the flags on top.
type Settings = (LintConfig, Option<Profile>, Vec<String>);

fn settings(args: &LintArgs) -> Result<Settings, String> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|dir| crate::config::find(&dir)),
    };
    let file = match path {
        Some(path) => crate::config::load(&path)?,
        None => crate::config::Config::default(),
    };
    let mut config = file.lint.clone();
    config.disable.extend(args.disable.iter().cloned());
    let (profile, custom) = match &args.schema {
        Some(SchemaChoice::Profile(profile)) => (Some(*profile), Vec::new()),
        Some(SchemaChoice::Custom(path)) => (Some(Profile::Sentinel), read_schemas(path)?),
        None => (file.profile()?, Vec::new()),
    };
    Ok((config, profile, custom))
}

/// `--schema`: a profile name, or a path to custom table schemas.
#[derive(Clone, Debug)]
pub enum SchemaChoice {
    Profile(Profile),
    Custom(std::path::PathBuf),
}

fn parse_schema(text: &str) -> Result<SchemaChoice, String> {
    if let Some(profile) = Profile::parse(text) {
        return Ok(SchemaChoice::Profile(profile));
    }
    let path = std::path::PathBuf::from(text);
    if path.exists() {
        return Ok(SchemaChoice::Custom(path));
    }
    Err(format!(
        "`{text}` is neither a schema profile (sentinel, defender, none) nor a file or folder"
    ))
}

/// The JSON texts of a schema file, or of every `.json` file in a folder (sorted).
fn read_schemas(path: &std::path::Path) -> Result<Vec<String>, String> {
    let mut files = Vec::new();
    if path.is_dir() {
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in entries.flatten() {
            let file = entry.path();
            if file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"))
            {
                files.push(file);
            }
        }
        files.sort();
    } else {
        files.push(path.to_path_buf());
    }
    files
        .iter()
        .map(|file| std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display())))
        .collect()
}

fn write_json(out: &mut impl Write, input: &Input, report: &LintReport) -> io::Result<()> {
    serde_json::to_writer(
        &mut *out,
        &JsonLine {
            origin: &input.origin,
            report,
        },
    )?;
    out.write_all(b"\n")
}

/// `severity[CODE]: message`, the source line with carets under the span, help and fixes.
fn write_text(out: &mut impl Write, input: &Input, report: &LintReport) -> io::Result<()> {
    let label = input.origin.label();
    let index = LineIndex::new(&input.text);
    for d in &report.diagnostics {
        let start = d.range.start;
        writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code, d.message)?;
        writeln!(
            out,
            "  --> {label}:{}:{}",
            start.line + 1,
            start.character + 1
        )?;
        let line_start = index.line_start(start.line as usize);
        let line_end = index
            .line_start(start.line as usize + 1)
            .min(input.text.len());
        let line = input
            .text
            .get(line_start..line_end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r']);
        let number = (start.line + 1).to_string();
        let gutter = " ".repeat(number.len());
        // Carets under the span's part on this line, counted in characters.
        let span_start = (d.span.start as usize).clamp(line_start, line_start + line.len());
        let span_end = (d.span.end as usize).clamp(span_start, line_start + line.len());
        let before = input
            .text
            .get(line_start..span_start)
            .map(|s| s.chars().count())
            .unwrap_or(0);
        let width = input
            .text
            .get(span_start..span_end)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            .max(1);
        writeln!(out, "{gutter} |")?;
        writeln!(out, "{number} | {line}")?;
        writeln!(
            out,
            "{gutter} | {}{} {}",
            " ".repeat(before),
            "^".repeat(width),
            d.id
        )?;
        if let Some(help) = &d.help {
            writeln!(out, "{gutter} = help: {help}")?;
        }
        for fix in &d.fixes {
            let kind = if fix.is_safe {
                "fix"
            } else {
                "suggestion (unsafe)"
            };
            writeln!(out, "{gutter} = {kind}: {}", fix.title)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn apply_safe_fixes(path: &str, text: &str, diagnostics: &[Diagnostic]) -> io::Result<usize> {
    let edits: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.fixes.iter().find(|f| f.is_safe))
        .flat_map(|f| f.edits.iter().cloned())
        .collect();
    if edits.is_empty() {
        return Ok(0);
    }
    let fixed = rulelab::diagnostic::apply_edits(text, &edits);
    std::fs::write(path, fixed)?;
    Ok(edits.len())
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A SARIF 2.1.0 log: the rule registry as the driver's rules, one result per finding.
fn sarif(linted: &[Linted<'_>]) -> serde_json::Value {
    let registry = rulelab::lint::docs::all_rules();
    let rules: Vec<_> = registry
        .iter()
        .map(|m| {
            json!({
                "id": m.code,
                "name": m.slug,
                "shortDescription": { "text": m.summary },
                "fullDescription": { "text": m.docs.trim() },
                "defaultConfiguration": { "level": sarif_level(m.severity) },
                "properties": { "category": m.category.as_str() },
            })
        })
        .collect();
    let mut results = Vec::new();
    for Linted { input, report } in linted {
        let uri = match &input.origin {
            Origin::Path(path) => path.clone(),
            Origin::Id(_) => format!("jsonl:{}", input.origin.label()),
        };
        for d in &report.diagnostics {
            let region = json!({
                "startLine": d.range.start.line + 1,
                "startColumn": d.range.start.character + 1,
                "endLine": d.range.end.line + 1,
                "endColumn": d.range.end.character + 1,
            });
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": match &d.help { Some(help) => format!("{} ({help})", d.message), None => d.message.clone() } },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region } }],
            });
            if let Some(index) = registry.iter().position(|m| m.code == d.code) {
                result["ruleIndex"] = json!(index);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rulelab",
                "version": rulelab::VERSION,
                "informationUri": "https://github.com/rulelab/rulelab",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
