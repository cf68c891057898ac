//! Expressions prepared once per operator, then run for every row: column names resolved
//! to indexes, literals and constant calls evaluated once, string needles lowered once,
//! regexes compiled once, `in (subquery)` lists computed once. Anything not handled here
//! falls back to the row interpreter in `expr.rs`, so results never differ — only speed.

use std::collections::HashSet;

use regex::Regex;

use super::expr::binary;
use super::literal::literal_value;
use super::scalar::{self, as_text};
use super::{Binding, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::functions::{self as catalog, FunctionKind};
use crate::value::Value;

pub(super) enum Compiled<'e> {
    Column(usize),
    Const(Value),
    Logical {
        is_or: bool,
        operands: Vec<Compiled<'e>>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Compiled<'e>>,
        right: Box<Compiled<'e>>,
    },
    /// A string operator whose right side is a constant; `needle` is lowered when the
    /// operator ignores case.
    StringOp {
        op: StringOp,
        left: Box<Compiled<'e>>,
        needle: String,
    },
    /// `=~` / `!~` against a constant.
    EqualsCi {
        negated: bool,
        left: Box<Compiled<'e>>,
        needle: String,
    },
    Matches {
        left: Box<Compiled<'e>>,
        regex: Regex,
    },
    /// `in`-family with a constant list (literals, dynamic arrays, subqueries).
    InList {
        op: ListOp,
        left: Box<Compiled<'e>>,
        items: Vec<Value>,
        /// Lowered texts of the items, for `in~`, `has_any`, `has_all`.
        lowered: Vec<String>,
        /// The same as a set, for long `in~` lists.
        lowered_set: HashSet<String>,
    },
    /// A built-in scalar function with prepared arguments.
    Call {
        name: String,
        args: Vec<Compiled<'e>>,
    },
    /// Left to the row interpreter.
    Interpret(&'e Expr),
}

/// Lists longer than this are looked up in a set rather than scanned.
const SET_LOOKUP_MIN: usize = 16;

/// Functions the interpreter (`expr.rs`) answers itself because they read the row, the
/// table or a subquery rather than argument values.
const ROW_AWARE: &[&str] = &[
    "toscalar",
    "column_ifexists",
    "columnifexists",
    "pack_all",
    "bag_pack_columns",
    "column_names_of",
];

/// Functions whose result changes from call to call.
fn is_volatile(name: &str) -> bool {
    matches!(name, "rand" | "new_guid" | "newguid")
}

impl Compiled<'_> {
    fn as_const(&self) -> Option<&Value> {
        match self {
            Compiled::Const(value) => Some(value),
            _ => None,
        }
    }
}

impl Evaluator<'_> {
    /// Prepares `expr` for the rows of `table`.
    pub(super) fn compile<'e>(&mut self, expr: &'e Expr, table: &Table) -> Result<Compiled<'e>> {
        Ok(match &expr.kind {
            ExprKind::Literal(literal) => match literal_value(literal) {
                Ok(value) => Compiled::Const(value),
                Err(_) => Compiled::Interpret(expr),
            },
            ExprKind::Name(ident) => match table.column_index(&ident.name) {
                Some(index) => Compiled::Column(index),
                None => match self.lookup(&ident.name) {
                    Some(Binding::Scalar(value)) => Compiled::Const(value.clone()),
                    _ => Compiled::Interpret(expr),
                },
            },
            ExprKind::Paren(inner) => self.compile(inner, table)?,
            ExprKind::Logical { op, operands } => Compiled::Logical {
                is_or: *op == LogicalOp::Or,
                operands: operands
                    .iter()
                    .map(|o| self.compile(o, table))
                    .collect::<Result<_>>()?,
            },
            ExprKind::Binary { op, left, right } => {
                self.compile_binary(expr, *op, left, right, table)?
            }
            ExprKind::InList { op, left, list } => self.compile_in(expr, *op, left, list, table)?,
            ExprKind::Call { callee, args } => self.compile_call(expr, callee, args, table)?,
            _ => Compiled::Interpret(expr),
        })
    }

    fn compile_binary<'e>(
        &mut self,
        expr: &'e Expr,
        op: BinaryOp,
        left: &'e Expr,
        right: &'e Expr,
        table: &Table,
    ) -> Result<Compiled<'e>> {
        let left = Box::new(self.compile(left, table)?);
        let right = self.compile(right, table)?;
        let needle = right.as_const().and_then(|v| match v {
            Value::String(s) => Some(s.to_string()),
            _ => None,
        });
        Ok(match (op, needle) {
            (BinaryOp::EqCi | BinaryOp::NotEqCi, Some(needle)) => Compiled::EqualsCi {
                negated: op == BinaryOp::NotEqCi,
                left,
                needle: needle.to_lowercase(),
            },
            (BinaryOp::String(op), Some(needle)) => Compiled::StringOp {
                op,
                left,
                needle: if op.is_case_sensitive {
                    needle
                } else {
                    needle.to_lowercase()
                },
            },
            (BinaryOp::SearchHas, Some(needle)) => Compiled::StringOp {
                op: StringOp {
                    kind: StringOpKind::Has,
                    is_negated: false,
                    is_case_sensitive: false,
                },
                left,
                needle: needle.to_lowercase(),
            },
            (BinaryOp::MatchesRegex, Some(pattern)) => match super::functions::regex(&pattern) {
                Ok(regex) => Compiled::Matches { left, regex },
                // Reported per row by the interpreter, as before.
                Err(_) => Compiled::Interpret(expr),
            },
            (BinaryOp::Assign, _) => Compiled::Interpret(expr),
            _ => {
                if let (Some(l), Some(r)) = (left.as_const(), right.as_const()) {
                    if let Ok(value) = binary(op, l, r) {
                        return Ok(Compiled::Const(value));
                    }
                }
                Compiled::Binary {
                    op,
                    left,
                    right: Box::new(right),
                }
            }
        })
    }

    fn compile_in<'e>(
        &mut self,
        expr: &'e Expr,
        op: ListOp,
        left: &'e Expr,
        list: &'e [Expr],
        table: &Table,
    ) -> Result<Compiled<'e>> {
        let mut items = Vec::new();
        for item in list {
            if self.is_tabular(item) {
                // A subquery does not depend on the row: run it once.
                let result = self.table(item)?;
                items.extend(result.rows.iter().filter_map(|r| r.first().cloned()));
                continue;
            }
            match self.compile(item, table)? {
                Compiled::Const(Value::Dynamic(json)) => match &*json {
                    serde_json::Value::Array(values) => {
                        items.extend(values.iter().map(scalar::dynamic_scalar))
                    }
                    other => items.push(scalar::dynamic_scalar(other)),
                },
                Compiled::Const(value) => items.push(value),
                _ => return Ok(Compiled::Interpret(expr)),
            }
        }
        let lowered: Vec<String> = match op {
            ListOp::InCi | ListOp::NotInCi | ListOp::HasAny | ListOp::HasAll => items
                .iter()
                .filter_map(as_text)
                .map(|t| t.to_lowercase())
                .collect(),
            _ => Vec::new(),
        };
        let lowered_set = if lowered.len() >= SET_LOOKUP_MIN {
            lowered.iter().cloned().collect()
        } else {
            HashSet::new()
        };
        Ok(Compiled::InList {
            op,
            left: Box::new(self.compile(left, table)?),
            items,
            lowered,
            lowered_set,
        })
    }

    fn compile_call<'e>(
        &mut self,
        expr: &'e Expr,
        callee: &'e Expr,
        args: &'e [Arg],
        table: &Table,
    ) -> Result<Compiled<'e>> {
        let Some(ident) = callee.as_name() else {
            return Ok(Compiled::Interpret(expr));
        };
        let name = ident.name.as_str();
        let is_plain_scalar = !matches!(self.lookup(name), Some(Binding::Function(_)))
            && self.graph_match_context.is_none()
            && !super::window::is_window_function(name)
            && catalog::lookup(name).is_some_and(|info| info.kind == FunctionKind::Scalar)
            && !ROW_AWARE.contains(&name)
            && !is_volatile(name)
            && args.iter().all(|a| a.name.is_none());
        if !is_plain_scalar {
            return Ok(Compiled::Interpret(expr));
        }
        if matches!(name, "now" | "ago") {
            let compiled: Vec<Compiled<'e>> = args
                .iter()
                .map(|a| self.compile(&a.value, table))
                .collect::<Result<_>>()?;
            if compiled.iter().all(|c| c.as_const().is_some()) {
                return Ok(Compiled::Const(self.scalar(expr, table, &[])?));
            }
            return Ok(Compiled::Interpret(expr));
        }
        let compiled: Vec<Compiled<'e>> = args
            .iter()
            .map(|a| self.compile(&a.value, table))
            .collect::<Result<_>>()?;
        if compiled.iter().all(|c| c.as_const().is_some()) {
            let values: Vec<Value> = compiled
                .iter()
                .filter_map(|c| c.as_const().cloned())
                .collect();
            if let Ok(value) = super::functions::call(name, &values) {
                return Ok(Compiled::Const(value));
            }
        }
        Ok(Compiled::Call {
            name: name.to_string(),
            args: compiled,
        })
    }

    /// Runs a prepared expression for one row.
    pub(super) fn run(
        &mut self,
        compiled: &Compiled<'_>,
        table: &Table,
        row: &[Value],
    ) -> Result<Value> {
        Ok(match compiled {
            Compiled::Column(index) => row.get(*index).cloned().unwrap_or(Value::Null),
            Compiled::Const(value) => value.clone(),
            Compiled::Logical { is_or, operands } => {
                // Kusto's three-valued logic: null is "unknown".
                let mut saw_null = false;
                for operand in operands {
                    match self.run(operand, table, row)? {
                        Value::Bool(b) if b == *is_or => return Ok(Value::Bool(b)),
                        Value::Bool(_) => {}
                        _ => saw_null = true,
                    }
                }
                if saw_null {
                    Value::Null
                } else {
                    Value::Bool(!*is_or)
                }
            }
            Compiled::Binary { op, left, right } => {
                let l = self.run(left, table, row)?;
                let r = self.run(right, table, row)?;
                binary(*op, &l, &r)?
            }
            Compiled::StringOp { op, left, needle } => {
                let value = self.run(left, table, row)?;
                if value.is_null() && !op.is_negated {
                    return Ok(Value::Bool(false));
                }
                let found = with_text(&value, !op.is_case_sensitive, |text| {
                    string_matches(op.kind, text, needle)
                });
                Value::Bool(found != op.is_negated)
            }
            Compiled::EqualsCi {
                negated,
                left,
                needle,
            } => {
                let value = self.run(left, table, row)?;
                let equal = !value.is_null() && with_text(&value, true, |text| text == needle);
                Value::Bool(equal != *negated)
            }
            Compiled::Matches { left, regex } => {
                let value = self.run(left, table, row)?;
                match value {
                    Value::Null => Value::Null,
                    Value::String(s) => Value::Bool(regex.is_match(&s)),
                    other => match as_text(&other) {
                        Some(text) => Value::Bool(regex.is_match(&text)),
                        None => Value::Null,
                    },
                }
            }
            Compiled::InList {
                op,
                left,
                items,
                lowered,
                lowered_set,
            } => {
                let value = self.run(left, table, row)?;
                in_list(*op, &value, items, lowered, lowered_set)
            }
            Compiled::Call { name, args } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.run(arg, table, row)?);
                }
                super::functions::call(name, &values)?
            }
            Compiled::Interpret(expr) => self.scalar(expr, table, row)?,
        })
    }
}

/// Calls `f` with the value's text (lowered when `lower`), borrowing where it can.
fn with_text(value: &Value, lower: bool, f: impl FnOnce(&str) -> bool) -> bool {
    let owned;
    let text: &str = match value {
        Value::String(s) => s,
        Value::Null => "",
        other => {
            owned = as_text(other).unwrap_or_default();
            &owned
        }
    };
    if !lower {
        return f(text);
    }
    if text.is_ascii() {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return f(text);
        }
        return f(&text.to_ascii_lowercase());
    }
    f(&text.to_lowercase())
}

fn string_matches(kind: StringOpKind, text: &str, needle: &str) -> bool {
    match kind {
        StringOpKind::Has | StringOpKind::HasPrefix | StringOpKind::HasSuffix => {
            scalar::has(text, needle, kind)
        }
        StringOpKind::Contains => text.contains(needle),
        StringOpKind::StartsWith => text.starts_with(needle),
        StringOpKind::EndsWith => text.ends_with(needle),
        StringOpKind::Like => scalar::like(text, needle),
    }
}

fn in_list(
    op: ListOp,
    value: &Value,
    items: &[Value],
    lowered: &[String],
    lowered_set: &HashSet<String>,
) -> Value {
    let found = || {
        items
            .iter()
            .any(|item| scalar::equals(value, item).unwrap_or(false))
    };
    let found_ci = || {
        if value.is_null() {
            return false;
        }
        with_text(value, true, |text| {
            if lowered_set.is_empty() {
                lowered.iter().any(|item| item == text)
            } else {
                lowered_set.contains(text)
            }
        })
    };
    let has_terms = |all: bool| {
        with_text(value, true, |text| {
            let mut terms = lowered.iter();
            if all {
                terms.all(|t| scalar::has(text, t, StringOpKind::Has))
            } else {
                terms.any(|t| scalar::has(text, t, StringOpKind::Has))
            }
        })
    };
    Value::Bool(match op {
        ListOp::In => found(),
        ListOp::NotIn => !found(),
        ListOp::InCi => found_ci(),
        ListOp::NotInCi => !found_ci(),
        ListOp::HasAny => has_terms(false),
        ListOp::HasAll => has_terms(true),
    })
}
