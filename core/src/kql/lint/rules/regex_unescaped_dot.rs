use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{call_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags a regular expression (`matches regex`, `extract`, `extract_all`,
    /// `replace_regex`) that spells a file name with an unescaped dot: `cmd.exe`,
    /// `\\evil.dll$`.
    ///
    /// ## Why it matters
    /// In a regex `.` is any character: `cmd.exe` also matches `cmdxexe` and `cmd_exe`, and
    /// `\.ps1` was meant. The pattern matches more than its author read, which shows up as
    /// false positives and as extracted values that are not file names.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | where ProcessCommandLine matches regex @"(?i)rundll32.exe\s+\S+,#\d+"
    /// ```
    /// Use instead: `@"(?i)rundll32\.exe\s+\S+,#\d+"`.
    ///
    /// ## Fix
    /// None offered: escaping changes what matches; add the backslash by hand.
    pub RegexUnescapedDot {
        code: "KQL341",
        slug: "regex-unescaped-dot",
        language: Kql,
        severity: Info,
        category: Correctness,
        fix: None,
        summary: "Regex spells a file extension with an unescaped `.` (any character)",
    }
}

const EXTENSIONS: &[&str] = &[
    "exe", "dll", "ps1", "psm1", "bat", "cmd", "vbs", "vbe", "js", "jse", "hta", "msi", "sys",
    "scr", "lnk", "cpl", "ocx", "wsf", "zip", "iso", "docm", "xlsm",
];

/// The file names in a pattern written with an unescaped `.` before an extension.
fn unescaped_file_names(pattern: &str) -> Vec<String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = Vec::new();
    let mut in_class = false;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                i += 2;
                continue;
            }
            '[' => in_class = true,
            ']' => in_class = false,
            '.' if !in_class && i > 0 => {
                let before = chars.get(i - 1).copied().unwrap_or(' ');
                let rest: String = chars.iter().skip(i + 1).take(8).collect();
                let lower = rest.to_ascii_lowercase();
                let extension = EXTENSIONS.iter().find(|ext| {
                    lower.starts_with(**ext)
                        && !lower
                            .chars()
                            .nth(ext.len())
                            .is_some_and(|c| c.is_ascii_alphanumeric())
                });
                if let (true, Some(ext)) = (before.is_ascii_alphanumeric(), extension) {
                    let head = chars.get(..i).unwrap_or(&[]);
                    let start = head
                        .iter()
                        .rposition(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
                        .map_or(0, |p| p + 1);
                    let name: String = head.iter().skip(start).collect();
                    out.push(format!("{name}.{}", rest.get(..ext.len()).unwrap_or(ext)));
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

impl KqlRule for RegexUnescapedDot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let pattern = match &expr.kind {
                ExprKind::Binary {
                    op: BinaryOp::MatchesRegex,
                    right,
                    ..
                } => right.as_ref(),
                _ => match call_name(expr) {
                    Some((callee, args))
                        if matches!(
                            callee.name.as_str(),
                            "extract" | "extract_all" | "replace_regex" | "replace"
                        ) =>
                    {
                        match args.first() {
                            Some(arg) => &arg.value,
                            None => continue,
                        }
                    }
                    _ => continue,
                },
            };
            let Some(text) = string_literal(pattern) else {
                continue;
            };
            let names = unescaped_file_names(text);
            let Some(first) = names.first() else { continue };
            let escaped = first.replacen('.', "\\.", 1);
            found.push(
                Self::META
                    .diagnostic(
                        format!("in this regex `{first}` has an unescaped `.`, which matches any character"),
                        pattern.span,
                    )
                    .with_help(format!("escape the dot: `{escaped}`")),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}

#[cfg(test)]
mod tests {
    use super::unescaped_file_names;

    #[test]
    fn finds_file_names_with_a_bare_dot() {
        assert_eq!(
            unescaped_file_names(r"(?i)rundll32.exe\s"),
            vec!["rundll32.exe"]
        );
        assert!(unescaped_file_names(r"rundll32\.exe").is_empty());
        assert!(unescaped_file_names(r"\w+.exe").is_empty());
        assert!(unescaped_file_names(r"a.exec").is_empty());
        assert!(unescaped_file_names(r"[a.exe]").is_empty());
    }
}
