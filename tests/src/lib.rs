//! Shared helpers for the corpus, conformance and seed suites over `../shared`.
//!
//! The shared data lives beside the checkout; `RULELAB_SHARED` overrides the location.
//! When it is absent the suites say so loudly and skip, since CI always has it.

use std::path::PathBuf;

/// The `shared/` folder, if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("RULELAB_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "shared data not found at {} (set RULELAB_SHARED); skipping this suite",
            dir.display()
        );
        None
    }
}

/// Reads a JSON-lines file into values, one per non-empty line.
pub fn read_jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("bad JSON line in {}: {e}", path.display()))
        })
        .collect()
}

/// One corpus query with Microsoft's parser's verdict on it.
pub struct CorpusQuery {
    pub file: String,
    pub line: usize,
    pub query: String,
    pub kusto_syntax_ok: bool,
    pub kusto_errors: Vec<String>,
}

/// All 3,511 corpus queries, keyed by file and line as the verdict file is.
pub fn kql_corpus(shared: &std::path::Path) -> Vec<CorpusQuery> {
    let kql = shared.join("corpus/kql");
    let mut verdicts = std::collections::HashMap::new();
    for v in read_jsonl(&kql.join("kusto-language-verdicts.jsonl")) {
        let file = v["file"].as_str().unwrap_or_default().to_string();
        let line = v["line"].as_u64().unwrap_or_default() as usize;
        let errors = v["syntax_errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        format!(
                            "{} {}",
                            e["code"].as_str().unwrap_or(""),
                            e["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        verdicts.insert(
            (file, line),
            (v["syntax_ok"].as_bool().unwrap_or(true), errors),
        );
    }
    let mut out = Vec::new();
    for file in ["sentinel.jsonl", "defender-hunting.jsonl"] {
        for (i, record) in read_jsonl(&kql.join(file)).into_iter().enumerate() {
            let line = i + 1;
            let (ok, errors) = verdicts
                .remove(&(file.to_string(), line))
                .unwrap_or((true, Vec::new()));
            out.push(CorpusQuery {
                file: file.to_string(),
                line,
                query: record["query"].as_str().unwrap_or_default().to_string(),
                kusto_syntax_ok: ok,
                kusto_errors: errors,
            });
        }
    }
    out
}
