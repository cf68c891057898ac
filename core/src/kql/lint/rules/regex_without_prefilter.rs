use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{column_name, string_literal, KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags `matches regex` on a column that no earlier `has`/`contains`/`startswith`
    /// filter in the same pipeline narrows, when the pattern (a literal, or a `let` bound to
    /// one) holds a literal run of three or more letters or digits that every match must
    /// contain. Patterns without one (`^[A-Fa-f0-9]{32}$`, alternations) are not reported:
    /// there is nothing to pre-filter on.
    ///
    /// ## Why it matters
    /// A regex runs on every row it sees. A cheap, indexed `has` on a literal part of the
    /// pattern first (`where CommandLine has "vssadmin" | where CommandLine matches regex
    /// ...`) lets the regex see a fraction of the rows.
    ///
    /// ## Example
    /// ```kql
    /// T | where ProcessCommandLine matches regex @"vssadmin\s+delete\s+shadows"
    /// ```
    /// Use instead: `where ProcessCommandLine has "vssadmin" and ProcessCommandLine matches regex ...`.
    ///
    /// ## Fix
    /// None: the pre-filter term comes from the pattern.
    pub RegexWithoutPrefilter {
        code: "KQL316",
        slug: "regex-without-prefilter",
        language: Kql,
        severity: Info,
        category: Performance,
        fix: None,
        summary: "`matches regex` without a cheaper pre-filter on the same column",
    }
}

/// Columns filtered by cheap string operators anywhere inside `expr`.
fn prefiltered<'a>(expr: &'a Expr, out: &mut Vec<&'a str>) {
    crate::kql::visit::walk_expr(expr, &mut |e| {
        if let ExprKind::Binary {
            op: BinaryOp::String(_) | BinaryOp::Eq | BinaryOp::EqCi,
            left,
            ..
        }
        | ExprKind::InList { left, .. } = &e.kind
        {
            if let Some(name) = column_name(left) {
                out.push(name);
            }
        }
    });
}

/// The longest run of letters and digits every match of `pattern` must contain; `None`
/// for alternations and patterns without a run of three.
pub fn required_literal(pattern: &str) -> Option<String> {
    if pattern.contains('|') {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut best = String::new();
    let mut run = String::new();
    let mut in_class = false;
    let mut i = 0;
    let flush = |run: &mut String, best: &mut String| {
        if run.chars().count() > best.chars().count() {
            *best = run.clone();
        }
        run.clear();
    };
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        if in_class {
            if c == '\\' {
                i += 1;
            } else if c == ']' {
                in_class = false;
            }
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                flush(&mut run, &mut best);
            }
            '\\' => {
                // `\.` is a literal character, `\d` a class: either way the run ends.
                flush(&mut run, &mut best);
                i += 1;
            }
            '(' if next == Some('?') => {
                // `(?i)`, `(?:`: skip the flag letters.
                flush(&mut run, &mut best);
                i += 1;
                while chars
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == '-')
                {
                    i += 1;
                }
                // `(?P<name>`, `(?<name>`: the group name is not text to match.
                if chars.get(i + 1) == Some(&'<') {
                    while chars.get(i + 1).is_some_and(|c| *c != '>') {
                        i += 1;
                    }
                }
            }
            c if c.is_alphanumeric() => {
                // A quantifier that allows zero makes this character optional.
                if matches!(next, Some('?' | '*'))
                    || (next == Some('{') && chars.get(i + 2) == Some(&'0'))
                {
                    flush(&mut run, &mut best);
                } else {
                    run.push(c);
                    if matches!(next, Some('+' | '{')) {
                        flush(&mut run, &mut best);
                    }
                }
            }
            _ => flush(&mut run, &mut best),
        }
        i += 1;
    }
    flush(&mut run, &mut best);
    (best.chars().count() >= 3).then_some(best)
}

impl KqlRule for RegexWithoutPrefilter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        // `let pattern = @"...";`
        let string_lets: Vec<(&str, &str)> = cx
            .lets()
            .into_iter()
            .filter_map(|(name, value, _)| match value {
                LetValue::Expr(expr) => string_literal(expr).map(|v| (name.name.as_str(), v)),
                LetValue::Function(_) => None,
            })
            .collect();
        let mut found = Vec::new();
        for chain in cx.chains() {
            let mut filtered: Vec<&str> = Vec::new();
            for op in chain.operators {
                let OperatorKind::Where { predicate, .. } = &op.kind else {
                    continue;
                };
                prefiltered(predicate, &mut filtered);
                crate::kql::visit::walk_expr(predicate, &mut |e| {
                    if let ExprKind::Binary {
                        op: BinaryOp::MatchesRegex,
                        left,
                        right,
                    } = &e.kind
                    {
                        let pattern = string_literal(right).or_else(|| {
                            let name = right.as_name()?;
                            string_lets
                                .iter()
                                .find(|(n, _)| *n == name.name)
                                .map(|(_, v)| *v)
                        });
                        let Some(literal) = pattern.and_then(required_literal) else {
                            return;
                        };
                        if let Some(name) = column_name(left).filter(|n| !filtered.contains(n)) {
                            found.push(
                                Self::META
                                    .diagnostic(format!("`{name} matches regex` runs on every row: no cheaper filter on `{name}` comes first"), e.span)
                                    .with_help(format!("every match contains \"{literal}\": add `{name} contains \"{literal}\"` (or `has`, when it is a whole term) before the regex")),
                            );
                        }
                    }
                });
            }
        }
        found.into_iter().for_each(|d| cx.report(d));
    }
}

#[cfg(test)]
mod tests {
    use super::required_literal;

    #[test]
    fn finds_the_text_every_match_contains() {
        assert_eq!(
            required_literal(r"vssadmin\s+delete").as_deref(),
            Some("vssadmin")
        );
        assert_eq!(
            required_literal(r"(?i)^(?P<name>\w+)_evil\d?\.exe$").as_deref(),
            Some("evil")
        );
        assert_eq!(required_literal(r"^[a-f0-9]{32}$"), None);
        assert_eq!(required_literal(r"(temp|tmp)"), None);
        assert_eq!(required_literal(r"abcd?"), Some("abc".to_string()));
    }
}
