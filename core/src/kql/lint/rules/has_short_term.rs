use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `has`, `has_any`, `has_all`, `hasprefix`, `hassuffix` (and their negations and
    /// `_cs` forms) with values that hold no term of three or more characters (`"/y"`,
    /// `"-e"`, `","`), and says exactly how Kusto will match them. A value with at least one
    /// longer term (`"Trojan:Win32/Foo.A"`) is looked up by that term and is not reported.
    ///
    /// ## Why it matters
    /// Kusto splits every string into terms, the maximal runs of letters and digits, and
    /// indexes the terms of three or more characters (four on EngineV2). `has "/y"` holds
    /// only the one-character term `y`: the index cannot help, so Kusto scans every value.
    /// The match is still term-based: `"/y"` must be followed by a non-alphanumeric
    /// character or the end of the value, so `msiexec /y x.dll` matches but `msiexec /yes`
    /// does not, while `contains "/y"` would match both.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where ProcessCommandLine has_any ("/y", "-y")
    /// ```
    /// Use instead, when a substring is meant: `ProcessCommandLine contains "/y"`; when the
    /// flag is meant, keep `has` and accept the scan, or pre-filter on a longer term.
    ///
    /// ## Fix
    /// None: which behaviour is wanted depends on the author.
    pub HasShortTerm {
        code: "KQL304",
        slug: "has-short-term",
        language: Kql,
        severity: Info,
        category: DetectionQuality,
        fix: None,
        summary: "`has` with terms shorter than 3 characters: full scan, term-boundary matching",
    }
}

/// The terms Kusto indexes a value as: maximal runs of alphanumeric characters.
pub fn terms(value: &str) -> Vec<&str> {
    value
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect()
}

fn is_has_family(op: &BinaryOp) -> bool {
    matches!(op, BinaryOp::String(s) if matches!(s.kind, StringOpKind::Has | StringOpKind::HasPrefix | StringOpKind::HasSuffix))
}

impl KqlRule for HasShortTerm {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let (operator, values): (String, Vec<&str>) = match &expr.kind {
                ExprKind::Binary { op, right, .. } if is_has_family(op) => {
                    match string_literal(right) {
                        Some(value) => (op.text(), vec![value]),
                        None => continue,
                    }
                }
                ExprKind::InList {
                    op: op @ (ListOp::HasAny | ListOp::HasAll),
                    list,
                    ..
                } => (
                    op.text().to_string(),
                    list.iter().filter_map(string_literal).collect(),
                ),
                _ => continue,
            };
            let short: Vec<&str> = values
                .iter()
                .copied()
                // IPv4 addresses have their own rule (has-ipv4).
                .filter(|v| !super::has_ipv4::is_ipv4(v))
                // A value with one indexed term is looked up by it and verified in full;
                // only a value without any term of 3+ characters cannot use the index.
                .filter(|v| terms(v).iter().all(|t| t.chars().count() < 3))
                .collect();
            // `has_all` needs every value: one value with an indexed term narrows the rows,
            // and the short ones are checked only there.
            let is_has_all = matches!(
                expr.kind,
                ExprKind::InList {
                    op: ListOp::HasAll,
                    ..
                }
            );
            if short.is_empty() || (is_has_all && short.len() < values.len()) {
                continue;
            }
            let quoted: Vec<String> = short.iter().map(|v| format!("\"{v}\"")).collect();
            let has_separators = short
                .iter()
                .any(|v| v.chars().any(|c| !c.is_alphanumeric()));
            let mut help = String::from("terms shorter than 3 characters are not in Kusto's term index, so every value is scanned");
            if has_separators {
                help.push_str("; values with separators match only at term boundaries (\"/y\" matches `/y x` but not `/yes`); use `contains` for a plain substring");
            }
            found.push(
                Self::META
                    .diagnostic(
                        format!(
                            "`{operator}` with {}: no indexed term to look up",
                            quoted.join(", ")
                        ),
                        expr.span,
                    )
                    .with_help(help),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
