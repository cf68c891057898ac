//! Lints every query of the KQL corpus with the native rulelab linter (parse, semantic
//! analysis against the profile's schema, every lint rule) and reports the per-query median
//! time, its 95th percentile and the total for the corpus.
//!
//! ```text
//! cargo run --release -p rulelab-bench --bin kql-lint-bench -- [SHARED_DIR]
//!     [--iterations N] [--warmup N] [--json]
//!     [--rule FILE:LINE] [--rule-runs N]
//!     [--dump-schema sentinel|defender]
//! ```
//! Each query is linted with the profile its source implies (`sentinel.jsonl` ->
//! `sentinel`, `defender-hunting.jsonl` -> `defender`), as `rulelab lint --schema` would:
//! `rulelab::lint(text, {language: kql, profile})`, the call the wasm `lint()` wraps.
//! Method as in `kql-parse-bench`: `--warmup` untimed passes over the corpus, then
//! `--iterations` passes in which every query is timed on its own; a query's time is its
//! median over the passes.
//!
//! `--rule FILE:LINE` also times one corpus query alone `--rule-runs` times (after as many
//! untimed runs) and reports the median: the "one 100-line rule" figure.
//! `--dump-schema PROFILE` prints the profile's tables and tabular functions as JSON (for
//! `bench/js/kql_lint.mjs`, which gives Kusto.Language the same schema) and exits.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use rulelab::kql::schema::{Profile, Schema};
use rulelab::{LanguageHint, LintOptions, Severity};
use rulelab_bench::{kql_corpus_records, median, shared_dir, CorpusRecord, Summary};
use serde_json::json;

struct Args {
    shared: Option<String>,
    iterations: usize,
    warmup: usize,
    json: bool,
    rule: Option<(String, usize)>,
    rule_runs: usize,
    dump_schema: Option<Profile>,
}

const USAGE: &str = "usage: kql-lint-bench [SHARED_DIR] [--iterations N] [--warmup N] [--json] \
                     [--rule FILE:LINE] [--rule-runs N] [--dump-schema sentinel|defender]";

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        shared: None,
        iterations: 10,
        warmup: 3,
        json: false,
        rule: None,
        rule_runs: 500,
        dump_schema: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| format!("{name} needs a number"))
        };
        match arg.as_str() {
            "--iterations" => args.iterations = number("--iterations")?.max(1),
            "--warmup" => args.warmup = number("--warmup")?,
            "--rule-runs" => args.rule_runs = number("--rule-runs")?.max(1),
            "--json" => args.json = true,
            "--rule" => {
                let value = it.next().unwrap_or_default();
                let (file, line) = value
                    .rsplit_once(':')
                    .and_then(|(f, l)| Some((f.to_string(), l.parse().ok()?)))
                    .ok_or("--rule takes FILE:LINE, e.g. sentinel.jsonl:196")?;
                args.rule = Some((file, line));
            }
            "--dump-schema" => {
                args.dump_schema = match it.next().as_deref().and_then(Profile::parse) {
                    Some(p @ (Profile::Sentinel | Profile::Defender)) => Some(p),
                    _ => return Err("--dump-schema takes sentinel or defender".into()),
                }
            }
            "-h" | "--help" => return Err(USAGE.into()),
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => args.shared = Some(other.to_string()),
        }
    }
    Ok(args)
}

fn lint(record: &CorpusRecord) -> bool {
    let options = LintOptions {
        language: LanguageHint::Kql,
        profile: Some(record.profile()),
        ..LintOptions::default()
    };
    rulelab::lint(&record.query, &options)
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
}

/// Times `lint` over the corpus: warm-up passes, then timed passes with each query alone.
fn measure(records: &[CorpusRecord], args: &Args) -> Summary {
    for _ in 0..args.warmup {
        for r in records {
            black_box(lint(black_box(r)));
        }
    }
    let mut timings = Vec::with_capacity(args.iterations);
    let mut passes = Vec::with_capacity(args.iterations);
    let mut with_errors = 0;
    for _ in 0..args.iterations {
        let mut times = Vec::with_capacity(records.len());
        with_errors = 0;
        let pass = Instant::now();
        for r in records {
            let start = Instant::now();
            let has_errors = black_box(lint(black_box(r)));
            times.push(start.elapsed().as_nanos() as u64);
            with_errors += usize::from(has_errors);
        }
        passes.push(pass.elapsed().as_nanos() as u64);
        timings.push(times);
    }
    Summary::from_timings(
        "rulelab native lint",
        args.warmup,
        &timings,
        &passes,
        with_errors,
    )
}

/// The median time of linting one query alone, over `runs` runs after `runs` untimed ones.
fn measure_one(record: &CorpusRecord, runs: usize) -> (f64, f64) {
    for _ in 0..runs {
        black_box(lint(black_box(record)));
    }
    let mut samples: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(lint(black_box(record)));
            start.elapsed().as_nanos() as f64 / 1e6
        })
        .collect();
    let mut sorted = samples.clone();
    sorted.sort_by(f64::total_cmp);
    (
        median(&mut samples),
        rulelab_bench::percentile(&sorted, 95.0),
    )
}

fn type_name(ty: rulelab::value::ScalarType) -> &'static str {
    ty.name()
}

/// The profile's tables and tabular functions in the shape `bench/js/kql_lint.mjs` reads.
fn dump_schema(profile: Profile) -> serde_json::Value {
    let schema = Schema::for_profile(profile);
    let mut names: Vec<&str> = schema.table_names().collect();
    names.sort_unstable();
    let tables: Vec<serde_json::Value> = names
        .iter()
        .filter_map(|name| schema.table(name))
        .map(|t| {
            json!({
                "table": t.name,
                "columns": t.columns.iter()
                    .map(|c| json!({"name": c.name, "type": type_name(c.ty)}))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut names: Vec<&str> = schema.function_names().collect();
    names.sort_unstable();
    let functions: Vec<serde_json::Value> = names
        .iter()
        .filter_map(|name| schema.function(name))
        .map(|f| {
            json!({
                "name": f.name,
                "parameters": f.parameters.iter()
                    .map(|p| json!({"name": p.name, "type": type_name(p.ty), "optional": p.is_optional}))
                    .collect::<Vec<_>>(),
                "columns": f.columns.iter()
                    .map(|c| json!({"name": c.name, "type": type_name(c.ty)}))
                    .collect::<Vec<_>>(),
                "invoked": f.is_invoked,
                "open": f.is_open,
            })
        })
        .collect();
    json!({"profile": profile.name(), "tables": tables, "functions": functions})
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    if let Some(profile) = args.dump_schema {
        println!("{}", dump_schema(profile));
        return ExitCode::SUCCESS;
    }
    let shared = shared_dir(args.shared.as_deref());
    let records = match kql_corpus_records(&shared) {
        Ok(records) => records,
        Err(message) => {
            eprintln!("{message} (pass the shared dir or set RULELAB_SHARED)");
            return ExitCode::from(2);
        }
    };
    let rule = match &args.rule {
        None => None,
        Some((file, line)) => match records.iter().find(|r| r.file == file && r.line == *line) {
            Some(record) => Some(record),
            None => {
                eprintln!("--rule {file}:{line}: no such corpus record");
                return ExitCode::from(2);
            }
        },
    };
    let mut summary = measure(&records, &args);
    let one = rule.map(|r| {
        let (median_ms, p95_ms) = measure_one(r, args.rule_runs);
        json!({
            "rule": format!("{}:{}", r.file, r.line),
            "lines": r.query.split('\n').count(),
            "runs": args.rule_runs,
            "median_ms": median_ms,
            "p95_ms": p95_ms,
        })
    });
    if args.json {
        let mut value = serde_json::to_value(&summary).expect("a summary serializes");
        if let Some(one) = one {
            value["one_rule"] = one;
        }
        println!("{value}");
    } else {
        summary.per_query_us.clear();
        println!(
            "{:<28} {:>5} queries  total {:>9.1} ms  median {:>8.1} µs  p95 {:>8.1} µs  \
             max {:>9.1} µs  pass {:>9.1} ms  ({} with errors, {} iterations)",
            summary.engine,
            summary.queries,
            summary.total_ms,
            summary.median_us,
            summary.p95_us,
            summary.max_us,
            summary.pass_ms,
            summary.with_errors,
            summary.iterations
        );
        if let Some(one) = one {
            println!(
                "one rule {} ({} lines): median {:.3} ms, p95 {:.3} ms over {} runs",
                one["rule"].as_str().unwrap_or(""),
                one["lines"],
                one["median_ms"].as_f64().unwrap_or(0.0),
                one["p95_ms"].as_f64().unwrap_or(0.0),
                one["runs"]
            );
        }
    }
    ExitCode::SUCCESS
}
