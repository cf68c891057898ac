//! Shared pieces of the side-by-side benchmarks: the KQL corpus and the timing statistics.
//!
//! Every engine (native, wasm under node, Kusto.Language under node) uses the same method,
//! so the JavaScript runners in `bench/js/` mirror [`Summary::from_timings`].

use std::path::{Path, PathBuf};

use serde::Serialize;

#[cfg(feature = "rsigma")]
pub mod rsigma_support;

/// The corpus files under `<shared>/corpus/kql/`, in the order every runner reads them.
pub const KQL_CORPUS_FILES: [&str; 2] = ["sentinel.jsonl", "defender-hunting.jsonl"];

/// The `shared/` folder: the given argument, else `RULELAB_SHARED`, else `../shared` beside
/// the checkout.
pub fn shared_dir(arg: Option<&str>) -> PathBuf {
    if let Some(dir) = arg {
        return PathBuf::from(dir);
    }
    match std::env::var_os("RULELAB_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    }
}

/// Every `query` of the KQL corpus, in file order.
pub fn kql_corpus(shared: &Path) -> Result<Vec<String>, String> {
    Ok(kql_corpus_records(shared)?
        .into_iter()
        .map(|r| r.query)
        .collect())
}

/// One corpus query with where it comes from.
#[derive(Clone, Debug)]
pub struct CorpusRecord {
    /// `sentinel.jsonl` or `defender-hunting.jsonl`.
    pub file: &'static str,
    /// 1-based record number in that file.
    pub line: usize,
    pub query: String,
}

impl CorpusRecord {
    /// The schema profile its source implies: Sentinel content -> `sentinel`, Defender
    /// hunting -> `defender` (as the corpus lint suite and the Kusto.Language oracle use).
    pub fn profile(&self) -> rulelab::kql::schema::Profile {
        if self.file == "sentinel.jsonl" {
            rulelab::kql::schema::Profile::Sentinel
        } else {
            rulelab::kql::schema::Profile::Defender
        }
    }
}

/// Every record of the KQL corpus, in file order.
pub fn kql_corpus_records(shared: &Path) -> Result<Vec<CorpusRecord>, String> {
    let mut queries = Vec::new();
    for file in KQL_CORPUS_FILES {
        let path = shared.join("corpus/kql").join(file);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record: serde_json::Value = serde_json::from_str(line)
                .map_err(|e| format!("{}:{}: bad JSON: {e}", path.display(), i + 1))?;
            let query = record["query"]
                .as_str()
                .ok_or_else(|| format!("{}:{}: no string field `query`", path.display(), i + 1))?;
            queries.push(CorpusRecord {
                file,
                line: i + 1,
                query: query.to_string(),
            });
        }
    }
    Ok(queries)
}

/// The result of one engine over the corpus, printed as one JSON line for the orchestrator.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub engine: String,
    pub queries: usize,
    pub iterations: usize,
    pub warmup: usize,
    /// Sum over queries of each query's median time: parsing the corpus once.
    pub total_ms: f64,
    /// Median over queries of each query's median time.
    pub median_us: f64,
    /// 95th percentile (nearest rank) over queries of each query's median time.
    pub p95_us: f64,
    pub max_us: f64,
    /// Median wall time of one whole pass over the corpus (timer overhead included).
    pub pass_ms: f64,
    /// Queries with at least one error diagnostic (a sanity check that work was done).
    pub with_errors: usize,
    /// Each query's median time in µs, in corpus order (for per-query ratios).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_query_us: Vec<f64>,
}

impl Summary {
    /// `timings[i][q]`: nanoseconds of query `q` in iteration `i`; `passes`: nanoseconds of
    /// each whole iteration.
    pub fn from_timings(
        engine: &str,
        warmup: usize,
        timings: &[Vec<u64>],
        passes: &[u64],
        with_errors: usize,
    ) -> Summary {
        let queries = timings.first().map_or(0, Vec::len);
        let per_query_us: Vec<f64> = (0..queries)
            .map(|q| {
                let mut samples: Vec<f64> = timings.iter().map(|it| it[q] as f64).collect();
                median(&mut samples) / 1_000.0
            })
            .collect();
        let mut sorted = per_query_us.clone();
        sorted.sort_by(f64::total_cmp);
        let mut pass_ns: Vec<f64> = passes.iter().map(|&ns| ns as f64).collect();
        Summary {
            engine: engine.to_string(),
            queries,
            iterations: timings.len(),
            warmup,
            total_ms: per_query_us.iter().sum::<f64>() / 1_000.0,
            median_us: percentile(&sorted, 50.0),
            p95_us: percentile(&sorted, 95.0),
            max_us: sorted.last().copied().unwrap_or(0.0),
            pass_ms: median(&mut pass_ns) / 1e6,
            with_errors,
            per_query_us,
        }
    }
}

/// The `.yml`/`.yaml` files under each path (a file or a folder, searched recursively), sorted
/// within each folder: the same rule list for every engine.
pub fn sigma_rule_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    fn collect(path: &Path, out: &mut Vec<PathBuf>) {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
                Ok(dir) => dir.filter_map(|e| e.ok().map(|e| e.path())).collect(),
                Err(_) => return,
            };
            entries.sort();
            for entry in entries {
                collect(&entry, out);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yml" | "yaml")
        ) {
            out.push(path.to_path_buf());
        }
    }
    let mut files = Vec::new();
    for path in paths {
        collect(path, &mut files);
    }
    files
}

/// The SigmaHQ Windows rules: `rules/windows` of the shared Sigma corpus.
pub fn sigma_windows_rules(shared: &Path) -> PathBuf {
    shared.join("corpus/sigma/rules/windows")
}

/// A `/proc/self/status` figure in KiB (`VmRSS:` now, `VmHWM:` the peak); 0 where there is
/// no procfs.
pub fn proc_status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The non-empty lines of an NDJSON file, at most `max`.
pub fn ndjson_lines(path: &Path, max: usize) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(max)
        .map(str::to_string)
        .collect())
}

/// The median (mean of the two middle values for an even count); 0 for no samples.
pub fn median(samples: &mut [f64]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    }
}

/// Nearest-rank percentile of sorted samples; 0 for no samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_percentile() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        let sorted: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&sorted, 95.0), 95.0);
        assert_eq!(percentile(&sorted, 50.0), 50.0);
        assert_eq!(percentile(&[7.0], 95.0), 7.0);
    }

    #[test]
    fn summary_takes_per_query_medians() {
        let timings = vec![
            vec![1_000, 10_000],
            vec![3_000, 20_000],
            vec![2_000, 30_000],
        ];
        let s = Summary::from_timings("x", 0, &timings, &[1, 2, 3], 0);
        assert_eq!(s.per_query_us, vec![2.0, 20.0]);
        assert_eq!(s.total_ms, 0.022);
        assert_eq!(s.pass_ms, 2e-6);
    }
}
