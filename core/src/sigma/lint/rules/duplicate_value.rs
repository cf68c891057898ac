use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, list_item_line, LintContext, SigmaLintRule};
use crate::sigma::modifiers::Modifier;

declare_rule! {
    /// ## What it does
    /// Flags a value listed twice for one field (ignoring case, except with `cased`, `re`
    /// and the `base64` modifiers, where case matters), and a keyword listed twice.
    ///
    /// ## Why it matters
    /// The repeat adds nothing; it usually comes from merging rule versions and hides that
    /// a different value was meant. SigmaHQ's `test_look_for_duplicate_filters` reports the
    /// same.
    ///
    /// ## Example
    /// ```yaml
    /// Image|endswith:
    ///     - '\whoami.exe'
    ///     - '\WHOAMI.EXE'
    /// ```
    ///
    /// ## Fix
    /// Safe: removes the repeated line.
    pub DuplicateValue {
        code: "SIG366",
        slug: "duplicate-value",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: Safe,
        summary: "a value listed twice",
    }
}

impl SigmaLintRule for DuplicateValue {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut groups: Vec<(Vec<&crate::sigma::ast::SigmaValue>, bool)> = Vec::new();
        for item in cx.items() {
            let cased = [
                Modifier::Cased,
                Modifier::Re,
                Modifier::Base64,
                Modifier::Base64Offset,
            ]
            .iter()
            .any(|m| item.has(*m));
            groups.push((item.item.values.iter().collect(), cased));
        }
        for rule in cx.rules {
            for detection in crate::sigma::lint::detections(rule) {
                for selection in &detection.selections {
                    if let crate::sigma::ast::SelectionBody::List(items) = &selection.body {
                        let keywords = items
                            .iter()
                            .filter_map(|i| match i {
                                crate::sigma::ast::ListItem::Keyword(v) => Some(v),
                                _ => None,
                            })
                            .collect();
                        groups.push((keywords, false));
                    }
                }
            }
        }
        for (values, cased) in groups {
            let mut seen: Vec<String> = Vec::new();
            for value in values {
                let Some(text) = value.value.text() else {
                    continue;
                };
                let key = if cased {
                    text.to_string()
                } else {
                    text.to_lowercase()
                };
                if seen.contains(&key) {
                    let mut diagnostic =
                        Self::META.diagnostic(format!("`{text}` is listed twice"), value.span);
                    if let Some(line) = list_item_line(cx.text, value.span) {
                        diagnostic =
                            diagnostic.with_fix(fix("Remove the repeated value", line, "", true));
                    }
                    cx.report(diagnostic);
                }
                seen.push(key);
            }
        }
    }
}
