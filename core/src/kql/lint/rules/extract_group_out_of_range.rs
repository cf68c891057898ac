use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{call_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `extract(regex, n, text)` whose constant pattern has fewer than `n` capture
    /// groups, such as `extract(@"cmd\.exe", 1, CommandLine)`.
    ///
    /// ## Why it matters
    /// `extract` returns group `n` of the match (0 is the whole match). When the pattern has
    /// no group `n`, the result is always empty, so every comparison or `isnotempty()` on
    /// it is constant and the rule silently stops working. Usually parentheses were
    /// forgotten, or `0` was meant.
    ///
    /// ## Example
    /// ```kql
    /// DeviceProcessEvents | extend Target = extract(@"-ComputerName \S+", 1, ProcessCommandLine)
    /// ```
    /// Use instead: `extract(@"-ComputerName (\S+)", 1, ProcessCommandLine)`.
    ///
    /// ## Fix
    /// None: where the group belongs depends on the pattern.
    pub ExtractGroupOutOfRange {
        code: "KQL333",
        slug: "extract-group-out-of-range",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`extract()` asks for a capture group the pattern does not have",
    }
}

/// The number of capturing groups in an RE2 pattern: `(`, `(?P<name>`, `(?<name>`; not
/// `(?:`, `(?i)`, escaped `\(` or `(` inside a character class.
pub fn capture_groups(pattern: &str) -> usize {
    let mut count = 0;
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' if !in_class => {
                in_class = true;
                // `[]...]` and `[^]...]`: a leading `]` is literal.
                if chars.peek() == Some(&'^') {
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    chars.next();
                }
            }
            ']' if in_class => in_class = false,
            '(' if !in_class => {
                if chars.peek() == Some(&'?') {
                    chars.next();
                    let is_named = match chars.peek() {
                        Some('P') => true,
                        Some('<') => {
                            chars.next();
                            !matches!(chars.peek(), Some('=' | '!'))
                        }
                        _ => false,
                    };
                    if is_named {
                        count += 1;
                    }
                } else {
                    count += 1;
                }
            }
            _ => {}
        }
    }
    count
}

impl KqlRule for ExtractGroupOutOfRange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for expr in cx.exprs() {
            let Some((callee, args)) = call_name(expr) else {
                continue;
            };
            if callee.name != "extract" {
                continue;
            }
            let (Some(pattern), Some(group)) = (args.first(), args.get(1)) else {
                continue;
            };
            let Some(regex) = string_literal(&pattern.value) else {
                continue;
            };
            let ExprKind::Literal(Literal::Long(n)) = group.value.kind else {
                continue;
            };
            let groups = capture_groups(regex);
            if n <= 0 || n as usize <= groups {
                continue;
            }
            let have = match groups {
                0 => "no capture group".to_string(),
                1 => "one capture group".to_string(),
                n => format!("{n} capture groups"),
            };
            found.push(
                Self::META
                    .diagnostic(
                        format!("`extract(..., {n}, ...)` but the pattern has {have}: the result is always empty"),
                        group.value.span,
                    )
                    .with_help("add parentheses around the part to capture, or use 0 for the whole match"),
            );
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}

#[cfg(test)]
mod tests {
    use super::capture_groups;

    #[test]
    fn counts_capturing_groups_only() {
        assert_eq!(capture_groups(r"a(b)(c)"), 2);
        assert_eq!(capture_groups(r"(?:a)(?i)b"), 0);
        assert_eq!(capture_groups(r"(?P<host>x)(?<port>y)"), 2);
        assert_eq!(capture_groups(r"\(x\)[(]"), 0);
        assert_eq!(capture_groups(r"[]()](y)"), 1);
    }
}
