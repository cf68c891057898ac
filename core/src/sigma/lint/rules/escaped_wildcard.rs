use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{is_pattern_item, LintContext, SigmaLintRule};
use crate::sigma::pattern::{Part, Pattern};

declare_rule! {
    /// ## What it does
    /// Flags an escaped wildcard (`\*`, `\?`) in a value: a literal `*` or `?`.
    ///
    /// ## Why it matters
    /// Sometimes meant (`SELECT \* FROM`), often not: a Windows path such as
    /// `C:\*\evil.exe` was meant as a wildcard but `\*` is a literal star, so the rule
    /// never matches. pySigma's `escaped_wildcard` validator reports the same.
    ///
    /// ## Example
    /// `selection: {Image: 'C:\Users\*\AppData\evil.exe'}`
    /// Write `C:\Users\\*\AppData\evil.exe` for a backslash followed by a wildcard.
    ///
    /// ## Fix
    /// None: only the author knows which was meant.
    pub EscapedWildcard {
        code: "SIG357",
        slug: "escaped-wildcard",
        language: Sigma,
        severity: Info,
        category: DetectionQuality,
        fix: None,
        summary: "an escaped wildcard (a literal `*` or `?`)",
    }
}

impl SigmaLintRule for EscapedWildcard {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for item in cx.items() {
            if !is_pattern_item(item.item) {
                continue;
            }
            for (text, value) in item.strings() {
                let literal = Pattern::parse(text)
                    .parts
                    .iter()
                    .any(|p| matches!(p, Part::Literal(s) if s.contains(['*', '?'])));
                if literal {
                    found.push((text.to_string(), value.span));
                }
            }
        }
        for rule in cx.rules {
            for detection in crate::sigma::lint::detections(rule) {
                for selection in &detection.selections {
                    if let crate::sigma::ast::SelectionBody::List(items) = &selection.body {
                        for item in items {
                            if let crate::sigma::ast::ListItem::Keyword(value) = item {
                                if let crate::sigma::ast::ValueKind::String(text) = &value.value {
                                    let literal = Pattern::parse(text).parts.iter().any(
                                        |p| matches!(p, Part::Literal(s) if s.contains(['*', '?'])),
                                    );
                                    if literal {
                                        found.push((text.clone(), value.span));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for (text, span) in found {
            cx.report(
                Self::META
                    .diagnostic(format!("`{text}` has an escaped wildcard: a literal `*` or `?`"), span)
                    .with_help("for a backslash followed by a wildcard write `\\\\*`; keep `\\*` only for a literal star"),
            );
        }
    }
}
