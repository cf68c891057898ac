use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::kql::ast::*;
use crate::kql::lint::{column_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags case-sensitive comparisons (`==`, `!=`, `in`, `!in`, `has_cs`, `contains_cs`,
    /// `startswith_cs`, `endswith_cs`) of file names, paths, command lines and account names
    /// with string literals.
    ///
    /// ## Why it matters
    /// Windows file names, paths and user names are case-insensitive: `MSIEXEC.EXE` runs the
    /// same binary as `msiexec.exe`. An attacker who varies the case walks past
    /// `FileName == "msiexec.exe"`.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where FileName == "msiexec.exe"
    /// ```
    /// Use instead: `where FileName =~ "msiexec.exe"` (or `in~`, `has`, `contains`).
    ///
    /// ## Fix
    /// Unsafe: the case-insensitive operator matches more rows.
    pub CaseSensitiveMatch {
        code: "KQL312",
        slug: "case-sensitive-match",
        language: Kql,
        severity: Warning,
        category: DetectionQuality,
        fix: Unsafe,
        summary: "Case-sensitive match on a file name, path, command line or account",
    }
}

/// Column names whose values Windows treats case-insensitively.
fn is_case_insensitive_field(column: &str) -> bool {
    let lower = column.to_ascii_lowercase();
    [
        "filename",
        "folderpath",
        "commandline",
        "accountname",
        "processname",
        "parentprocessname",
        "newprocessname",
        "image",
        "path",
        "username",
        "accountupn",
        "upn",
        "domain",
    ]
    .iter()
    .any(|suffix| lower.ends_with(suffix))
}

/// The case-insensitive spelling of an operator, when there is one.
fn insensitive(op: &BinaryOp) -> Option<&'static str> {
    match op {
        BinaryOp::Eq => Some("=~"),
        BinaryOp::NotEq => Some("!~"),
        BinaryOp::String(s) if s.is_case_sensitive => Some(match (s.kind, s.is_negated) {
            (StringOpKind::Has, false) => "has",
            (StringOpKind::Has, true) => "!has",
            (StringOpKind::Contains, false) => "contains",
            (StringOpKind::Contains, true) => "!contains",
            (StringOpKind::StartsWith, false) => "startswith",
            (StringOpKind::StartsWith, true) => "!startswith",
            (StringOpKind::EndsWith, false) => "endswith",
            (StringOpKind::EndsWith, true) => "!endswith",
            (StringOpKind::HasPrefix, false) => "hasprefix",
            (StringOpKind::HasPrefix, true) => "!hasprefix",
            (StringOpKind::HasSuffix, false) => "hassuffix",
            (StringOpKind::HasSuffix, true) => "!hassuffix",
            (StringOpKind::Like, _) => return None,
        }),
        _ => None,
    }
}

/// Finds the operator's text between the operands.
fn operator_span(text: &str, left: &Expr, right_start: u32, written: &str) -> Option<Span> {
    let between = Span::new(left.span.end as usize, right_start as usize);
    let offset = between.text(text).find(written)?;
    let start = between.start as usize + offset;
    Some(Span::new(start, start + written.len()))
}

impl KqlRule for CaseSensitiveMatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let (column, written, replacement, right_start, left) = match &expr.kind {
                ExprKind::Binary { op, left, right } => {
                    let Some(column) = column_name(left) else {
                        continue;
                    };
                    let Some(value) = string_literal(right) else {
                        continue;
                    };
                    // Literals without letters have no case to vary.
                    if !value.chars().any(char::is_alphabetic) {
                        continue;
                    }
                    let Some(replacement) = insensitive(op) else {
                        continue;
                    };
                    (
                        column,
                        op.text(),
                        replacement.to_string(),
                        right.span.start,
                        left,
                    )
                }
                ExprKind::InList { op, left, list } => {
                    let replacement = match op {
                        ListOp::In => "in~",
                        ListOp::NotIn => "!in~",
                        _ => continue,
                    };
                    let Some(column) = column_name(left) else {
                        continue;
                    };
                    let has_letters = list
                        .iter()
                        .filter_map(string_literal)
                        .any(|v| v.chars().any(char::is_alphabetic));
                    if !has_letters {
                        continue;
                    }
                    let Some(first) = list.first() else { continue };
                    (
                        column,
                        op.text().to_string(),
                        replacement.to_string(),
                        first.span.start,
                        left,
                    )
                }
                _ => continue,
            };
            if !is_case_insensitive_field(column) {
                continue;
            }
            let Some(span) = operator_span(cx.text, left, right_start, &written) else {
                continue;
            };
            // A case-sensitive match can be evaded; a case-sensitive exclusion only lets
            // other spellings through as noise.
            let is_exclusion = written.starts_with('!');
            let message = if is_exclusion {
                format!("`{column} {written} ...` is a case-sensitive exclusion: the same {column} in another case is not excluded")
            } else {
                format!("`{column} {written} ...` is case-sensitive; an attacker can vary the case of {column} to evade it")
            };
            let mut diagnostic = Self::META.diagnostic(message, span);
            if is_exclusion {
                diagnostic.severity = crate::diagnostic::Severity::Info;
            }
            found.push(
                diagnostic
                    .with_help(format!("Windows ignores case in file names, paths and accounts: use `{replacement}`"))
                    .with_fix(Fix {
                        title: format!("Use `{replacement}`"),
                        edits: vec![TextEdit { span, text: replacement }],
                        is_safe: false,
                    }),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}
