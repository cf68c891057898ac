//! Tabular operators, one family per file; `operator()` dispatches and records each stage's
//! rows in and out.

mod distinct;
mod getschema;
pub(in crate::kql::eval) mod graph;
mod join;
mod lookup;
mod make_series;
mod mv_apply;
mod mv_expand;
mod parse;
mod parse_kv;
mod partition;
mod project;
mod reduce;
mod scan;
mod sort;
mod source;
mod summarize;
mod top_hitters;
mod top_nested;
mod union;
mod where_;

use super::{EvalError, Evaluator, Result, Stage, Table};
use crate::kql::ast::*;

impl Evaluator<'_> {
    pub(super) fn operator(&mut self, op: &Operator, input: Table) -> Result<Table> {
        let rows_in = input.rows.len();
        let output = match &op.kind {
            OperatorKind::Where { predicate, .. } => self.filter(predicate, &input)?,
            OperatorKind::Project { columns } => self.project(columns, &input, false)?,
            OperatorKind::Extend { columns } => self.project(columns, &input, true)?,
            OperatorKind::ProjectAway { columns } => project::away(columns, input, false),
            OperatorKind::ProjectKeep { columns } => project::away(columns, input, true),
            OperatorKind::ProjectRename { renames } => project::rename(renames, input)?,
            OperatorKind::ProjectReorder { columns } => project::reorder(columns, input),
            OperatorKind::ProjectByNames { columns } => self.project_by_names(columns, input)?,
            OperatorKind::Take { count, .. } => {
                let n = self.count_argument(count)?;
                let mut table = input;
                table.rows.truncate(n);
                table
            }
            OperatorKind::Count => {
                let mut table = Table::new(vec![super::Column {
                    name: "Count".to_string(),
                    ty: Some(crate::value::ScalarType::Long),
                }]);
                table
                    .rows
                    .push(vec![crate::value::Value::Long(input.rows.len() as i64)]);
                table
            }
            OperatorKind::Sort { keys, .. } => self.sort(keys, input)?,
            OperatorKind::Top { count, key } => {
                let n = self.count_argument(count)?;
                let mut table = self.sort(std::slice::from_ref(key), input)?;
                table.rows.truncate(n);
                table
            }
            OperatorKind::TopNested { levels } => self.top_nested(levels, &input)?,
            OperatorKind::TopHitters { count, of, by } => {
                self.top_hitters(count, of, by.as_ref(), &input)?
            }
            OperatorKind::Distinct { columns } => self.distinct(columns, input)?,
            OperatorKind::Summarize { aggregates, by, .. } => {
                self.summarize(aggregates, by, &input)?
            }
            OperatorKind::Print { columns } => self.print(columns)?,
            OperatorKind::Datatable { columns, values } => self.datatable(columns, values)?,
            OperatorKind::Range {
                column,
                from,
                to,
                step,
            } => self.range(column, from, to, step)?,
            OperatorKind::Externaldata { columns, uris, .. } => self.externaldata(columns, uris)?,
            OperatorKind::Union { params, tables } => self.union(
                params,
                tables,
                input,
                rows_in > 0 || !self.stages.is_empty(),
            )?,
            OperatorKind::Join { params, right, on } => self.join(params, right, on, input)?,
            OperatorKind::MvExpand {
                params,
                items,
                limit,
                ..
            } => self.mv_expand(params, items, limit.as_ref(), input)?,
            OperatorKind::Parse {
                keyword,
                params,
                source,
                pattern,
            } => self.parse(keyword, params, source, pattern, input)?,
            OperatorKind::MvApply {
                params,
                items,
                limit,
                subquery,
            } => self.mv_apply(params, items, limit.as_ref(), subquery, input)?,
            OperatorKind::ParseKv {
                source,
                columns,
                with,
            } => self.parse_kv(source, columns, with, input)?,
            OperatorKind::Lookup { params, right, on } => {
                self.lookup_operator(params, right, on, input)?
            }
            OperatorKind::MakeSeries {
                aggregates,
                on,
                range,
                by,
                ..
            } => self.make_series(aggregates, on, range, by, &input)?,
            OperatorKind::Reduce { params, by, with } => self.reduce(params, by, with, input)?,
            OperatorKind::Getschema => getschema::getschema(input),
            OperatorKind::Scan {
                params,
                order_by,
                partition_by,
                declare,
                steps,
            } => self.scan(params, order_by, partition_by, declare, steps, input)?,
            OperatorKind::Partition { by, body, .. } => self.partition(by, body, input)?,
            OperatorKind::Serialize { columns } => self.project(columns, &input, true)?,
            // `as Name` binds the table to a name later parts of the query can read.
            OperatorKind::As { name, .. } => {
                self.bind(&name.name, super::Binding::Table(input.clone()));
                input
            }
            OperatorKind::Render { .. } => input,
            OperatorKind::Evaluate {
                call,
                output_schema,
                ..
            } => self.evaluate_plugin(call, output_schema.as_deref(), input)?,
            OperatorKind::Invoke { call } => {
                let ExprKind::Call { callee, args } = &call.kind else {
                    return Err(EvalError::unsupported("invoke of this expression"));
                };
                let name = callee.as_name().map(|n| n.name.clone()).unwrap_or_default();
                match self.lookup(&name).cloned() {
                    Some(super::Binding::Function(def)) => {
                        match self.call_function(&def, args, Some(input), None)? {
                            super::Binding::Table(table) => table,
                            _ => {
                                return Err(EvalError::new(format!(
                                    "`{name}` does not return a table"
                                )))
                            }
                        }
                    }
                    _ => return Err(EvalError::unsupported(format!("invoke `{name}`"))),
                }
            }
            OperatorKind::Raw { keyword, text } => {
                match self.graph_operator(keyword, text, input) {
                    Some(result) => result?,
                    None => {
                        return Err(EvalError::unsupported(format!("the `{keyword}` operator")))
                    }
                }
            }
            other => {
                return Err(EvalError::unsupported(format!(
                    "the `{}` operator",
                    other.keyword()
                )))
            }
        };
        self.check_table(&output)?;
        self.record_stage(op, rows_in, output.rows.len());
        Ok(output)
    }

    pub(in crate::kql::eval) fn record_stage(
        &mut self,
        op: &Operator,
        rows_in: usize,
        rows_out: usize,
    ) {
        let index = self.stages.len();
        self.stages.push(Stage {
            index,
            operator: op.kind.keyword().to_string(),
            rows_in,
            rows_out,
        });
    }

    /// `take N`, `top N`: a non-negative count.
    fn count_argument(&mut self, count: &Expr) -> Result<usize> {
        let value = self.constant(count)?;
        super::scalar::as_i64(&value)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| EvalError::new("the row count must be a non-negative number"))
    }
}
