use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, verbatim, LintContext, SigmaLintRule};
use crate::source::Span;

const EXTENSIONS: &[&str] = &[
    "exe", "dll", "ps1", "psm1", "bat", "cmd", "vbs", "vbe", "js", "jse", "hta", "scr", "msi",
    "lnk", "sys", "zip", "iso", "docm", "xlsm", "txt", "tmp", "dat",
];

declare_rule! {
    /// ## What it does
    /// Flags an unescaped `.` before a file extension in a `re` value (`\\cmd.exe`).
    ///
    /// ## Why it matters
    /// In a regular expression `.` is any character: `cmd.exe` also matches `cmdXexe`,
    /// and an attacker's `cmd_exe.dll`. Write `\.` for the dot itself.
    ///
    /// ## Example
    /// `selection: {Image|re: '\\(cmd|powershell).exe$'}`
    /// Use instead: `'\\(cmd|powershell)\.exe$'`.
    ///
    /// ## Fix
    /// Unsafe: escapes the dot (the rule then matches less).
    pub RegexUnescapedDot {
        code: "SIG363",
        slug: "regex-unescaped-dot",
        language: Sigma,
        severity: Hint,
        category: DetectionQuality,
        fix: Unsafe,
        summary: "an unescaped `.` before a file extension in a regular expression",
    }
}

/// Byte offsets of unescaped dots (outside character classes) before a known extension.
pub fn unescaped_dots(pattern: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut escaped = false;
    let mut in_class = false;
    for (i, c) in pattern.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '.' if !in_class => {
                let rest = pattern.get(i + 1..).unwrap_or("");
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect();
                if EXTENSIONS.contains(&word.to_ascii_lowercase().as_str()) {
                    out.push(i);
                }
            }
            _ => {}
        }
    }
    out
}

impl SigmaLintRule for RegexUnescapedDot {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for (_, text, value) in cx.regexes() {
            let dots = unescaped_dots(text);
            let Some(&first) = dots.first() else { continue };
            let mut diagnostic = Self::META
                .diagnostic(
                    format!("`{text}`: the `.` before the extension matches any character"),
                    value.span,
                )
                .with_help("write `\\.` for a literal dot");
            if let Some(written) = verbatim(cx.text, value.span, text) {
                let at = written.start as usize + first;
                diagnostic =
                    diagnostic.with_fix(fix("Escape the dot", Span::empty(at), "\\", false));
            }
            cx.report(diagnostic);
        }
    }
}
