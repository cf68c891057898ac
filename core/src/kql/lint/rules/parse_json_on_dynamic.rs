use crate::declare_rule;
use crate::diagnostic::{Fix, Severity, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;
use crate::value::ScalarType;

declare_rule! {
    /// ## What it does
    /// Flags `parse_json(x)` / `todynamic(x)` when `x` is already dynamic: a dynamic column
    /// of the profile's schema (`AuditLogs.TargetResources`), a property (`x.Name`,
    /// `x[0]`) or another `parse_json(...)`.
    ///
    /// ## Why it matters
    /// Kusto returns a dynamic argument as it is: nothing is parsed. Usually this is only
    /// wasted work. When the result is read further (`parse_json(x.Prop).a`) it is a bug:
    /// if the property holds JSON *text* (`"{\"a\":1}"`), `parse_json(x.Prop)` leaves it
    /// a string and `.a` on it is empty; the text must be converted first,
    /// `parse_json(tostring(x.Prop)).a`. That case is reported as a warning.
    ///
    /// ## Example
    /// ```kql
    /// AuditLogs | extend Target = parse_json(TargetResources)[0]
    /// ```
    /// Use instead: `extend Target = TargetResources[0]`.
    ///
    /// ## Fix
    /// Safe: drops the call, which returns its argument unchanged. When a property's result
    /// is read further, the fix wraps the property in `tostring()` instead and is unsafe:
    /// it changes the result.
    pub ParseJsonOnDynamic {
        code: "KQL330",
        slug: "parse-json-on-dynamic",
        language: Kql,
        severity: Info,
        category: Correctness,
        fix: Safe,
        summary: "`parse_json()` of a value that is already dynamic does nothing",
    }
}

fn is_property(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Member { target, .. } => {
            !matches!(&target.kind, ExprKind::Name(side) if side.name.starts_with('$'))
        }
        ExprKind::Index { .. } => true,
        _ => false,
    }
}

impl KqlRule for ParseJsonOnDynamic {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        // Calls whose result is read further (`parse_json(x.Prop).Name`, `[0]`): the
        // author expects parsed JSON.
        let read_further: Vec<Span> = cx
            .exprs()
            .iter()
            .filter_map(|e| match &e.kind {
                ExprKind::Member { target, .. } | ExprKind::Index { target, .. } => {
                    Some(target.span)
                }
                _ => None,
            })
            .collect();
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, [arg])) = call_name(expr) else {
                continue;
            };
            if !matches!(
                callee.name.as_str(),
                "parse_json" | "todynamic" | "toobject"
            ) {
                continue;
            }
            let value = &arg.value;
            let is_nested_call = matches!(call_name(value), Some((inner, _)) if matches!(inner.name.as_str(), "parse_json" | "todynamic"));
            let is_dynamic = cx.type_of(value) == Some(ScalarType::Dynamic)
                || is_property(value)
                || is_nested_call;
            if !is_dynamic {
                continue;
            }
            let argument = value.span.text(cx.text);
            let name = &callee.name;
            let diagnostic = if is_property(value) && read_further.contains(&expr.span) {
                let mut d = Self::META
                    .diagnostic(
                        format!("`{name}({argument})` returns the dynamic property unchanged: JSON text inside it is not parsed"),
                        expr.span,
                    )
                    .with_help(format!("to parse JSON text held in the property, convert it first: `{name}(tostring({argument}))`"))
                    .with_fix(Fix {
                        title: format!("Parse the text: `{name}(tostring({argument}))`"),
                        edits: vec![TextEdit {
                            span: value.span,
                            text: format!("tostring({argument})"),
                        }],
                        is_safe: false,
                    });
                d.severity = Severity::Warning;
                d
            } else {
                Self::META
                    .diagnostic(
                        format!("`{argument}` is already dynamic: `{name}` returns it unchanged"),
                        expr.span,
                    )
                    .with_fix(Fix {
                        title: format!("Use `{argument}`"),
                        edits: vec![TextEdit {
                            span: expr.span,
                            text: argument.to_string(),
                        }],
                        is_safe: true,
                    })
            };
            found.push(diagnostic);
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
