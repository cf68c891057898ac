use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

/// What SigmaHQ lets a backslash escape in `re` values: the characters Python's
/// `re.escape` escapes, the usual classes and anchors, group references and quotes.
const ALLOWED: &str = "()[]{}?*+-|^$\\.&~# AbBdDfnrsStvwWZ0123456789\"'";

declare_rule! {
    /// ## What it does
    /// Flags a backslash escape in a `re` value that not every regex engine reads the same
    /// way (`\/`, `\:`, `\_`, `\<`, `\x41`, `\h`...): SigmaHQ's `test_re_invalid_escapes`.
    ///
    /// ## Why it matters
    /// Engines differ on escapes of ordinary characters: Python and .NET reject some, PCRE
    /// reads `\h` as horizontal space, Go and RE2 reject `\<`. The converted query then
    /// fails or means something else on the target SIEM.
    ///
    /// ## Example
    /// `selection: {CommandLine|re: 'http:\/\/'}`
    /// Use instead: `'http://'`.
    ///
    /// ## Fix
    /// None.
    pub RegexInvalidEscape {
        code: "SIG364",
        slug: "regex-invalid-escape",
        language: Sigma,
        severity: Hint,
        category: Correctness,
        fix: None,
        summary: "a regex escape that engines read differently",
    }
}

/// The escaped characters of a pattern that are not in SigmaHQ's allow list.
pub fn bad_escapes(pattern: &str) -> Vec<char> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        match chars.next() {
            Some(next) if !ALLOWED.contains(next) && !out.contains(&next) => out.push(next),
            _ => {}
        }
    }
    out
}

impl SigmaLintRule for RegexInvalidEscape {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for (_, text, value) in cx.regexes() {
            let bad = bad_escapes(text);
            if bad.is_empty() {
                continue;
            }
            let listed: Vec<String> = bad.iter().map(|c| format!("`\\{c}`")).collect();
            cx.report(Self::META.diagnostic(
                format!(
                    "`{text}` uses escapes regex engines read differently: {}",
                    listed.join(", ")
                ),
                value.span,
            ));
        }
    }
}
