//! Data from outside the query, which an offline evaluator cannot fetch, read from tables the
//! caller supplies with the events instead (documented in docs/evaluation.md):
//!
//! | the query reads                               | supply a table named |
//! |-----------------------------------------------|----------------------|
//! | `externaldata(...) ["https://x/iocs.csv"]`    | `https://x/iocs.csv` (each URL's rows, in order) |
//! | `_GetWatchlist('HighValueAssets')`            | `HighValueAssets` (the watchlist alias) |
//! | `table("T")`, `database("db").T`, `cluster("c").database("db").T` | `T` |
//!
//! for example `{"tables": {"HighValueAssets": [{"SearchKey": "host1"}]}}`. A table that was
//! not supplied is an error saying which name to supply.

use crate::kql::ast::*;
use crate::kql::eval::events::convert;
use crate::kql::eval::{Binding, Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

/// A tabular reference to data outside the query.
#[derive(Clone, Debug, PartialEq)]
pub enum Reference {
    /// `table("T")`, `database("db").T`, `cluster("c").database("db").T`.
    Table { name: String, written: String },
    /// `_GetWatchlist('alias')`.
    Watchlist { alias: String },
}

impl Reference {
    /// The name of the table the caller supplies for it.
    pub fn table_name(&self) -> &str {
        match self {
            Reference::Table { name, .. } => name,
            Reference::Watchlist { alias } => alias,
        }
    }

    fn written(&self) -> String {
        match self {
            Reference::Table { written, .. } => written.clone(),
            Reference::Watchlist { alias } => format!("_GetWatchlist('{alias}')"),
        }
    }
}

/// The string a literal argument holds.
fn string_literal(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Literal(Literal::String { value, .. }) => Some(value),
        ExprKind::Paren(inner) => string_literal(inner),
        _ => None,
    }
}

/// `name("literal")`: the literal, when `expr` calls `name` with one string.
fn call_with_string<'e>(expr: &'e Expr, name: &str) -> Option<&'e str> {
    let ExprKind::Call { callee, args } = &expr.kind else {
        return None;
    };
    if callee.as_name().is_none_or(|n| n.name != name) {
        return None;
    }
    match args.as_slice() {
        [arg] if arg.name.is_none() => string_literal(&arg.value),
        _ => None,
    }
}

/// The outside reference `expr` is, read from the syntax alone (a user function or `let`
/// named `table` or `_GetWatchlist` shadows these; the evaluator checks that first).
pub fn reference(expr: &Expr) -> Option<Reference> {
    match &expr.kind {
        ExprKind::Paren(inner) => reference(inner),
        ExprKind::Call { .. } => {
            if let Some(name) = call_with_string(expr, "table") {
                return Some(Reference::Table {
                    name: name.to_string(),
                    written: format!("table(\"{name}\")"),
                });
            }
            call_with_string(expr, "_GetWatchlist").map(|alias| Reference::Watchlist {
                alias: alias.to_string(),
            })
        }
        // `database("db").T` and `cluster("c").database("db").T`.
        ExprKind::Member { target, name } => {
            let ExprKind::Call { callee, args } = &target.kind else {
                return None;
            };
            let db = match args.as_slice() {
                [arg] if arg.name.is_none() => string_literal(&arg.value)?,
                _ => return None,
            };
            let cluster = match &callee.kind {
                ExprKind::Name(n) if n.name == "database" => None,
                ExprKind::Member { target, name } if name.name == "database" => {
                    Some(call_with_string(target, "cluster")?)
                }
                _ => return None,
            };
            let written = match cluster {
                Some(c) => format!("cluster(\"{c}\").database(\"{db}\").{}", name.name),
                None => format!("database(\"{db}\").{}", name.name),
            };
            Some(Reference::Table {
                name: name.name.clone(),
                written,
            })
        }
        _ => None,
    }
}

/// The URLs an `externaldata` operator reads, when they are string literals.
pub fn externaldata_urls(uris: &[Expr]) -> Vec<String> {
    uris.iter()
        .filter_map(|uri| string_literal(uri).map(str::to_string))
        .collect()
}

fn not_available(what: &str, table: &str) -> EvalError {
    EvalError::new(format!(
        "not available offline: {what} (supply a table named `{table}` with the events, e.g. {{\"tables\": {{\"{table}\": [...]}}}})"
    ))
}

impl Evaluator<'_> {
    /// Whether `expr` reads outside data rather than calling a user function of that name.
    pub(super) fn outside_reference(&self, expr: &Expr) -> Option<Reference> {
        let shadowed = match &expr.kind {
            ExprKind::Call { callee, .. } => callee
                .as_name()
                .is_some_and(|n| self.lookup(&n.name).is_some()),
            _ => false,
        };
        if shadowed {
            return None;
        }
        reference(expr)
    }

    /// The table the caller supplied for an outside reference.
    pub(super) fn supplied_table(&self, reference: &Reference) -> Result<Table> {
        let name = reference.table_name();
        if let Reference::Table { .. } = reference {
            // `table("T")` also names a `let` table or view of the query.
            match self.lookup(name) {
                Some(Binding::Table(table)) => return Ok(table.clone()),
                Some(Binding::Function(_)) => {
                    return Err(EvalError::unsupported(format!(
                        "{} naming a function",
                        reference.written()
                    )))
                }
                _ => {}
            }
        }
        match self.inputs.get(name) {
            Some(table) => Ok(table.to_table()),
            None => Err(not_available(&reference.written(), name)),
        }
    }

    /// `externaldata (columns) [urls]`: the rows of the table supplied for each URL, in
    /// order, with the declared columns (converted to their declared types; missing columns
    /// are null).
    pub(super) fn externaldata(&mut self, columns: &[ColumnDecl], uris: &[Expr]) -> Result<Table> {
        let mut table = Table::new(
            columns
                .iter()
                .map(|c| Column {
                    name: c.name.name.clone(),
                    ty: Some(ScalarType::parse(&c.ty.name).unwrap_or(ScalarType::Dynamic)),
                })
                .collect(),
        );
        for uri in uris {
            let url = match self.constant(uri)? {
                Value::String(url) => url.to_string(),
                _ => return Err(EvalError::new("externaldata: a URL must be a string")),
            };
            let Some(supplied) = self.inputs.get(&url) else {
                return Err(not_available(&format!("externaldata [\"{url}\"]"), &url));
            };
            let sources: Vec<Option<usize>> = table
                .columns
                .iter()
                .map(|c| supplied.column_index(&c.name))
                .collect();
            for row in 0..supplied.len() {
                let out = table
                    .columns
                    .iter()
                    .zip(&sources)
                    .map(|(column, source)| {
                        let value = source.and_then(|i| supplied.cell(i, row)).cloned();
                        match (value, column.ty) {
                            (None | Some(Value::Null), _) => Value::Null,
                            (Some(value), Some(ty)) if value.scalar_type() != Some(ty) => {
                                convert(&value.to_json(), ty)
                            }
                            (Some(value), _) => value,
                        }
                    })
                    .collect();
                table.rows.push(out);
                self.check_time()?;
            }
            self.check_table(&table)?;
        }
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{reference, Reference};
    use crate::kql::eval::{evaluate, Column, EvalOptions, Table};
    use crate::value::{ScalarType, Value};

    fn first_expr(query: &str) -> crate::kql::ast::Expr {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        match parsed.query.statements.into_iter().next().map(|s| s.kind) {
            Some(crate::kql::ast::StatementKind::Expr(expr)) => expr,
            other => panic!("not an expression: {other:?}"),
        }
    }

    fn run(query: &str, inputs: &HashMap<String, Table>) -> Result<Table, String> {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}: {:?}", parsed.diagnostics);
        evaluate(&parsed.query, inputs, &EvalOptions::default())
            .map(|e| e.table.unwrap_or_default())
            .map_err(|e| e.message)
    }

    fn hosts() -> Table {
        let mut table = Table::new(vec![
            Column {
                name: "SearchKey".to_string(),
                ty: Some(ScalarType::String),
            },
            Column {
                name: "Score".to_string(),
                ty: Some(ScalarType::String),
            },
        ]);
        table
            .rows
            .push(vec![Value::string("host1"), Value::string("7")]);
        table
            .rows
            .push(vec![Value::string("host2"), Value::string("9")]);
        table
    }

    fn supplied(name: &str) -> HashMap<String, Table> {
        HashMap::from([(name.to_string(), hosts())])
    }

    #[test]
    fn recognizes_each_form() {
        let table = |name: &str| Some(name.to_string());
        let name_of = |q: &str| reference(&first_expr(q)).map(|r| r.table_name().to_string());
        assert_eq!(name_of("table('T')"), table("T"));
        assert_eq!(name_of("database('db').T"), table("T"));
        assert_eq!(name_of("cluster('c').database('db').T"), table("T"));
        assert_eq!(
            reference(&first_expr("_GetWatchlist('Assets')")),
            Some(Reference::Watchlist {
                alias: "Assets".to_string()
            })
        );
        assert_eq!(name_of("strlen('T')"), None);
        assert_eq!(name_of("x.y"), None);
    }

    #[test]
    fn watchlist_reads_the_table_named_by_its_alias() {
        let table = run(
            "_GetWatchlist('HighValueAssets') | where SearchKey == 'host2' | project SearchKey",
            &supplied("HighValueAssets"),
        )
        .unwrap();
        assert_eq!(table.rows, vec![vec![Value::string("host2")]]);
    }

    #[test]
    fn missing_watchlist_says_what_to_supply() {
        let error = run("_GetWatchlist('HighValueAssets')", &HashMap::new()).unwrap_err();
        assert!(error.starts_with("not available offline: _GetWatchlist('HighValueAssets')"));
        assert!(
            error.contains("supply a table named `HighValueAssets`"),
            "{error}"
        );
    }

    #[test]
    fn table_function_reads_a_supplied_or_let_table() {
        let table = run("table('Hosts') | count", &supplied("Hosts")).unwrap();
        assert_eq!(table.rows, vec![vec![Value::Long(2)]]);
        let table = run("let T = print x = 1; table('T')", &HashMap::new()).unwrap();
        assert_eq!(table.rows, vec![vec![Value::Long(1)]]);
        let error = run("table('Hosts')", &HashMap::new()).unwrap_err();
        assert!(error.contains("supply a table named `Hosts`"), "{error}");
    }

    #[test]
    fn database_and_cluster_read_the_table_of_that_name() {
        let inputs = supplied("Hosts");
        let table = run("database('Security').Hosts | count", &inputs).unwrap();
        assert_eq!(table.rows, vec![vec![Value::Long(2)]]);
        let query = "cluster('https://help.kusto.windows.net').database('Security').Hosts | where Score == '9' | project SearchKey";
        let table = run(query, &inputs).unwrap();
        assert_eq!(table.rows, vec![vec![Value::string("host2")]]);
        let error = run("cluster('c').database('d').Other", &inputs).unwrap_err();
        assert!(
            error.starts_with("not available offline: cluster(\"c\").database(\"d\").Other"),
            "{error}"
        );
    }

    #[test]
    fn references_work_as_join_and_union_operands() {
        let inputs = supplied("Hosts");
        let query = "datatable(SearchKey: string)['host1', 'host3'] | join kind=inner (database('db').Hosts) on SearchKey | project SearchKey";
        let table = run(query, &inputs).unwrap();
        assert_eq!(table.rows, vec![vec![Value::string("host1")]]);
        let table = run(
            "union table('Hosts'), _GetWatchlist('Hosts') | count",
            &inputs,
        )
        .unwrap();
        assert_eq!(table.rows, vec![vec![Value::Long(4)]]);
    }

    #[test]
    fn externaldata_reads_the_table_named_by_the_url() {
        let url = "https://example.com/hosts.csv";
        let query = format!("externaldata(SearchKey: string, Score: long, Missing: string) ['{url}'] | where Score > 8");
        let table = run(&query, &supplied(url)).unwrap();
        assert_eq!(table.column_names(), vec!["SearchKey", "Score", "Missing"]);
        assert_eq!(
            table.rows,
            vec![vec![Value::string("host2"), Value::Long(9), Value::Null]]
        );
    }

    #[test]
    fn externaldata_without_its_table_says_what_to_supply() {
        let query = "externaldata(SearchKey: string) ['https://example.com/a.csv', 'https://example.com/b.csv'] with (format='csv')";
        let error = run(query, &supplied("https://example.com/a.csv")).unwrap_err();
        assert!(
            error
                .starts_with("not available offline: externaldata [\"https://example.com/b.csv\"]"),
            "{error}"
        );
        assert!(
            error.contains("supply a table named `https://example.com/b.csv`"),
            "{error}"
        );
    }
}
