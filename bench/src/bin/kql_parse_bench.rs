//! Parses every query of the KQL corpus with the native rulelab parser and reports the
//! per-query median time, its 95th percentile and the total for the corpus.
//!
//! ```text
//! cargo run --release -p rulelab-bench --bin kql-parse-bench -- [SHARED_DIR]
//!     [--iterations N] [--warmup N] [--path kql|report|both] [--json]
//! ```
//! Method: `--warmup` untimed passes over the corpus, then `--iterations` passes in which
//! every query is timed on its own; each query's time is its median over the passes.
//! `kql` times `rulelab::kql::parse` (the parser: tree and syntax diagnostics); `report`
//! times `rulelab::parse` with language `kql`, the call the wasm `parse()` wraps (adds
//! container detection, diagnostic sorting and line/column location).
//! `--json` prints one JSON line per path (with per-query times) for `bench/run-kql-parse.mjs`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use rulelab::{LanguageHint, ParseOptions};
use rulelab_bench::{kql_corpus, shared_dir, Summary};

struct Args {
    shared: Option<String>,
    iterations: usize,
    warmup: usize,
    paths: Vec<&'static str>,
    json: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        shared: None,
        iterations: 10,
        warmup: 3,
        paths: vec!["kql", "report"],
        json: false,
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
            "--json" => args.json = true,
            "--path" => {
                args.paths = match it.next().as_deref() {
                    Some("kql") => vec!["kql"],
                    Some("report") => vec!["report"],
                    Some("both") => vec!["kql", "report"],
                    _ => return Err("--path takes kql, report or both".into()),
                }
            }
            "-h" | "--help" => {
                return Err(
                    "usage: kql-parse-bench [SHARED_DIR] [--iterations N] [--warmup N] \
                            [--path kql|report|both] [--json]"
                        .into(),
                )
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => args.shared = Some(other.to_string()),
        }
    }
    Ok(args)
}

/// Times `parse` over the corpus: warm-up passes, then timed passes with each query alone.
fn measure(engine: &str, queries: &[String], args: &Args, parse: impl Fn(&str) -> bool) -> Summary {
    for _ in 0..args.warmup {
        for q in queries {
            black_box(parse(black_box(q)));
        }
    }
    let mut timings = Vec::with_capacity(args.iterations);
    let mut passes = Vec::with_capacity(args.iterations);
    let mut with_errors = 0;
    for _ in 0..args.iterations {
        let mut times = Vec::with_capacity(queries.len());
        with_errors = 0;
        let pass = Instant::now();
        for q in queries {
            let start = Instant::now();
            let has_errors = black_box(parse(black_box(q)));
            times.push(start.elapsed().as_nanos() as u64);
            with_errors += usize::from(has_errors);
        }
        passes.push(pass.elapsed().as_nanos() as u64);
        timings.push(times);
    }
    Summary::from_timings(engine, args.warmup, &timings, &passes, with_errors)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let shared = shared_dir(args.shared.as_deref());
    let queries = match kql_corpus(&shared) {
        Ok(queries) => queries,
        Err(message) => {
            eprintln!("{message} (pass the shared dir or set RULELAB_SHARED)");
            return ExitCode::from(2);
        }
    };
    let options = ParseOptions {
        language: LanguageHint::Kql,
        path: None,
    };
    for path in &args.paths {
        let mut summary = match *path {
            "kql" => measure("rulelab native kql::parse", &queries, &args, |q| {
                rulelab::kql::parse(q).has_errors()
            }),
            _ => measure("rulelab native parse(kql)", &queries, &args, |q| {
                !rulelab::parse(q, &options).ok
            }),
        };
        if args.json {
            println!(
                "{}",
                serde_json::to_string(&summary).expect("a summary serializes")
            );
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
        }
    }
    ExitCode::SUCCESS
}
