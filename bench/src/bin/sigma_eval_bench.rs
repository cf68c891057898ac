//! Loads Sigma rules into one engine, evaluates every event of an NDJSON file on one thread
//! and prints one JSON line: rules loaded, load time, memory of the rules, events/s, matches.
//!
//! ```text
//! cargo build --release -p rulelab-bench --features peers --ignore-rust-version
//! sigma-eval-bench --engine rulelab|rsigma|sigma-rust --events FILE.ndjson
//!     [--max-events N] [--repeat R] [--routing on|off] [--matches OUT.tsv] [--shared DIR]
//!     [RULE_PATH...]
//! ```
//! RULE_PATH: rule files or folders (default: the SigmaHQ `rules/windows` of the shared corpus).
//!
//! Method, the same for every engine: the rule files are read, parsed and compiled under
//! one clock (load time); the memory of the rules is the growth of the resident set while
//! loading. The events are then parsed into each engine's event type *before* the clock
//! starts, and evaluated one after the other on this thread, `--repeat` times; events/s is
//! events evaluated over that time. Peak RSS is the process's high-water mark (it holds the
//! parsed events too). `--matches` writes `event<TAB>rule id` per match of the first pass.
//!
//! Engines: `rulelab` (rulelab-core: `sigma::compile` + `Evaluator`, `explain` off; routing
//! by logsource on unless `--routing off`), `rsigma` (rsigma-eval 0.26 `Engine`; `--routing on`
//! adds the Windows logsource extractor of `shared/tools/sigma-bench`, the configuration its
//! CLI calls `--logsource-routing`), `sigma-rust` (sigma-rust 0.7: every rule on every event).
//! The peers need the cargo features `rsigma` / `sigma-rust` (or `peers`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rulelab_bench::{
    ndjson_lines, proc_status_kib, shared_dir, sigma_rule_files, sigma_windows_rules,
};
use serde_json::{json, Value};

struct Args {
    engine: String,
    events: PathBuf,
    max_events: usize,
    repeat: usize,
    routing: Option<bool>,
    matches: Option<PathBuf>,
    rule_files: Vec<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut engine = "rulelab".to_string();
    let mut events = None;
    let mut max_events = usize::MAX;
    let mut repeat = 1;
    let mut routing = None;
    let mut matches = None;
    let mut shared = None;
    let mut paths = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--engine" => engine = value("--engine")?,
            "--events" => events = Some(PathBuf::from(value("--events")?)),
            "--max-events" => {
                max_events = value("--max-events")?
                    .parse()
                    .map_err(|_| "--max-events needs a number")?
            }
            "--repeat" => {
                repeat = value("--repeat")?
                    .parse::<usize>()
                    .map_err(|_| "--repeat needs a number")?
                    .max(1)
            }
            "--routing" => {
                routing = Some(match value("--routing")?.as_str() {
                    "on" => true,
                    "off" => false,
                    _ => return Err("--routing takes on or off".into()),
                })
            }
            "--matches" => matches = Some(PathBuf::from(value("--matches")?)),
            "--shared" => shared = Some(value("--shared")?),
            "-h" | "--help" => {
                return Err(
                    "usage: sigma-eval-bench --engine rulelab|rsigma|sigma-rust \
                            --events FILE [--max-events N] [--repeat R] [--routing on|off] \
                            [--matches OUT.tsv] [--shared DIR] [RULE_PATH...]"
                        .into(),
                )
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            other => paths.push(PathBuf::from(other)),
        }
    }
    if paths.is_empty() {
        paths.push(sigma_windows_rules(&shared_dir(shared.as_deref())));
    }
    Ok(Args {
        engine,
        events: events.ok_or("--events FILE is required")?,
        max_events,
        repeat,
        routing,
        matches,
        rule_files: sigma_rule_files(&paths),
    })
}

/// What one engine reports; `main` adds the common fields.
struct Run {
    engine: String,
    config: String,
    rules_loaded: usize,
    rule_load_errors: usize,
    first_load_errors: Vec<String>,
    load_s: f64,
    rules_rss_kib: u64,
    events: usize,
    eval_s: f64,
    matches: u64,
    rules_fired: usize,
}

/// Writes the matches of the first pass: `event<TAB>rule id`.
struct MatchLog(Option<BufWriter<File>>);

impl MatchLog {
    fn open(path: Option<&Path>) -> Result<MatchLog, String> {
        match path {
            None => Ok(MatchLog(None)),
            Some(path) => File::create(path)
                .map(|f| MatchLog(Some(BufWriter::new(f))))
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
        }
    }

    fn record(&mut self, event: usize, rule: &str) {
        if let Some(out) = &mut self.0 {
            let _ = writeln!(out, "{event}\t{rule}");
        }
    }

    fn finish(&mut self) {
        if let Some(out) = &mut self.0 {
            let _ = out.flush();
        }
        self.0 = None;
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let result = match args.engine.as_str() {
        "rulelab" => run_rulelab(&args),
        #[cfg(feature = "rsigma")]
        "rsigma" => peers::run_rsigma(&args),
        #[cfg(feature = "sigma-rust")]
        "sigma-rust" => peers::run_sigma_rust(&args),
        other => Err(format!(
            "engine {other} is not built in (rulelab; rsigma and sigma-rust need \
             --features peers)"
        )),
    };
    let run = match result {
        Ok(run) => run,
        Err(message) => {
            eprintln!("sigma-eval-bench: {message}");
            return ExitCode::FAILURE;
        }
    };
    let evaluated = run.events * args.repeat;
    let events_per_s = if run.eval_s > 0.0 {
        evaluated as f64 / run.eval_s
    } else {
        0.0
    };
    let line = json!({
        "engine": run.engine,
        "config": run.config,
        "rule_files": args.rule_files.len(),
        "rules_loaded": run.rules_loaded,
        "rule_load_errors": run.rule_load_errors,
        "first_load_errors": run.first_load_errors,
        "rule_load_s": run.load_s,
        "rules_rss_mib": run.rules_rss_kib as f64 / 1024.0,
        "events": run.events,
        "repeat": args.repeat,
        "eval_s": run.eval_s,
        "events_per_s": events_per_s,
        "matches": run.matches / args.repeat as u64,
        "rules_fired": run.rules_fired,
        "peak_rss_mib": proc_status_kib("VmHWM:") as f64 / 1024.0,
    });
    println!("{line}");
    ExitCode::SUCCESS
}

/// The events as JSON objects (lines that are not objects are skipped).
fn json_events(args: &Args) -> Result<Vec<Value>, String> {
    Ok(ndjson_lines(&args.events, args.max_events)?
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(Value::is_object)
        .collect())
}

fn run_rulelab(args: &Args) -> Result<Run, String> {
    use rulelab::sigma::{self, CompileOptions, EvalOptions, Evaluator, RuleSource};

    let rss_before = proc_status_kib("VmRSS:");
    let start = Instant::now();
    let mut sources = Vec::with_capacity(args.rule_files.len());
    for file in &args.rule_files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        sources.push(RuleSource::new(Some(file.display().to_string()), text));
    }
    let set = sigma::compile(&sources, &CompileOptions::default());
    let load_s = start.elapsed().as_secs_f64();
    drop(sources);
    let rules_rss_kib = proc_status_kib("VmRSS:").saturating_sub(rss_before);
    let errors: Vec<_> = set
        .diagnostics
        .iter()
        .filter(|d| d.diagnostic.is_error())
        .collect();
    let mut files_with_errors: Vec<usize> = errors.iter().map(|d| d.source).collect();
    files_with_errors.dedup();
    let first_load_errors = errors
        .iter()
        .take(5)
        .map(|d| {
            format!(
                "{}: {}",
                d.path.as_deref().unwrap_or("?"),
                d.diagnostic.message
            )
        })
        .collect();

    let events = json_events(args)?;
    let routing = args.routing.unwrap_or(true);
    let options = EvalOptions {
        route_by_logsource: routing,
        explain: false,
        max_matches: usize::MAX,
        ..EvalOptions::default()
    };
    let mut log = MatchLog::open(args.matches.as_deref())?;
    let mut fired = vec![false; set.rules.len()];
    let rule_index: std::collections::HashMap<&str, usize> = set
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.reference.as_str(), i))
        .collect();
    let mut matches = 0u64;
    let start = Instant::now();
    for pass in 0..args.repeat {
        let mut evaluator = Evaluator::new(&set, options.clone());
        for (index, event) in events.iter().enumerate() {
            let found = evaluator.push(event);
            matches += found.len() as u64;
            if pass == 0 {
                for m in &found {
                    if let Some(&r) = rule_index.get(m.rule.as_str()) {
                        if let Some(flag) = fired.get_mut(r) {
                            *flag = true;
                        }
                    }
                    log.record(index, &m.rule);
                }
            }
        }
    }
    let eval_s = start.elapsed().as_secs_f64();
    log.finish();
    Ok(Run {
        engine: format!("rulelab native {}", rulelab::VERSION),
        config: if routing { "routing" } else { "no-routing" }.to_string(),
        rules_loaded: set.rules.len(),
        rule_load_errors: files_with_errors.len(),
        first_load_errors,
        load_s,
        rules_rss_kib,
        events: events.len(),
        eval_s,
        matches,
        rules_fired: fired.iter().filter(|f| **f).count(),
    })
}

#[cfg(any(feature = "rsigma", feature = "sigma-rust"))]
mod peers {
    use super::*;

    #[cfg(feature = "sigma-rust")]
    pub fn run_sigma_rust(args: &Args) -> Result<Run, String> {
        let rss_before = proc_status_kib("VmRSS:");
        let start = Instant::now();
        let mut rules = Vec::new();
        let mut errors = Vec::new();
        for file in &args.rule_files {
            let loaded = std::fs::read_to_string(file)
                .map_err(|e| e.to_string())
                .and_then(|t| sigma_rust::rule_from_yaml(&t).map_err(|e| e.to_string()));
            match loaded {
                Ok(rule) => rules.push(rule),
                Err(e) => errors.push(format!("{}: {e}", file.display())),
            }
        }
        let load_s = start.elapsed().as_secs_f64();
        let rules_rss_kib = proc_status_kib("VmRSS:").saturating_sub(rss_before);
        let events: Vec<sigma_rust::Event> = ndjson_lines(&args.events, args.max_events)?
            .iter()
            .filter_map(|line| sigma_rust::event_from_json(line).ok())
            .collect();
        let mut log = MatchLog::open(args.matches.as_deref())?;
        let mut fired = vec![false; rules.len()];
        let mut matches = 0u64;
        let start = Instant::now();
        for pass in 0..args.repeat {
            for (index, event) in events.iter().enumerate() {
                for (r, rule) in rules.iter().enumerate() {
                    if rule.is_match(event) {
                        matches += 1;
                        if pass == 0 {
                            if let Some(flag) = fired.get_mut(r) {
                                *flag = true;
                            }
                            let id = rule.id.clone().unwrap_or_else(|| rule.title.clone());
                            log.record(index, &id);
                        }
                    }
                }
            }
        }
        let eval_s = start.elapsed().as_secs_f64();
        log.finish();
        Ok(Run {
            engine: "sigma-rust 0.7.0".into(),
            config: "default".into(),
            rules_loaded: rules.len(),
            rule_load_errors: errors.len(),
            first_load_errors: errors.into_iter().take(5).collect(),
            load_s,
            rules_rss_kib,
            events: events.len(),
            eval_s,
            matches,
            rules_fired: fired.iter().filter(|f| **f).count(),
        })
    }

    #[cfg(feature = "rsigma")]
    pub use rsigma_engine::run_rsigma;

    #[cfg(feature = "rsigma")]
    mod rsigma_engine {
        use super::*;
        use rsigma_eval::event::JsonEvent;
        use rulelab_bench::rsigma_support::{load_rsigma, RsigmaLoad};

        pub fn run_rsigma(args: &Args) -> Result<Run, String> {
            let routing = args.routing.unwrap_or(false);
            let rss_before = proc_status_kib("VmRSS:");
            let start = Instant::now();
            let RsigmaLoad { engine, errors } = load_rsigma(&args.rule_files, routing);
            let load_s = start.elapsed().as_secs_f64();
            let rules_rss_kib = proc_status_kib("VmRSS:").saturating_sub(rss_before);
            let values = json_events(args)?;
            let events: Vec<JsonEvent> = values.iter().map(JsonEvent::borrow).collect();
            let mut log = MatchLog::open(args.matches.as_deref())?;
            let mut fired = std::collections::HashSet::new();
            let mut matches = 0u64;
            let start = Instant::now();
            for pass in 0..args.repeat {
                for (index, event) in events.iter().enumerate() {
                    let results = engine.evaluate(event);
                    matches += results.len() as u64;
                    if pass == 0 {
                        for r in &results {
                            let id = r
                                .header
                                .rule_id
                                .clone()
                                .unwrap_or_else(|| r.header.rule_title.clone());
                            log.record(index, &id);
                            fired.insert(id);
                        }
                    }
                }
            }
            let eval_s = start.elapsed().as_secs_f64();
            log.finish();
            Ok(Run {
                engine: "rsigma-eval 0.26.0".into(),
                config: if routing { "ls-routing" } else { "default" }.into(),
                rules_loaded: engine.rule_count(),
                rule_load_errors: errors.len(),
                first_load_errors: errors.into_iter().take(5).collect(),
                load_s,
                rules_rss_kib,
                events: events.len(),
                eval_s,
                matches,
                rules_fired: fired.len(),
            })
        }
    }
}
