//! The KQL evaluator: runs a parsed query over in-memory tables.
//!
//! Statements bind `let` names in an environment; tabular expressions produce [`Table`]s
//! operator by operator (`operators/`, one file per operator family), scalar expressions
//! evaluate per row (`expr.rs`) with functions by family in `functions/`. Every operator
//! records rows in and out, so a user sees where rows were dropped.
//!
//! Unsupported features are errors that name them ("not supported: X"), never panics.

mod aggregate;
pub mod column_table;
mod compiled;
mod event_loader;
pub mod events;
mod expr;
pub mod external;
pub mod functions;
pub mod limits;
pub mod literal;
mod operators;
mod plugins;
pub mod scalar;
pub mod table;
mod window;

use std::collections::HashMap;

use serde::Serialize;

use crate::kql::ast::*;
pub use column_table::ColumnTable;
use compiled::ColumnRow;
pub use table::{Column, Table};

/// How an evaluation runs, and the limits that stop a runaway query (see `limits.rs`).
#[derive(Clone, Debug)]
pub struct EvalOptions {
    /// `now()` and `ago()` are measured from here (ticks since the Unix epoch).
    pub now: i64,
    /// Evaluation stops with an error past this many rows in any intermediate table.
    pub max_rows: usize,
    /// Evaluation stops with an error when any intermediate table would hold more than
    /// about this many bytes (an estimate from the row count and sampled values).
    pub max_memory_bytes: usize,
    /// Evaluation stops with an error after this many milliseconds of wall time; `None`:
    /// no limit. Measured on `clock` when given, else on `std::time::Instant` (on wasm32,
    /// which has no clock of its own, only with `clock`).
    pub max_time_ms: Option<u64>,
    /// The wall clock in milliseconds, for platforms without `Instant` (wasm32).
    pub clock: Option<limits::Clock>,
    /// The compiled-size limit of one regex, in bytes.
    pub max_regex_bytes: usize,
    /// The deepest nesting of user function calls (a function calling itself ends here).
    pub max_depth: usize,
}

/// The default memory limit: 2 GiB natively, 1 GiB in WebAssembly (whose memory is at
/// most 4 GiB, tables loaded from events included).
pub const DEFAULT_MAX_MEMORY_BYTES: usize = if cfg!(target_arch = "wasm32") {
    1 << 30
} else {
    2 << 30
};

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions {
            now: 0,
            max_rows: 1_000_000,
            max_memory_bytes: DEFAULT_MAX_MEMORY_BYTES,
            max_time_ms: None,
            clock: None,
            max_regex_bytes: limits::DEFAULT_MAX_REGEX_BYTES,
            max_depth: 64,
        }
    }
}

/// Rows in and out of one operator.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    pub index: usize,
    pub operator: String,
    pub rows_in: usize,
    pub rows_out: usize,
}

/// The result of a query: its last tabular statement's table and the stages that made it.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    pub table: Option<Table>,
    pub stages: Vec<Stage>,
}

/// Why an evaluation stopped.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    pub message: String,
}

impl EvalError {
    pub fn new(message: impl Into<String>) -> EvalError {
        EvalError {
            message: message.into(),
        }
    }

    pub fn unsupported(what: impl std::fmt::Display) -> EvalError {
        EvalError::new(format!("not supported: {what}"))
    }
}

type Result<T> = std::result::Result<T, EvalError>;

#[derive(Clone, Debug)]
enum Binding {
    Scalar(crate::value::Value),
    Table(Table),
    Function(FunctionDef),
}

/// Evaluates a query over the given input tables.
pub fn evaluate(
    query: &Query,
    inputs: &HashMap<String, Table>,
    options: &EvalOptions,
) -> std::result::Result<Evaluation, EvalError> {
    let inputs: HashMap<String, ColumnTable> = inputs
        .iter()
        .map(|(name, table)| (name.clone(), ColumnTable::from_table(table.clone())))
        .collect();
    evaluate_inputs(query, &inputs, options)
}

/// Evaluates a query over loaded, column-stored tables (what a `Workspace` keeps).
pub fn evaluate_inputs(
    query: &Query,
    inputs: &HashMap<String, ColumnTable>,
    options: &EvalOptions,
) -> std::result::Result<Evaluation, EvalError> {
    let _regex_limit = limits::set_max_regex_bytes(options.max_regex_bytes);
    let mut evaluator = Evaluator {
        inputs,
        options,
        budget: limits::Budget::start(options),
        scopes: vec![HashMap::new()],
        stages: Vec::new(),
        row_index: None,
        window_states: HashMap::new(),
        scan_refs: None,
        graph: None,
        graph_match_context: None,
    };
    let table = evaluator.statements(&query.statements)?;
    Ok(Evaluation {
        table,
        stages: evaluator.stages,
    })
}

struct Evaluator<'a> {
    inputs: &'a HashMap<String, ColumnTable>,
    options: &'a EvalOptions,
    /// The limits' running state: the start time, the call depth.
    budget: limits::Budget,
    scopes: Vec<HashMap<String, Binding>>,
    stages: Vec<Stage>,
    /// The row an order-aware operator (`extend`, `project`) is at, for window functions.
    row_index: Option<usize>,
    /// Running state of each window-function call site, keyed by its span start.
    window_states: HashMap<u32, window::WindowState>,
    /// While `scan` evaluates a step: each step's record in the state, read as `step.Column`.
    scan_refs: Option<HashMap<String, HashMap<String, crate::value::Value>>>,
    /// The graph `make-graph` built, for the graph operators after it.
    graph: Option<operators::graph::Graph>,
    /// While `graph-match` evaluates one match: its variables for the graph functions.
    graph_match_context: Option<operators::graph::MatchContext>,
}

impl Evaluator<'_> {
    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    fn bind(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), binding);
        }
    }

    fn statements(&mut self, statements: &[Statement]) -> Result<Option<Table>> {
        let mut result = None;
        for statement in statements {
            match &statement.kind {
                StatementKind::Let { name, value } => {
                    let binding = match value {
                        LetValue::Function(def) => Binding::Function(def.clone()),
                        LetValue::Expr(expr) if self.is_tabular(expr) => {
                            Binding::Table(self.table(expr)?)
                        }
                        LetValue::Expr(expr) => Binding::Scalar(self.constant(expr)?),
                    };
                    self.bind(&name.name, binding);
                }
                StatementKind::Expr(expr) => {
                    result = Some(if self.is_tabular(expr) {
                        self.table(expr)?
                    } else {
                        // A scalar statement prints as a one-row table, as `print` would.
                        let value = self.constant(expr)?;
                        let mut table = Table::new(vec![Column {
                            name: "print_0".to_string(),
                            ty: value.scalar_type(),
                        }]);
                        table.rows.push(vec![value]);
                        table
                    });
                }
                StatementKind::Set { .. } => {}
                StatementKind::Error => return Err(EvalError::new("the query has syntax errors")),
                _ => return Err(EvalError::unsupported("this statement")),
            }
        }
        Ok(result)
    }

    /// Whether an expression denotes a table.
    fn is_tabular(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Pipeline { .. } | ExprKind::Source(_) => true,
            ExprKind::Paren(inner) => self.is_tabular(inner),
            ExprKind::Name(ident) => match self.lookup(&ident.name) {
                Some(Binding::Table(_)) => true,
                Some(Binding::Function(def)) => {
                    def.parameters.is_empty() && self.function_is_tabular(def)
                }
                Some(_) => false,
                None => self.inputs.contains_key(&ident.name),
            },
            ExprKind::Call { .. } | ExprKind::Member { .. }
                if self.outside_reference(expr).is_some() =>
            {
                true
            }
            ExprKind::Call { callee, .. } => match callee.as_name() {
                Some(ident) if ident.name == "materialize" => true,
                Some(ident) => {
                    matches!(self.lookup(&ident.name), Some(Binding::Function(def)) if self.function_is_tabular(def))
                }
                None => false,
            },
            _ => false,
        }
    }

    fn function_is_tabular(&self, def: &FunctionDef) -> bool {
        match def.body.last().map(|s| &s.kind) {
            Some(StatementKind::Expr(expr)) => {
                matches!(expr.kind, ExprKind::Pipeline { .. } | ExprKind::Source(_))
                    || def.parameters.iter().any(|p| {
                        matches!(p.ty, ParameterType::Tabular { .. })
                            && matches!(&expr.kind, ExprKind::Name(n) if n.name == p.name.name)
                    })
            }
            _ => false,
        }
    }

    /// Evaluates a tabular expression.
    fn table(&mut self, expr: &Expr) -> Result<Table> {
        // `_GetWatchlist('a')`, `table("T")`, `database("db").T`...: supplied tables.
        if let Some(reference) = self.outside_reference(expr) {
            return self.supplied_table(&reference);
        }
        match &expr.kind {
            ExprKind::Paren(inner) => self.table(inner),
            ExprKind::Name(ident) => match self.lookup(&ident.name) {
                Some(Binding::Table(table)) => Ok(table.clone()),
                // A view (or any parameterless tabular function) is called by its name.
                Some(Binding::Function(def)) if def.parameters.is_empty() => {
                    let def = def.clone();
                    match self.call_function(&def, &[], None, None)? {
                        Binding::Table(table) => Ok(table),
                        _ => Err(EvalError::new(format!("`{}` is not a table", ident.name))),
                    }
                }
                Some(_) => Err(EvalError::new(format!("`{}` is not a table", ident.name))),
                None => match self.inputs.get(&ident.name) {
                    Some(table) => Ok(table.to_table()),
                    None => Err(EvalError::new(format!(
                        "table `{}` was not given",
                        ident.name
                    ))),
                },
            },
            ExprKind::Source(op) => self.operator(op, Table::default()),
            ExprKind::Pipeline { source, operators } => {
                // `Events | where ...` and `Events | summarize ...` read the given table in
                // place instead of copying every row of it first.
                let given = match (&source.kind, operators.first()) {
                    (ExprKind::Name(ident), Some(first))
                        if matches!(
                            first.kind,
                            OperatorKind::Where { .. } | OperatorKind::Summarize { .. }
                        ) && self.lookup(&ident.name).is_none() =>
                    {
                        let inputs: &HashMap<String, ColumnTable> = self.inputs;
                        inputs.get(&ident.name).map(|t| (t, first))
                    }
                    _ => None,
                };
                let (mut table, rest) = match given {
                    Some((input, first)) => match &first.kind {
                        OperatorKind::Where { .. } => {
                            // Leading `where`s run together (none of them may need row
                            // positions, which a fused run would change).
                            let run: Vec<(&Operator, &Expr)> = operators
                                .iter()
                                .map_while(|op| match &op.kind {
                                    OperatorKind::Where { predicate, .. } => Some((op, predicate)),
                                    _ => None,
                                })
                                .collect();
                            if run.iter().any(|(_, p)| uses_window(p)) {
                                let OperatorKind::Where { predicate, .. } = &first.kind else {
                                    return Err(EvalError::new("internal: expected `where`"));
                                };
                                let output = self.filter(predicate, &input.to_table())?;
                                self.check_table(&output)?;
                                self.record_stage(first, input.len(), output.rows.len());
                                (output, operators.get(1..).unwrap_or_default())
                            } else {
                                let predicates: Vec<&Expr> = run.iter().map(|(_, p)| *p).collect();
                                let (output, passed) = self.filter_input(&predicates, input)?;
                                self.check_table(&output)?;
                                let mut rows_in = input.len();
                                for ((op, _), rows_out) in run.iter().zip(passed) {
                                    self.record_stage(op, rows_in, rows_out);
                                    rows_in = rows_out;
                                }
                                (output, operators.get(run.len()..).unwrap_or_default())
                            }
                        }
                        OperatorKind::Summarize { aggregates, by, .. } => {
                            let header = input.header();
                            let rows = (0..input.len()).map(|row| ColumnRow { table: input, row });
                            let output = self.summarize_rows(aggregates, by, &header, rows)?;
                            self.check_table(&output)?;
                            self.record_stage(first, input.len(), output.rows.len());
                            (output, operators.get(1..).unwrap_or_default())
                        }
                        _ => return Err(EvalError::new("internal: unexpected operator")),
                    },
                    None => (self.table(source)?, operators.as_slice()),
                };
                for op in rest {
                    table = self.operator(op, table)?;
                }
                Ok(table)
            }
            ExprKind::Call { callee, args } => {
                let Some(ident) = callee.as_name() else {
                    return Err(EvalError::unsupported("this tabular call"));
                };
                if ident.name == "materialize" {
                    return match args.first() {
                        Some(arg) => self.table(&arg.value),
                        None => Err(EvalError::new("materialize() needs a table")),
                    };
                }
                match self.lookup(&ident.name).cloned() {
                    Some(Binding::Function(def)) => {
                        match self.call_function(&def, args, None, None)? {
                            Binding::Table(table) => Ok(table),
                            _ => Err(EvalError::new(format!(
                                "`{}` does not return a table",
                                ident.name
                            ))),
                        }
                    }
                    _ => Err(EvalError::unsupported(format!(
                        "tabular function `{}`",
                        ident.name
                    ))),
                }
            }
            _ => Err(EvalError::unsupported("this tabular expression")),
        }
    }

    /// Calls a user function: binds its parameters (the piped table first for `invoke`).
    /// Scalar arguments are evaluated in the caller's row (`row`), so `f(x)` inside
    /// `extend` sees the column `x`; `name = value` arguments bind by name.
    fn call_function(
        &mut self,
        def: &FunctionDef,
        args: &[Arg],
        piped: Option<Table>,
        row: Option<(&Table, &[crate::value::Value])>,
    ) -> Result<Binding> {
        let mut scope = HashMap::new();
        let (named, positional): (Vec<&Arg>, Vec<&Arg>) =
            args.iter().partition(|a| a.name.is_some());
        let mut args = positional.into_iter();
        let mut piped = piped;
        let empty = Table::default();
        let (table, values) = row.unwrap_or((&empty, &[]));
        for parameter in &def.parameters {
            let by_name = named.iter().find(|a| {
                a.name
                    .as_ref()
                    .is_some_and(|n| n.name == parameter.name.name)
            });
            let binding = match &parameter.ty {
                ParameterType::Tabular { .. } => match piped.take() {
                    Some(table) => Binding::Table(table),
                    None => match by_name.copied().or_else(|| args.next()) {
                        Some(arg) => Binding::Table(self.table(&arg.value)?),
                        None => {
                            return Err(EvalError::new(format!(
                                "missing table argument `{}`",
                                parameter.name.name
                            )))
                        }
                    },
                },
                ParameterType::Scalar { .. } => match by_name.copied().or_else(|| args.next()) {
                    Some(arg) => Binding::Scalar(self.scalar(&arg.value, table, values)?),
                    None => match &parameter.default {
                        Some(default) => Binding::Scalar(self.constant(default)?),
                        None => {
                            return Err(EvalError::new(format!(
                                "missing argument `{}`",
                                parameter.name.name
                            )))
                        }
                    },
                },
            };
            scope.insert(parameter.name.name.clone(), binding);
        }
        self.enter_call()?;
        self.scopes.push(scope);
        let result = self.function_body(def);
        self.scopes.pop();
        self.leave_call();
        result
    }

    fn function_body(&mut self, def: &FunctionDef) -> Result<Binding> {
        let (last, lets) = match def.body.split_last() {
            Some(split) => split,
            None => return Err(EvalError::new("empty function body")),
        };
        self.statements(lets)?;
        match &last.kind {
            StatementKind::Expr(expr) if self.is_tabular(expr) => {
                Ok(Binding::Table(self.table(expr)?))
            }
            StatementKind::Expr(expr) => Ok(Binding::Scalar(self.constant(expr)?)),
            _ => Err(EvalError::new(
                "a function body must end with an expression",
            )),
        }
    }

    /// A scalar expression outside any row (`let x = ...`, `print`).
    fn constant(&mut self, expr: &Expr) -> Result<crate::value::Value> {
        let empty = Table::default();
        self.scalar(expr, &empty, &[])
    }
}

/// Whether an expression calls a window function (which depends on row positions).
fn uses_window(expr: &Expr) -> bool {
    let mut found = false;
    crate::kql::visit::walk_expr(expr, &mut |e| {
        if let ExprKind::Call { callee, .. } = &e.kind {
            if callee
                .as_name()
                .is_some_and(|n| window::is_window_function(&n.name))
            {
                found = true;
            }
        }
    });
    found
}
