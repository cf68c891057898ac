//! Semantic analysis (binding): resolves tables, columns, `let` names and functions through
//! every operator that changes the row schema, and reports what does not resolve (KQL2xx).
//!
//! Where the analyzer cannot know the columns (an unknown table, `evaluate`, a stored
//! function), the row is *open* and unknown names are not reported: no false alarms.

mod expr;
mod operators;
pub mod row;

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::kql::ast::*;
use crate::kql::schema::Schema;
use crate::source::Span;
use crate::value::ScalarType;
pub use row::{RowColumn, RowSchema};

/// What the analyzer found.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    pub diagnostics: Vec<Diagnostic>,
    /// The columns of the query's result, when its last statement is tabular.
    pub result: Option<RowSchema>,
    /// The type of every scalar expression whose type the analyzer knows, by span (for
    /// type-aware lint rules).
    pub types: HashMap<Span, ScalarType>,
}

/// Analyzes a parsed query against a schema.
pub fn analyze(query: &Query, schema: &Schema) -> Analysis {
    let mut analyzer = Analyzer {
        schema,
        scopes: vec![HashMap::new()],
        diagnostics: Vec::new(),
        types: HashMap::new(),
    };
    let result = analyzer.statements(&query.statements);
    Analysis {
        diagnostics: analyzer.diagnostics,
        result,
        types: analyzer.types,
    }
}

/// What a `let` name (or a function parameter) stands for.
#[derive(Clone, Debug)]
enum Binding {
    Scalar(Option<ScalarType>),
    Table(RowSchema),
    /// A user function: its result's columns are not tracked yet (open).
    Function {
        parameter_count: (usize, usize),
    },
}

struct Analyzer<'s> {
    schema: &'s Schema,
    scopes: Vec<HashMap<String, Binding>>,
    diagnostics: Vec<Diagnostic>,
    types: HashMap<Span, ScalarType>,
}

impl<'s> Analyzer<'s> {
    fn lookup(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|scope| scope.get(name))
    }

    fn bind(&mut self, name: &str, binding: Binding) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.to_string(), binding);
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// Runs statements in order; returns the last tabular statement's row schema.
    fn statements(&mut self, statements: &[Statement]) -> Option<RowSchema> {
        let mut result = None;
        for statement in statements {
            match &statement.kind {
                StatementKind::Let { name, value } => {
                    let binding = match value {
                        LetValue::Expr(expr) => match self.tabular_or_scalar(expr) {
                            Ok(row) => Binding::Table(row),
                            Err(ty) => Binding::Scalar(ty),
                        },
                        LetValue::Function(def) => self.function(def),
                    };
                    self.bind(&name.name, binding);
                }
                StatementKind::Expr(expr) => {
                    result = self.tabular_or_scalar(expr).ok();
                }
                StatementKind::DeclareQueryParameters { parameters } => {
                    for parameter in parameters {
                        let binding = parameter_binding(parameter);
                        self.bind(&parameter.name.name, binding);
                    }
                }
                StatementKind::Set { .. }
                | StatementKind::Alias { .. }
                | StatementKind::Pattern { .. }
                | StatementKind::RestrictAccess { .. }
                | StatementKind::Error => {}
            }
        }
        result
    }

    /// Checks a function body with its parameters bound.
    fn function(&mut self, def: &FunctionDef) -> Binding {
        self.scopes.push(HashMap::new());
        for parameter in &def.parameters {
            let binding = parameter_binding(parameter);
            self.bind(&parameter.name.name, binding);
        }
        self.statements(&def.body);
        self.scopes.pop();
        let required = def
            .parameters
            .iter()
            .filter(|p| p.default.is_none())
            .count();
        Binding::Function {
            parameter_count: (required, def.parameters.len()),
        }
    }

    /// A statement-level or `let` expression: a table (Ok) or a scalar (Err with its type).
    fn tabular_or_scalar(&mut self, expr: &Expr) -> Result<RowSchema, Option<ScalarType>> {
        // A bare unknown name as a whole statement or `let` value is a table reference.
        let is_unknown_name =
            matches!(&expr.kind, ExprKind::Name(ident) if self.lookup(&ident.name).is_none());
        if self.is_tabular(expr) || is_unknown_name {
            Ok(self.source(expr))
        } else {
            Err(self.scalar(expr, &RowSchema::default()))
        }
    }

    /// Whether an expression denotes a table (rather than a scalar).
    fn is_tabular(&self, expr: &Expr) -> bool {
        match &expr.kind {
            ExprKind::Pipeline { .. } | ExprKind::Source(_) => true,
            ExprKind::Paren(inner) => self.is_tabular(inner),
            ExprKind::Name(ident) => match self.lookup(&ident.name) {
                Some(Binding::Table(_)) => true,
                Some(_) => false,
                None => self.schema.tabular(&ident.name).is_some(),
            },
            ExprKind::Call { callee, .. } => match &callee.kind {
                ExprKind::Name(ident) => {
                    matches!(
                        ident.name.as_str(),
                        "materialize"
                            | "table"
                            | "view"
                            | "database"
                            | "cluster"
                            | "external_table"
                    ) || self.schema.function(&ident.name).is_some()
                        || matches!(self.lookup(&ident.name), Some(Binding::Function { .. }))
                }
                _ => false,
            },
            ExprKind::Member { target, .. } => is_cluster_or_database(target),
            _ => false,
        }
    }

    /// The row schema of a tabular expression, reporting what does not resolve.
    fn source(&mut self, expr: &Expr) -> RowSchema {
        match &expr.kind {
            ExprKind::Paren(inner) => self.source(inner),
            ExprKind::Pipeline { source, operators } => {
                let mut row = self.source(source);
                for op in operators {
                    row = self.operator(op, row);
                }
                row
            }
            ExprKind::Source(op) => self.operator(op, RowSchema::default()),
            ExprKind::Name(ident) => self.table(ident),
            ExprKind::Call { callee, args } => {
                if let ExprKind::Name(ident) = &callee.kind {
                    match ident.name.as_str() {
                        "materialize" => {
                            return match args.first() {
                                Some(arg) => self.source(&arg.value),
                                None => RowSchema::open(),
                            }
                        }
                        "table" | "view" | "external_table" | "cluster" | "database" => {
                            return RowSchema::open()
                        }
                        _ => {}
                    }
                    if let Some(function) = self.schema.function(&ident.name) {
                        let mut row = RowSchema::from_columns(
                            function
                                .columns
                                .iter()
                                .map(|c| (c.name.clone(), Some(c.ty))),
                        );
                        row.is_open = function.columns.is_empty();
                        for arg in args {
                            self.scalar(&arg.value, &RowSchema::default());
                        }
                        return row;
                    }
                }
                self.scalar(expr, &RowSchema::default());
                RowSchema::open()
            }
            _ => {
                self.scalar(expr, &RowSchema::default());
                RowSchema::open()
            }
        }
    }

    /// A table name: a `let` table, a schema table or tabular function, else unknown.
    fn table(&mut self, ident: &Ident) -> RowSchema {
        match self.lookup(&ident.name) {
            Some(Binding::Table(row)) => return row.clone(),
            Some(Binding::Function { .. }) => return RowSchema::open(),
            Some(Binding::Scalar(_)) => return RowSchema::open(),
            None => {}
        }
        if let Some(tabular) = self.schema.tabular(&ident.name) {
            let mut row = RowSchema::from_columns(
                tabular
                    .columns()
                    .iter()
                    .map(|c| (c.name.clone(), Some(c.ty))),
            );
            row.is_open = tabular.columns().is_empty();
            return row;
        }
        if !self.schema.is_empty() {
            let mut diagnostic = Diagnostic::error(
                "KQL202",
                "unknown-table",
                format!(
                    "unknown table `{}` in the {} schema",
                    ident.name,
                    self.schema.profile().name()
                ),
                ident.span,
            );
            if let Some(suggestion) = self.schema.closest_tabular(&ident.name) {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            } else {
                diagnostic = diagnostic
                    .with_help("load its schema (`--schema DIR`) if it is a custom table");
            }
            self.report(diagnostic);
        }
        RowSchema::open()
    }

    fn unknown_column(&mut self, ident: &Ident, row: &RowSchema) {
        let mut message = format!("unknown column `{}`", ident.name);
        if let Some(origin) = row_origin(row) {
            message.push_str(&format!(" (columns: {origin})"));
        }
        let mut diagnostic = Diagnostic::error("KQL203", "unknown-column", message, ident.span);
        let lets: Vec<&str> = self
            .scopes
            .iter()
            .flat_map(|s| s.keys().map(String::as_str))
            .collect();
        let candidates = row.names().chain(lets);
        if let Some(suggestion) = crate::suggest::closest(&ident.name, candidates) {
            diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
        }
        self.report(diagnostic);
    }
}

/// A short list of the row's columns for messages.
fn row_origin(row: &RowSchema) -> Option<String> {
    if row.columns.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = row.names().take(6).collect();
    if row.columns.len() > 6 {
        names.push("...");
    }
    Some(names.join(", "))
}

fn parameter_binding(parameter: &Parameter) -> Binding {
    match &parameter.ty {
        ParameterType::Scalar { name } => Binding::Scalar(ScalarType::parse(&name.name)),
        ParameterType::Tabular {
            columns,
            has_wildcard,
        } => {
            let mut row = RowSchema::from_columns(
                columns
                    .iter()
                    .map(|c| (c.name.name.clone(), ScalarType::parse(&c.ty.name))),
            );
            row.is_open = *has_wildcard;
            Binding::Table(row)
        }
    }
}

fn is_cluster_or_database(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Call { callee, .. } => match &callee.kind {
            ExprKind::Name(ident) => matches!(ident.name.as_str(), "cluster" | "database"),
            ExprKind::Member { target, .. } => is_cluster_or_database(target),
            _ => false,
        },
        ExprKind::Member { target, .. } => is_cluster_or_database(target),
        _ => false,
    }
}

/// Span of an operator's keyword, for operator-level diagnostics.
fn keyword_span(op: &Operator) -> Span {
    Span::new(
        op.span.start as usize,
        op.span.start as usize + op.kind.keyword().len(),
    )
}
