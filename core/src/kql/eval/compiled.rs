//! Expressions prepared once per operator, then run for every row: column names resolved
//! to indexes, literals and constant calls evaluated once, string needles lowered once,
//! regexes compiled once, `in (subquery)` lists computed once. Anything not handled here
//! falls back to the row interpreter in `expr.rs`, so results never differ — only speed.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::Arc;

use regex::Regex;

use super::column_table::ColumnTable;
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
    /// A string test on a column, remembered per string allocation (see [`StringMemo`]).
    Memoized {
        column: usize,
        test: Box<Compiled<'e>>,
        memo: StringMemo,
    },
    /// Left to the row interpreter.
    Interpret(&'e Expr),
}

/// Results of one string test by the address of the string it read. Loaded events share
/// one allocation per repeated string (the loader interns them), so a `where FileName =~
/// "x"` over a million rows computes each distinct name's answer once, as a dictionary-
/// encoded column store would. Sound because the table a prepared expression runs on is
/// borrowed for the whole run: a live string's address names that string alone.
pub(super) struct StringMemo(AddressMemo<u8>);

impl StringMemo {
    fn new() -> StringMemo {
        StringMemo(AddressMemo::new())
    }

    pub(super) fn get(&self, text: &Arc<str>) -> Option<Option<bool>> {
        self.0.get(text).map(|answer| match answer {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        })
    }

    pub(super) fn set(&self, text: &Arc<str>, answer: Option<bool>) {
        self.0.set(text, answer.map_or(2, u8::from));
    }
}

/// A small direct-mapped cache from a live string's address to a value computed from it
/// (a test's answer, a group's number). Callers keep the strings alive while it is used.
/// The slots are allocated only after `MEMO_WARMUP` lookups, so the many short runs
/// (small tables, `mv-apply` subqueries) never pay for them.
pub(super) struct AddressMemo<T: Copy> {
    lookups: Cell<usize>,
    slots: std::cell::OnceCell<Box<[MemoSlot<T>]>>,
}

/// (address, value); address 0 is an empty slot.
type MemoSlot<T> = Cell<(usize, T)>;

/// A power of two: 4096 slots hold a column's distinct values with few collisions.
const MEMO_BITS: u32 = 12;
const MEMO_SLOTS: usize = 1 << MEMO_BITS;
const MEMO_WARMUP: usize = 256;

impl<T: Copy + Default> AddressMemo<T> {
    pub(super) fn new() -> AddressMemo<T> {
        AddressMemo {
            lookups: Cell::new(0),
            slots: std::cell::OnceCell::new(),
        }
    }

    fn slot(&self, text: &Arc<str>) -> (usize, Option<&MemoSlot<T>>) {
        let address = Arc::as_ptr(text) as *const u8 as usize;
        let index = ((address >> 4) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - MEMO_BITS);
        let slots = self.slots.get();
        (address, slots.and_then(|s| s.get(index as usize)))
    }

    pub(super) fn get(&self, text: &Arc<str>) -> Option<T> {
        let (address, slot) = self.slot(text);
        let Some(slot) = slot else {
            self.lookups.set(self.lookups.get() + 1);
            return None;
        };
        let (key, value) = slot.get();
        (key == address).then_some(value)
    }

    pub(super) fn set(&self, text: &Arc<str>, value: T) {
        if self.slots.get().is_none() {
            if self.lookups.get() < MEMO_WARMUP {
                return;
            }
            let _ = self
                .slots
                .set(vec![Cell::new((0, T::default())); MEMO_SLOTS].into_boxed_slice());
        }
        if let (address, Some(slot)) = self.slot(text) {
            slot.set((address, value));
        }
    }
}

/// Wraps a string test whose operand is a column in a [`StringMemo`].
fn memoized(compiled: Compiled<'_>) -> Compiled<'_> {
    let column = match &compiled {
        Compiled::EqualsCi { left, .. }
        | Compiled::StringOp { left, .. }
        | Compiled::Matches { left, .. }
        | Compiled::InList { left, .. } => match **left {
            Compiled::Column(column) => column,
            _ => return compiled,
        },
        _ => return compiled,
    };
    Compiled::Memoized {
        column,
        test: Box::new(compiled),
        memo: StringMemo::new(),
    }
}

/// A row as prepared expressions read it: a table's row, or one position of a
/// column-stored input table (`input.rs`), read without assembling the row.
pub(super) trait Cells {
    fn cell(&self, index: usize) -> Option<&Value>;
    /// The whole row, for what the row interpreter evaluates.
    fn with_values<T>(&self, f: impl FnOnce(&[Value]) -> T) -> T;
}

impl Cells for [Value] {
    fn cell(&self, index: usize) -> Option<&Value> {
        self.get(index)
    }

    fn with_values<T>(&self, f: impl FnOnce(&[Value]) -> T) -> T {
        f(self)
    }
}

impl Cells for Vec<Value> {
    fn cell(&self, index: usize) -> Option<&Value> {
        self.get(index)
    }

    fn with_values<T>(&self, f: impl FnOnce(&[Value]) -> T) -> T {
        f(self)
    }
}

impl<C: Cells + ?Sized> Cells for &C {
    fn cell(&self, index: usize) -> Option<&Value> {
        (**self).cell(index)
    }

    fn with_values<T>(&self, f: impl FnOnce(&[Value]) -> T) -> T {
        (**self).with_values(f)
    }
}

/// Row `row` of a column-stored input table.
pub(super) struct ColumnRow<'t> {
    pub table: &'t ColumnTable,
    pub row: usize,
}

impl Cells for ColumnRow<'_> {
    fn cell(&self, index: usize) -> Option<&Value> {
        self.table.cell(index, self.row)
    }

    fn with_values<T>(&self, f: impl FnOnce(&[Value]) -> T) -> T {
        f(&self.table.row(self.row))
    }
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
        Ok(memoized(match (op, needle) {
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
        }))
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
        Ok(memoized(Compiled::InList {
            op,
            left: Box::new(self.compile(left, table)?),
            items,
            lowered,
            lowered_set,
        }))
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
    pub(super) fn run<R: Cells + ?Sized>(
        &mut self,
        compiled: &Compiled<'_>,
        table: &Table,
        row: &R,
    ) -> Result<Value> {
        Ok(match compiled {
            Compiled::Column(index) => row.cell(*index).cloned().unwrap_or(Value::Null),
            Compiled::Const(value) => value.clone(),
            Compiled::Logical { .. }
            | Compiled::StringOp { .. }
            | Compiled::EqualsCi { .. }
            | Compiled::Matches { .. }
            | Compiled::InList { .. }
            | Compiled::Memoized { .. } => match self.test(compiled, table, row)? {
                Some(b) => Value::Bool(b),
                None => Value::Null,
            },
            Compiled::Binary { op, left, right } => {
                let l = self.operand(left, table, row)?;
                let r = self.operand(right, table, row)?;
                binary(*op, &l, &r)?
            }
            Compiled::Call { name, args } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.run(arg, table, row)?);
                }
                super::functions::call(name, &values)?
            }
            Compiled::Interpret(expr) => {
                row.with_values(|values| self.scalar(expr, table, values))?
            }
        })
    }

    /// A prepared expression as a predicate: `Some(true/false)`, or `None` for null
    /// (Kusto's "unknown"). Columns and constants are borrowed, never cloned, so a `where`
    /// over many rows touches only the values it reads.
    pub(super) fn test<R: Cells + ?Sized>(
        &mut self,
        compiled: &Compiled<'_>,
        table: &Table,
        row: &R,
    ) -> Result<Option<bool>> {
        Ok(match compiled {
            Compiled::Logical { is_or, operands } => {
                // Kusto's three-valued logic: null is "unknown".
                let mut saw_null = false;
                for operand in operands {
                    match self.test(operand, table, row)? {
                        Some(b) if b == *is_or => return Ok(Some(b)),
                        Some(_) => {}
                        None => saw_null = true,
                    }
                }
                if saw_null {
                    None
                } else {
                    Some(!*is_or)
                }
            }
            Compiled::StringOp { op, left, needle } => {
                let value = self.operand(left, table, row)?;
                if value.is_null() && !op.is_negated {
                    return Ok(Some(false));
                }
                let found = with_text(&value, !op.is_case_sensitive, |text| {
                    string_matches(op.kind, text, needle)
                });
                Some(found != op.is_negated)
            }
            Compiled::EqualsCi {
                negated,
                left,
                needle,
            } => {
                let value = self.operand(left, table, row)?;
                Some(equals_ci(&value, needle) != *negated)
            }
            Compiled::Matches { left, regex } => {
                let value = self.operand(left, table, row)?;
                match &*value {
                    Value::Null => None,
                    Value::String(s) => Some(regex.is_match(s)),
                    other => as_text(other).map(|text| regex.is_match(&text)),
                }
            }
            Compiled::InList {
                op,
                left,
                items,
                lowered,
                lowered_set,
            } => {
                let value = self.operand(left, table, row)?;
                Some(in_list(*op, &value, items, lowered, lowered_set))
            }
            Compiled::Memoized { column, test, memo } => match row.cell(*column) {
                Some(Value::String(text)) => match memo.get(text) {
                    Some(answer) => answer,
                    None => {
                        let answer = self.test(test, table, row)?;
                        memo.set(text, answer);
                        answer
                    }
                },
                _ => self.test(test, table, row)?,
            },
            other => match self.run(other, table, row)? {
                Value::Bool(b) => Some(b),
                _ => None,
            },
        })
    }

    /// A prepared expression's value, borrowed from the row or the constant when it can be.
    pub(super) fn operand<'r, R: Cells + ?Sized>(
        &mut self,
        compiled: &'r Compiled<'_>,
        table: &Table,
        row: &'r R,
    ) -> Result<Cow<'r, Value>> {
        Ok(match compiled {
            Compiled::Column(index) => row
                .cell(*index)
                .map_or(Cow::Owned(Value::Null), Cow::Borrowed),
            Compiled::Const(value) => Cow::Borrowed(value),
            other => Cow::Owned(self.run(other, table, row)?),
        })
    }
}

/// `value =~ needle` with `needle` already lowered; ASCII text is compared in place.
fn equals_ci(value: &Value, needle: &str) -> bool {
    match value {
        Value::Null => false,
        Value::String(text) => {
            if text.len() == needle.len() && text.eq_ignore_ascii_case(needle) {
                return true;
            }
            // Lowering ASCII text keeps its length, so only other text can still be equal.
            !text.is_ascii() && with_text(value, true, |lowered| lowered == needle)
        }
        other => with_text(other, true, |text| text == needle),
    }
}

thread_local! {
    /// Reused for lowering text, so a case-insensitive test allocates nothing per row.
    static LOWERED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
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
    if !lower
        || !text
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        return f(text);
    }
    if !text.is_ascii() {
        return f(&text.to_lowercase());
    }
    LOWERED.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            buffer.push_str(text);
            buffer.make_ascii_lowercase();
            f(&buffer)
        }
        // Re-entered (cannot happen for the callers here): lower into a fresh string.
        Err(_) => f(&text.to_ascii_lowercase()),
    })
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
) -> bool {
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
    match op {
        ListOp::In => found(),
        ListOp::NotIn => !found(),
        ListOp::InCi => found_ci(),
        ListOp::NotInCi => !found_ci(),
        ListOp::HasAny => has_terms(false),
        ListOp::HasAll => has_terms(true),
    }
}
