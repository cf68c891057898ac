use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{call_name, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags deprecated spellings of functions and operators: `makeset`, `makelist`,
    /// `columnifexists`, `parsejson`, `extractjson`, `any`, `make_dictionary`, `mvexpand`...
    ///
    /// ## Why it matters
    /// Deprecated names may disappear, and some behave differently: the legacy `mvexpand`
    /// stops after 128 values per row (mv-expand's default is 2147483647), so arrays longer
    /// than that lose detections silently. Kusto's analyzer reports these as KS507.
    ///
    /// ## Example
    /// ```kql
    /// T | summarize makeset(FileName) by DeviceId
    /// ```
    /// Use instead: `summarize make_set(FileName) by DeviceId`.
    ///
    /// ## Fix
    /// Safe for functions (same behaviour). For `mvexpand` the fix to `mv-expand` is unsafe:
    /// it lifts the 128-value cap.
    pub DeprecatedFunction {
        code: "KQL303",
        slug: "deprecated-function",
        language: Kql,
        severity: Warning,
        category: Style,
        fix: Safe,
        summary: "Deprecated function or operator spelling",
    }
}

/// (deprecated, replacement).
const RENAMES: &[(&str, &str)] = &[
    ("makeset", "make_set"),
    ("makelist", "make_list"),
    ("makeset_if", "make_set_if"),
    ("makelist_if", "make_list_if"),
    ("make_dictionary", "make_bag"),
    ("columnifexists", "column_ifexists"),
    ("parsejson", "parse_json"),
    ("extractjson", "extract_json"),
    ("any", "take_any"),
    ("anyif", "take_anyif"),
    ("pack", "bag_pack"),
    ("pack_dictionary", "bag_pack"),
    ("todynamic", "parse_json"),
    ("toobject", "parse_json"),
];

impl KqlRule for DeprecatedFunction {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((name, _)) = call_name(expr) else {
                continue;
            };
            let Some((old, new)) = RENAMES.iter().find(|(old, _)| *old == name.name) else {
                continue;
            };
            found.push(
                Self::META
                    .diagnostic(format!("`{old}()` is deprecated; use `{new}()`"), name.span)
                    .with_fix(Fix {
                        title: format!("Rename to `{new}`"),
                        edits: vec![TextEdit {
                            span: name.span,
                            text: (*new).to_string(),
                        }],
                        is_safe: true,
                    }),
            );
        }
        for op in cx.operators() {
            let OperatorKind::MvExpand { keyword, limit, .. } = &op.kind else {
                continue;
            };
            if keyword != "mvexpand" {
                continue;
            }
            let span = Span::new(
                op.span.start as usize,
                op.span.start as usize + keyword.len(),
            );
            let help = if limit.is_none() {
                "legacy `mvexpand` stops after 128 values per row; `mv-expand` expands them all"
            } else {
                "`mv-expand` is the current spelling"
            };
            found.push(
                Self::META
                    .diagnostic("`mvexpand` is deprecated; use `mv-expand`", span)
                    .with_help(help)
                    .with_fix(Fix {
                        title: "Rename to `mv-expand`".to_string(),
                        edits: vec![TextEdit {
                            span,
                            text: "mv-expand".to_string(),
                        }],
                        is_safe: limit.is_some(),
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
