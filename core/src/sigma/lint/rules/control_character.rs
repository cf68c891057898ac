use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::ValueKind;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a control character (a tab, a newline, ...) inside a value.
    ///
    /// ## Why it matters
    /// It is almost always a path written in a double-quoted YAML string, where `\t`, `\n`
    /// or `\b` are escapes: `"C:\temp\new"` holds a tab and a newline, not `\t` and `\n`.
    /// The rule then never matches. pySigma's `control_character` validator reports the
    /// same.
    ///
    /// ## Example
    /// `selection: {Image: "C:\temp\tool.exe"}`
    /// Use instead: single quotes, `'C:\temp\tool.exe'`.
    ///
    /// ## Fix
    /// None: rewrite the value in single quotes.
    pub ControlCharacter {
        code: "SIG359",
        slug: "control-character",
        language: Sigma,
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "a control character in a value (a double-quoted backslash escape?)",
    }
}

impl SigmaLintRule for ControlCharacter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut values: Vec<_> = cx
            .items()
            .iter()
            .flat_map(|i| i.item.values.iter())
            .collect();
        values.extend(cx.keywords().into_iter().map(|(_, v)| v));
        for value in values {
            let ValueKind::String(text) = &value.value else {
                continue;
            };
            let Some(c) = text.chars().find(|c| (*c as u32) < 31) else {
                continue;
            };
            cx.report(
                Self::META
                    .diagnostic(format!("the value holds the control character U+{:04X}", c as u32), value.span)
                    .with_help("in double-quoted YAML `\\t`, `\\n`, `\\b` are escapes; write paths in single quotes"),
            );
        }
    }
}
