use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{keyword_span, time_filters, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags a `join` or `lookup` where one side limits its table to a time window
    /// (`where TimeGenerated > ago(1h)`) and the other side reads a table with no time
    /// filter at all.
    ///
    /// ## Why it matters
    /// The unfiltered side reads every row of its table in the query's time range — the
    /// whole retention when the query runs in hunting or from the API, the full
    /// `queryPeriod` in a scheduled rule — and the join then holds it in memory to match a
    /// one-hour window. It is the most common cause of joins that time out. It also makes
    /// the correlation window asymmetric by accident: an event from last month on one side
    /// can pair with one from the last hour.
    ///
    /// ## Example
    /// ```kql
    /// SigninLogs
    /// | where TimeGenerated > ago(1h)
    /// | join kind=inner (AADNonInteractiveUserSignInLogs) on UserPrincipalName
    /// ```
    /// Use instead: give the right side its window too:
    /// `(AADNonInteractiveUserSignInLogs | where TimeGenerated > ago(1h))`.
    ///
    /// ## Fix
    /// None: the window of the other side is the author's choice.
    pub JoinOneSideTimeFilter {
        code: "KQL344",
        slug: "join-one-side-time-filter",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`join` with a time filter on one side only",
    }
}

/// What is known of a join side's time filtering.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Window {
    /// A `where` limits time somewhere on the way from the table.
    Filtered,
    /// Reads a table (a plain table name) and never filters on time.
    Unfiltered,
    /// Not a plain table (a function, `datatable`, an unresolved name...): unknown.
    Unknown,
}

struct Resolver<'c, 'a> {
    cx: &'c LintContext<'a>,
    time_lets: Vec<&'a str>,
}

impl<'a> Resolver<'_, 'a> {
    fn let_value(&self, name: &str) -> Option<&'a Expr> {
        self.cx
            .lets()
            .into_iter()
            .rev()
            .find_map(|(ident, value, _)| match value {
                LetValue::Expr(expr) if ident.name == name => Some(expr),
                _ => None,
            })
    }

    fn operators_filter(&self, operators: &[Operator]) -> bool {
        !time_filters(operators, &self.time_lets).is_empty()
    }

    /// The time window of a tabular expression (`depth` bounds `let` chains).
    fn window(&self, expr: &Expr, depth: usize) -> Window {
        if depth > 8 {
            return Window::Unknown;
        }
        match &expr.kind {
            ExprKind::Paren(inner) => self.window(inner, depth + 1),
            ExprKind::Pipeline { source, operators } => {
                if self.operators_filter(operators) {
                    Window::Filtered
                } else {
                    self.window(source, depth + 1)
                }
            }
            ExprKind::Call { callee, args } => match callee.as_name().map(|n| n.name.as_str()) {
                Some("materialize") => match args.first() {
                    Some(arg) => self.window(&arg.value, depth + 1),
                    None => Window::Unknown,
                },
                _ => Window::Unknown,
            },
            ExprKind::Name(ident) => match self.let_value(&ident.name) {
                Some(value) => self.window(value, depth + 1),
                None if self.is_table(&ident.name) => Window::Unfiltered,
                None => Window::Unknown,
            },
            _ => Window::Unknown,
        }
    }

    /// A table name: in the schema when there is one; otherwise any name that is not a
    /// `let` or a function.
    fn is_table(&self, name: &str) -> bool {
        match self.cx.env.schema {
            Some(schema) => schema
                .table(name)
                .is_some_and(|t| t.time_column().is_some()),
            None => !self
                .cx
                .lets()
                .iter()
                .any(|(ident, _, _)| ident.name == name),
        }
    }
}

impl KqlRule for JoinOneSideTimeFilter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let resolver = Resolver {
            cx,
            time_lets: cx.time_lets(),
        };
        let mut found = Vec::new();
        for chain in cx.chains() {
            let Some(source) = chain.source else { continue };
            for (i, op) in chain.operators.iter().enumerate() {
                let (OperatorKind::Join { right, .. } | OperatorKind::Lookup { right, .. }) =
                    &op.kind
                else {
                    continue;
                };
                let before = chain.operators.get(..i).unwrap_or(&[]);
                let left = if resolver.operators_filter(before) {
                    Window::Filtered
                } else {
                    resolver.window(source, 0)
                };
                let right_window = resolver.window(right, 0);
                let (filtered, unfiltered) = match (left, right_window) {
                    (Window::Filtered, Window::Unfiltered) => ("left", "right"),
                    (Window::Unfiltered, Window::Filtered) => ("right", "left"),
                    _ => continue,
                };
                found.push(
                    Self::META
                        .diagnostic(
                            format!("the {filtered} side of this `{}` is limited to a time window, the {unfiltered} side reads its table without one", op.kind.keyword()),
                            keyword_span(op),
                        )
                        .with_help(format!("filter the {unfiltered} side on its time column too, with the window the correlation needs")),
                );
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
