//! Function catalog coverage: every function the corpus (3,511 queries) and the Kusto docs
//! conformance cases call must be known — to the built-in catalog (`kql::functions`), to a
//! profile's schema (ASIM parsers, `_GetWatchlist`, `FileProfile`), or as a `let` function of
//! the same query. What is left must be on the allow-list below (stored functions that live
//! in someone's workspace), so a built-in missing from the catalog fails this test.
//!
//! The names come from parsing each query with rulelab and walking its tree (call
//! expressions; `evaluate` plugins). Set `RULELAB_FUNCTION_USAGE=path` to also write the
//! usage table (`name<TAB>calls<TAB>status`) that `tools/function_usage.sh` produces.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use rulelab::kql::ast::{Expr, ExprKind, LetValue, OperatorKind, Statement, StatementKind};
use rulelab::kql::functions::{self, FunctionKind};
use rulelab::kql::schema::{Profile, Schema};
use rulelab::kql::visit::walk_statements;
use rulelab_tests::{read_jsonl, shared_dir};

/// Called in the corpus, known to neither the catalog nor our schemas: functions stored in
/// the authors' workspaces (or other services), not built-ins.
/// Each entry must still be called somewhere (a test below checks), so the list stays exact.
const NOT_BUILT_IN: &[(&str, &str)] = &[
    // `arg("").Resources`: the Azure Resource Graph cross-service query of Defender and
    // Sentinel; a service entry point, not a Kusto function (Kusto.Language: KS211 too).
    ("arg", "Azure Resource Graph cross-service query"),
];

/// Stored functions follow the `*_fl` convention of the Kusto docs' function library.
fn is_stored_library_function(name: &str) -> bool {
    name.ends_with("_fl")
}

#[derive(Default)]
struct Usage {
    /// name -> number of calls.
    calls: BTreeMap<String, usize>,
    plugins: BTreeMap<String, usize>,
    /// Names defined by `let` in the query that calls them.
    user_defined: BTreeMap<String, usize>,
}

fn let_names(statements: &[Statement], out: &mut HashSet<String>) {
    for statement in statements {
        if let StatementKind::Let { name, value } = &statement.kind {
            out.insert(name.name.clone());
            if let LetValue::Function(def) = value {
                let_names(&def.body, out);
            }
        }
    }
}

fn collect(query: &str, usage: &mut Usage) {
    let parsed = rulelab::kql::parse(query);
    let statements = &parsed.query.statements;
    let mut lets = HashSet::new();
    let_names(statements, &mut lets);
    // The spans of the calls that `evaluate` makes: those are plugins.
    let mut plugin_calls = HashSet::new();
    walk_statements(statements, &mut |expr: &Expr| {
        let operators: Vec<&OperatorKind> = match &expr.kind {
            ExprKind::Pipeline { operators, .. } => operators.iter().map(|op| &op.kind).collect(),
            ExprKind::Source(op) => vec![&op.kind],
            _ => Vec::new(),
        };
        for op in operators {
            if let OperatorKind::Evaluate { call, .. } = op {
                plugin_calls.insert(call.span);
            }
        }
    });
    walk_statements(statements, &mut |expr: &Expr| {
        let ExprKind::Call { callee, .. } = &expr.kind else {
            return;
        };
        let name = match &callee.kind {
            ExprKind::Name(ident) => &ident.name,
            // `cluster("c").database("d")`, `database("d").table("t")`.
            ExprKind::Member { name, .. } => &name.name,
            _ => return,
        };
        let bucket = if lets.contains(name) {
            &mut usage.user_defined
        } else if plugin_calls.contains(&expr.span) {
            &mut usage.plugins
        } else {
            &mut usage.calls
        };
        *bucket.entry(name.clone()).or_default() += 1;
    });
}

#[test]
fn catalog_knows_every_built_in_the_corpus_calls() {
    let Some(shared) = shared_dir() else { return };
    let mut usage = Usage::default();
    let mut queries = 0;
    for file in [
        "corpus/kql/sentinel.jsonl",
        "corpus/kql/defender-hunting.jsonl",
        "conformance/kql-docs/cases.jsonl",
    ] {
        for record in read_jsonl(&shared.join(file)) {
            if let Some(query) = record["query"].as_str() {
                collect(query, &mut usage);
                queries += 1;
            }
        }
    }
    let schemas = [
        Schema::for_profile(Profile::Sentinel),
        Schema::for_profile(Profile::Defender),
    ];
    let in_schema = |name: &str| schemas.iter().any(|s| s.function(name).is_some());
    let allowed: BTreeMap<&str, &str> = NOT_BUILT_IN.iter().copied().collect();

    let mut rows: Vec<(String, usize, &'static str)> = Vec::new();
    let (mut known, mut via_alias, mut by_schema, mut stored) = (0, 0, 0, 0);
    let mut unknown = Vec::new();
    let mut wrong_kind = Vec::new();
    for (name, count, is_plugin) in usage
        .calls
        .iter()
        .map(|(n, c)| (n, *c, false))
        .chain(usage.plugins.iter().map(|(n, c)| (n, *c, true)))
    {
        let status = match functions::lookup(name) {
            Some(info) => {
                if is_plugin != (info.kind == FunctionKind::Plugin) {
                    wrong_kind.push(format!("{name} ({})", info.kind.name()));
                }
                if functions::alias(name).is_some() {
                    via_alias += 1;
                    "alias"
                } else {
                    known += 1;
                    if is_plugin {
                        "plugin"
                    } else {
                        "built-in"
                    }
                }
            }
            None if in_schema(name) => {
                by_schema += 1;
                "schema"
            }
            None if allowed.contains_key(name.as_str()) || is_stored_library_function(name) => {
                stored += 1;
                "stored"
            }
            None => {
                unknown.push(format!("{name} ({count})"));
                "unknown"
            }
        };
        rows.push((name.clone(), count, status));
    }
    for (name, count) in &usage.user_defined {
        rows.push((name.clone(), *count, "let"));
    }
    let distinct: BTreeSet<&String> = usage.calls.keys().chain(usage.plugins.keys()).collect();
    println!(
        "function catalog: {queries} queries call {} distinct functions ({} plugins): \
         {} built-in + {} by alias known to the catalog ({} entries), {} from profile schemas, \
         {} stored (allow-list / *_fl), {} unknown; {} distinct let functions not counted",
        distinct.len(),
        usage.plugins.len(),
        known,
        via_alias,
        functions::all().len(),
        by_schema,
        stored,
        unknown.len(),
        usage.user_defined.len(),
    );
    if !unknown.is_empty() {
        println!("  unknown: {}", unknown.join(", "));
    }
    if !wrong_kind.is_empty() {
        println!("  plugin/function kind mismatch: {}", wrong_kind.join(", "));
    }
    if let Some(path) = std::env::var_os("RULELAB_FUNCTION_USAGE") {
        rows.sort();
        let text: String = rows
            .iter()
            .map(|(name, count, status)| format!("{name}\t{count}\t{status}\n"))
            .collect();
        std::fs::write(&path, text).expect("write the usage table");
        println!("  usage table written to {}", path.to_string_lossy());
    }
    // The allow-list must stay honest: a name the catalog or a schema now knows is removed.
    let stale: Vec<&str> = allowed
        .keys()
        .copied()
        .filter(|name| {
            functions::lookup(name).is_some() || in_schema(name) || !usage.calls.contains_key(*name)
        })
        .collect();
    assert!(
        stale.is_empty(),
        "allow-listed but known or no longer called: {stale:?}"
    );
    assert!(
        unknown.is_empty(),
        "built-in functions missing from the catalog (or stored functions to allow-list with a reason): {unknown:?}"
    );
    assert!(wrong_kind.is_empty(), "{wrong_kind:?}");
}
