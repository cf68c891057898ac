use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;
use crate::value::ScalarType;

declare_rule! {
    /// ## What it does
    /// Flags a numeric column (int, long, real, decimal in the profile's schema) compared
    /// with a quoted number: `EventID == "4625"`, `LogonType in ("3", "10")`.
    ///
    /// ## Why it matters
    /// The comparison mixes types and depends on Kusto converting the string at run time.
    /// It reads as if the column held text, and it stops matching as soon as the text is
    /// not written the way the number converts (`"04625"`, `"4625 "`). Writing the number
    /// says what is meant and compares numbers directly.
    ///
    /// ## Example
    /// ```kql
    /// SecurityEvent | where EventID == "4625"
    /// ```
    /// Use instead: `where EventID == 4625`.
    ///
    /// ## Fix
    /// Safe when the text is a plain integer (no sign, no leading zero, no spaces): the
    /// quotes are removed. Needs the schema: silent under the `none` profile.
    pub QuotedNumber {
        code: "KQL331",
        slug: "quoted-number",
        language: Kql,
        severity: Info,
        category: Correctness,
        fix: Safe,
        summary: "Numeric column compared with a quoted number",
    }
}

fn is_numeric(ty: Option<ScalarType>) -> bool {
    matches!(
        ty,
        Some(ScalarType::Int | ScalarType::Long | ScalarType::Real | ScalarType::Decimal)
    )
}

/// The number a string holds, when it is written as Kusto writes an integer.
fn canonical_integer(value: &str) -> Option<i64> {
    let number = value.parse::<i64>().ok()?;
    (number.to_string() == value && !value.starts_with('-')).then_some(number)
}

impl KqlRule for QuotedNumber {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let (left, values): (&Expr, Vec<&Expr>) = match &expr.kind {
                ExprKind::Binary {
                    op:
                        BinaryOp::Eq
                        | BinaryOp::NotEq
                        | BinaryOp::Lt
                        | BinaryOp::Le
                        | BinaryOp::Gt
                        | BinaryOp::Ge,
                    left,
                    right,
                } => (left, vec![right]),
                ExprKind::InList {
                    op: ListOp::In | ListOp::NotIn,
                    left,
                    list,
                } => (left, list.iter().collect()),
                _ => continue,
            };
            if !is_numeric(cx.type_of(left)) {
                continue;
            }
            let quoted: Vec<(&Expr, &str)> = values
                .into_iter()
                .filter_map(|v| string_literal(v).map(|text| (v, text)))
                .filter(|(_, text)| {
                    let trimmed = text.trim();
                    !trimmed.is_empty() && trimmed.parse::<f64>().is_ok()
                })
                .collect();
            let (Some((first, first_text)), Some((last, _))) = (quoted.first(), quoted.last())
            else {
                continue;
            };
            let column = left.span.text(cx.text);
            let message = if quoted.len() == 1 {
                format!("`{column}` is a number but is compared with the string \"{first_text}\"")
            } else {
                format!(
                    "`{column}` is a number but is compared with {} quoted numbers",
                    quoted.len()
                )
            };
            let span = Span::new(first.span.start as usize, last.span.end as usize);
            let mut diagnostic = Self::META.diagnostic(message, span);
            let edits: Option<Vec<TextEdit>> = quoted
                .iter()
                .map(|(value, text)| {
                    canonical_integer(text).map(|n| TextEdit {
                        span: value.span,
                        text: n.to_string(),
                    })
                })
                .collect();
            diagnostic = match edits {
                Some(edits) => diagnostic.with_fix(Fix {
                    title: match edits.as_slice() {
                        [only] => format!("Compare with the number {}", only.text),
                        _ => "Compare with numbers: remove the quotes".to_string(),
                    },
                    edits,
                    is_safe: true,
                }),
                None => diagnostic.with_help("write the numbers without quotes"),
            };
            found.push(diagnostic);
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
