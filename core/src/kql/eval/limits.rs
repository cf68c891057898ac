//! Limits that stop a runaway query with a clear error instead of exhausting memory or
//! hanging: rows and estimated bytes of any intermediate table, wall time, regex size and
//! the depth of user function calls.
//!
//! Operators that can multiply rows (`range`, `join`, `mv-expand`, `make-series`,
//! `mv-apply`) check their output size *before* materializing it ([`Evaluator::reserve`]);
//! every operator's output is checked again after it ran ([`Evaluator::check_table`]).
//! Long loops call [`Evaluator::check_time`], which reads the clock once every
//! [`TICKS_PER_CLOCK_READ`] calls. Every error names the limit and how to raise it.

use std::cell::Cell;
use std::mem::size_of;
use std::sync::Arc;

use super::{EvalError, EvalOptions, Evaluator, Result, Table};
use crate::value::Value;

/// A clock in milliseconds, for platforms without `std::time::Instant` (wasm32, where the
/// caller passes e.g. `Date.now` or `performance.now`).
pub type Clock = fn() -> f64;

/// `check_time` reads the clock once per this many calls.
const TICKS_PER_CLOCK_READ: u32 = 1024;

/// Rows sampled to estimate the heap bytes per row of a table.
const SAMPLE_ROWS: usize = 32;

/// Bytes a row costs before its values' own heap data: the `Vec` header and the values.
pub(super) fn inline_row_bytes(width: usize) -> usize {
    size_of::<Vec<Value>>() + width * size_of::<Value>()
}

/// Heap bytes a value holds outside itself (string text, dynamic JSON). Strings and dynamic
/// values are reference counted: a value shared by several rows or tables (a column copied by
/// `extend`, `join` or `mv-expand`, a constant) counts for its share only.
fn heap_bytes(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len() / Arc::strong_count(s),
        Value::Dynamic(json) => json_bytes(json) / Arc::strong_count(json),
        _ => 0,
    }
}

/// A rough size of a JSON tree in memory.
fn json_bytes(json: &serde_json::Value) -> usize {
    const NODE: usize = size_of::<serde_json::Value>();
    match json {
        serde_json::Value::String(s) => NODE + s.len(),
        serde_json::Value::Array(items) => NODE + items.iter().map(json_bytes).sum::<usize>(),
        serde_json::Value::Object(map) => {
            NODE + map
                .iter()
                .map(|(k, v)| k.len() + size_of::<String>() + json_bytes(v))
                .sum::<usize>()
        }
        _ => NODE,
    }
}

/// The estimated bytes per row of `table`, from up to [`SAMPLE_ROWS`] rows spread over it.
pub(super) fn row_bytes(table: &Table) -> usize {
    let inline = inline_row_bytes(table.columns.len());
    let count = table.rows.len();
    if count == 0 {
        return inline;
    }
    let stride = (count / SAMPLE_ROWS).max(1);
    let sampled: Vec<&Vec<Value>> = table
        .rows
        .iter()
        .step_by(stride)
        .take(SAMPLE_ROWS)
        .collect();
    let heap: usize = sampled
        .iter()
        .map(|row| row.iter().map(heap_bytes).sum::<usize>())
        .sum();
    inline + heap / sampled.len().max(1)
}

/// The estimated bytes `table` holds.
pub(super) fn table_bytes(table: &Table) -> usize {
    row_bytes(table).saturating_mul(table.rows.len())
}

/// Bytes as people read them (`2.0 GiB`).
fn human_bytes(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    match unit {
        0 => format!("{bytes} bytes"),
        _ => format!("{value:.1} {}", UNITS.get(unit).copied().unwrap_or("GiB")),
    }
}

/// When the evaluation started, on the clock that will tell when it must stop.
enum Start {
    /// The caller's clock and its reading at the start.
    Clock(Clock, f64),
    #[cfg(not(target_arch = "wasm32"))]
    Instant(std::time::Instant),
}

/// The running state of the limits over one evaluation.
pub(super) struct Budget {
    start: Option<Start>,
    ticks: Cell<u32>,
    /// User function calls in progress.
    pub(super) depth: usize,
}

impl Budget {
    pub(super) fn start(options: &EvalOptions) -> Budget {
        let start = match options.clock {
            Some(clock) => Some(Start::Clock(clock, clock())),
            #[cfg(not(target_arch = "wasm32"))]
            None => Some(Start::Instant(std::time::Instant::now())),
            // wasm32 has no clock of its own; without the caller's there is no time limit.
            #[cfg(target_arch = "wasm32")]
            None => None,
        };
        Budget {
            start,
            ticks: Cell::new(0),
            depth: 0,
        }
    }

    fn elapsed_ms(&self) -> Option<f64> {
        match self.start.as_ref()? {
            Start::Clock(clock, started) => Some(clock() - started),
            #[cfg(not(target_arch = "wasm32"))]
            Start::Instant(started) => Some(started.elapsed().as_secs_f64() * 1000.0),
        }
    }
}

impl Evaluator<'_> {
    /// Checks a table an operator made: its rows, its estimated bytes and the time.
    pub(in crate::kql::eval) fn check_table(&self, table: &Table) -> Result<()> {
        let rows = table.rows.len();
        if rows > self.options.max_rows {
            return Err(row_limit(
                &format!("a table has {rows} rows"),
                self.options.max_rows,
            ));
        }
        if rows > 0 && self.options.max_memory_bytes < usize::MAX {
            let bytes = table_bytes(table);
            if bytes > self.options.max_memory_bytes {
                return Err(memory_limit(
                    &format!("a table holds about {}", human_bytes(bytes)),
                    self.options.max_memory_bytes,
                ));
            }
        }
        self.check_clock()
    }

    /// Checks, before materializing them, `rows` rows of about `bytes_per_row` bytes that
    /// `what` (e.g. "the join") would produce.
    pub(in crate::kql::eval) fn reserve(
        &self,
        what: &str,
        rows: u128,
        bytes_per_row: usize,
    ) -> Result<()> {
        if rows > self.options.max_rows as u128 {
            return Err(row_limit(
                &format!("{what} would produce {rows} rows"),
                self.options.max_rows,
            ));
        }
        let bytes = rows.saturating_mul(bytes_per_row as u128);
        if bytes > self.options.max_memory_bytes as u128 {
            return Err(memory_limit(
                &format!(
                    "{what} would hold about {}",
                    human_bytes(usize::try_from(bytes).unwrap_or(usize::MAX))
                ),
                self.options.max_memory_bytes,
            ));
        }
        Ok(())
    }

    /// Called from long loops: reads the clock every [`TICKS_PER_CLOCK_READ`] calls and
    /// stops once the evaluation ran past `max_time_ms`.
    pub(in crate::kql::eval) fn check_time(&self) -> Result<()> {
        let ticks = self.budget.ticks.get().wrapping_add(1);
        self.budget.ticks.set(ticks);
        if !ticks.is_multiple_of(TICKS_PER_CLOCK_READ) {
            return Ok(());
        }
        self.check_clock()
    }

    /// Reads the clock now.
    fn check_clock(&self) -> Result<()> {
        let Some(limit) = self.options.max_time_ms else {
            return Ok(());
        };
        match self.budget.elapsed_ms() {
            Some(elapsed) if elapsed > limit as f64 => Err(EvalError::new(format!(
                "time limit reached: the query ran for more than {limit} ms (raise maxTimeMs / --timeout to allow more)"
            ))),
            _ => Ok(()),
        }
    }

    /// Enters a user function call; [`Evaluator::leave_call`] must follow.
    pub(in crate::kql::eval) fn enter_call(&mut self) -> Result<()> {
        if self.budget.depth >= self.options.max_depth {
            return Err(EvalError::new(format!(
                "recursion limit reached: more than {} nested function calls (does a function call itself? raise maxDepth to allow more)",
                self.options.max_depth
            )));
        }
        self.budget.depth += 1;
        self.check_clock()
    }

    pub(in crate::kql::eval) fn leave_call(&mut self) {
        self.budget.depth = self.budget.depth.saturating_sub(1);
    }
}

fn row_limit(what: &str, max_rows: usize) -> EvalError {
    EvalError::new(format!(
        "row limit reached: {what}, more than the limit of {max_rows} (raise maxRows / --max-rows to allow more)"
    ))
}

fn memory_limit(what: &str, max_bytes: usize) -> EvalError {
    EvalError::new(format!(
        "memory limit reached: {what}, more than the limit of {} (raise maxMemoryBytes / --max-memory to allow more)",
        human_bytes(max_bytes)
    ))
}

/// The regex size limit of the evaluation running on this thread (scalar functions compile
/// regexes without the evaluator at hand).
mod regex_limit {
    use std::cell::Cell;

    thread_local! {
        static LIMIT: Cell<usize> = const { Cell::new(super::DEFAULT_MAX_REGEX_BYTES) };
    }

    pub fn get() -> usize {
        LIMIT.with(Cell::get)
    }

    /// Sets the limit until the guard drops, then restores the one before.
    pub fn set(limit: usize) -> Guard {
        Guard(LIMIT.with(|l| l.replace(limit)))
    }

    pub struct Guard(usize);

    impl Drop for Guard {
        fn drop(&mut self) {
            let previous = self.0;
            LIMIT.with(|l| l.set(previous));
        }
    }
}

pub(super) use regex_limit::{get as max_regex_bytes, set as set_max_regex_bytes};

/// Default compiled-size limit of one regex.
pub const DEFAULT_MAX_REGEX_BYTES: usize = 1 << 20;

/// Compiles a regex (RE2 syntax, linear time) within the evaluation's regex size limit.
pub(super) fn build_regex(pattern: &str) -> Result<regex::Regex> {
    let limit = max_regex_bytes();
    regex::RegexBuilder::new(pattern)
        .size_limit(limit)
        .dfa_size_limit(limit.saturating_mul(2))
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => EvalError::new(format!(
                "regex size limit reached: `{}` compiles to more than {} (raise maxRegexBytes to allow more)",
                shorten(pattern),
                human_bytes(limit)
            )),
            other => EvalError::new(format!("invalid regex `{pattern}`: {other}")),
        })
}

/// A pattern cut to a readable length for a message.
fn shorten(pattern: &str) -> String {
    const MAX_CHARS: usize = 80;
    if pattern.chars().count() <= MAX_CHARS {
        return pattern.to_string();
    }
    let head: String = pattern.chars().take(MAX_CHARS).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::HashMap;

    use crate::kql::eval::{evaluate, EvalOptions, Table};

    fn run(query: &str, options: &EvalOptions) -> Result<Table, String> {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}: {:?}", parsed.diagnostics);
        evaluate(&parsed.query, &HashMap::new(), options)
            .map(|e| e.table.unwrap_or_default())
            .map_err(|e| e.message)
    }

    fn error(query: &str, options: &EvalOptions) -> String {
        match run(query, options) {
            Ok(table) => panic!("{query}: expected an error, got {} rows", table.rows.len()),
            Err(message) => message,
        }
    }

    #[test]
    fn huge_range_stops_before_making_rows() {
        let message = error(
            "range x from 1 to 1000000000000 step 1",
            &EvalOptions::default(),
        );
        assert_eq!(
            message,
            "row limit reached: range would produce 1000000000000 rows, more than the limit of 1000000 (raise maxRows / --max-rows to allow more)"
        );
    }

    #[test]
    fn cartesian_join_stops_before_making_rows() {
        // 3,000 x 3,000 rows on a constant key: 9,000,000 rows, counted before the join.
        let query = "range i from 1 to 3000 step 1 | extend k = 1 \
                     | join kind=inner (range j from 1 to 3000 step 1 | extend k = 1) on k";
        let message = error(query, &EvalOptions::default());
        assert!(
            message.starts_with("row limit reached: the join would produce 9000000 rows"),
            "{message}"
        );
        // Under the limit the same join runs.
        let options = EvalOptions {
            max_rows: 10_000_000,
            ..EvalOptions::default()
        };
        let query = "range i from 1 to 30 step 1 | extend k = 1 \
                     | join kind=inner (range j from 1 to 30 step 1 | extend k = 1) on k | count";
        let table = run(query, &options).unwrap();
        assert_eq!(table.rows, vec![vec![crate::value::Value::Long(900)]]);
    }

    #[test]
    fn outer_join_counts_unmatched_rows() {
        let options = EvalOptions {
            max_rows: 5,
            ..EvalOptions::default()
        };
        // 3 matched pairs + 2 unmatched left + 1 unmatched right = 6 rows.
        let query = "datatable(k: long)[1, 1, 1, 2, 3] \
                     | join kind=fullouter (datatable(k: long)[1, 4]) on k";
        let message = error(query, &options);
        assert!(
            message.starts_with("row limit reached: the join would produce 6 rows"),
            "{message}"
        );
    }

    #[test]
    fn mv_expand_of_a_huge_array_stops_before_expanding() {
        let options = EvalOptions {
            max_rows: 1000,
            ..EvalOptions::default()
        };
        let message = error("print a = range(1, 100000, 1) | mv-expand a", &options);
        assert!(
            message.starts_with("row limit reached: mv-expand would produce 100000 rows"),
            "{message}"
        );
    }

    #[test]
    fn make_series_with_a_tiny_step_stops_before_the_axis() {
        let query = "print t = datetime(2024-01-01), v = 1 \
                     | make-series sum(v) on t from datetime(2024-01-01) to datetime(2025-01-01) step 1ms";
        let message = error(query, &EvalOptions::default());
        assert!(
            message.starts_with("row limit reached: make-series would produce 31622400000 rows"),
            "{message}"
        );
    }

    #[test]
    fn range_inside_mv_apply_stops() {
        let query = "range i from 1 to 10 step 1 | extend a = dynamic([1]) \
                     | mv-apply a on (extend b = range(1, 1000, 1) | mv-expand b)";
        let options = EvalOptions {
            max_rows: 5_000,
            ..EvalOptions::default()
        };
        let message = error(query, &options);
        assert!(
            message.starts_with("row limit reached: mv-apply would produce 6000 rows"),
            "{message}"
        );
    }

    #[test]
    fn memory_limit_counts_string_bytes() {
        let options = EvalOptions {
            max_memory_bytes: 4 << 20,
            ..EvalOptions::default()
        };
        // 1,000 rows of distinct 10 KB strings: about 10 MB.
        let message = error(
            "range x from 1 to 1000 step 1 | extend s = strrep(strcat('abcdefghi', x % 10), 1000)",
            &options,
        );
        assert!(
            message.starts_with("memory limit reached: a table holds about 9.") &&
                message.ends_with("more than the limit of 4.0 MiB (raise maxMemoryBytes / --max-memory to allow more)"),
            "{message}"
        );
        // One string shared by every row counts once: about 10 KB, not 10 MB.
        assert!(run(
            "range x from 1 to 1000 step 1 | extend s = strrep('abcdefghij', 1000)",
            &options
        )
        .is_ok());
        // Checked up front where the size is known: 1,000,000 range rows.
        let message = error("range x from 1 to 1000000 step 1", &options);
        assert!(
            message.starts_with("memory limit reached: range would hold about"),
            "{message}"
        );
        assert!(run("range x from 1 to 1000 step 1", &options).is_ok());
    }

    thread_local! {
        static FAKE_NOW: Cell<f64> = const { Cell::new(0.0) };
    }

    /// A clock that moves 100 ms each time it is read.
    fn fake_clock() -> f64 {
        FAKE_NOW.with(|now| {
            let t = now.get() + 100.0;
            now.set(t);
            t
        })
    }

    #[test]
    fn time_limit_reads_the_callers_clock() {
        let options = EvalOptions {
            max_time_ms: Some(250),
            clock: Some(fake_clock),
            ..EvalOptions::default()
        };
        let message = error(
            "range x from 1 to 10 step 1 | extend y = x | extend z = y | extend w = z",
            &options,
        );
        assert_eq!(
            message,
            "time limit reached: the query ran for more than 250 ms (raise maxTimeMs / --timeout to allow more)"
        );
        // Without a limit the clock is never a reason to stop.
        let options = EvalOptions {
            clock: Some(fake_clock),
            ..EvalOptions::default()
        };
        assert!(run("range x from 1 to 10 step 1 | extend y = x", &options).is_ok());
    }

    #[test]
    fn time_limit_stops_a_long_loop_natively() {
        let options = EvalOptions {
            max_time_ms: Some(0),
            ..EvalOptions::default()
        };
        let message = error("range x from 1 to 100000 step 1", &options);
        assert!(message.starts_with("time limit reached"), "{message}");
    }

    #[test]
    fn regex_size_limit_names_the_option() {
        let query = r#"print extract(@"([a-z]{100})", 1, "abc")"#;
        assert!(run(query, &EvalOptions::default()).is_ok());
        let options = EvalOptions {
            max_regex_bytes: 1000,
            ..EvalOptions::default()
        };
        let message = error(query, &options);
        assert!(
            message.starts_with(
                "regex size limit reached: `([a-z]{100})` compiles to more than 1000 bytes"
            ),
            "{message}"
        );
        assert!(message.contains("raise maxRegexBytes"), "{message}");
        // A huge pattern errors under the default limit too.
        let message = error(
            r#"print s = "a" | where s matches regex @"(\w{1000}){50}""#,
            &EvalOptions::default(),
        );
        assert!(message.starts_with("regex size limit reached"), "{message}");
    }

    #[test]
    fn recursive_function_hits_the_depth_limit() {
        let message = error(
            "let f = (n: long) { f(n + 1) }; print f(0)",
            &EvalOptions::default(),
        );
        assert_eq!(
            message,
            "recursion limit reached: more than 64 nested function calls (does a function call itself? raise maxDepth to allow more)"
        );
        let message = error(
            "let T = () { T | take 1 }; T",
            &EvalOptions {
                max_depth: 8,
                ..EvalOptions::default()
            },
        );
        assert!(
            message.starts_with("recursion limit reached: more than 8"),
            "{message}"
        );
        // Nested calls under the limit are fine.
        let table = run(
            "let a = (n: long) { n + 1 }; let b = (n: long) { a(n) * 2 }; print b(1)",
            &EvalOptions::default(),
        )
        .unwrap();
        assert_eq!(table.rows, vec![vec![crate::value::Value::Long(4)]]);
    }
}
