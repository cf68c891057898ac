use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `has`, `has_any`, `has_all`, `hasprefix`, `hassuffix` (and negations, `_cs`)
    /// with a value that starts or ends with whitespace, such as `has " -enc "`.
    ///
    /// ## Why it matters
    /// How Kusto matches `has`: the value is split into terms (maximal runs of letters and
    /// digits); the index finds the rows holding its terms, and the value must then occur
    /// in the text so that each alphanumeric edge of the value sits at a term boundary (a
    /// non-alphanumeric character or the end of the text). Characters that are not letters
    /// or digits at the edges of the value are matched literally. So `has "-enc"` already
    /// matches `-enc` as a whole word; the spaces in `has " -enc "` add a requirement: a
    /// literal space on each side. The test then misses `-enc` at the end of the command
    /// line, after a quote or a tab, which is exactly how an attacker would write it.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where ProcessCommandLine has " -enc "
    /// ```
    /// Use instead: `where ProcessCommandLine has "-enc"`.
    ///
    /// ## Fix
    /// Unsafe: trimming the value matches more rows.
    pub HasEdgeWhitespace {
        code: "KQL340",
        slug: "has-edge-whitespace",
        language: Kql,
        severity: Warning,
        category: DetectionQuality,
        fix: Unsafe,
        summary: "`has` value with leading or trailing whitespace: the spaces must match literally",
    }
}

fn is_has_family(op: &BinaryOp) -> bool {
    matches!(op, BinaryOp::String(s) if matches!(s.kind, StringOpKind::Has | StringOpKind::HasPrefix | StringOpKind::HasSuffix))
}

/// The literal with its content trimmed, re-quoted as written when that is simple.
fn trimmed_literal(text: &str, written: &str) -> Option<String> {
    let quote = written.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    if written.len() < 2 || !written.ends_with(quote) || written.contains('\\') {
        return None;
    }
    Some(format!("{quote}{}{quote}", text.trim()))
}

impl KqlRule for HasEdgeWhitespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let (operator, values): (String, Vec<&Expr>) = match &expr.kind {
                ExprKind::Binary { op, right, .. } if is_has_family(op) => (op.text(), vec![right]),
                ExprKind::InList {
                    op: op @ (ListOp::HasAny | ListOp::HasAll),
                    list,
                    ..
                } => (op.text().to_string(), list.iter().collect()),
                _ => continue,
            };
            for value in values {
                let Some(text) = string_literal(value) else {
                    continue;
                };
                let trimmed = text.trim();
                if trimmed.len() == text.len() || !trimmed.chars().any(char::is_alphanumeric) {
                    continue;
                }
                let mut diagnostic = Self::META
                    .diagnostic(
                        format!("`{operator}` \"{text}\": the whitespace at the edges must match literally, so \"{trimmed}\" is missed at the start or end of the text and next to quotes or tabs"),
                        value.span,
                    )
                    .with_help(format!("`has` already matches whole terms: use \"{trimmed}\""));
                if let Some(replacement) = trimmed_literal(text, value.span.text(cx.text)) {
                    diagnostic = diagnostic.with_fix(Fix {
                        title: format!("Use {replacement}"),
                        edits: vec![TextEdit {
                            span: value.span,
                            text: replacement,
                        }],
                        is_safe: false,
                    });
                }
                found.push(diagnostic);
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
