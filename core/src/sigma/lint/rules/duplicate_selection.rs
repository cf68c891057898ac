use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::{DetectionItem, ListItem, Selection, SelectionBody};
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a search identifier whose content is the same as an earlier one's.
    ///
    /// ## Why it matters
    /// Two names for one test make the condition harder to read and usually mean one of
    /// them was meant to differ (a copy that was never edited).
    ///
    /// ## Example
    /// ```yaml
    /// selection_img: {Image|endswith: '\whoami.exe'}
    /// selection_cli: {Image|endswith: '\whoami.exe'}
    /// ```
    ///
    /// ## Fix
    /// None.
    pub DuplicateSelection {
        code: "SIG375",
        slug: "duplicate-selection",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "two search identifiers with the same content",
    }
}

fn item_key(item: &DetectionItem) -> String {
    let values: Vec<&str> = item
        .values
        .iter()
        .map(|v| v.value.text().unwrap_or("\u{0}null"))
        .collect();
    format!("{}={}", item.key.value, values.join("\u{1}"))
}

/// The selection's content without positions.
fn content(selection: &Selection) -> Option<String> {
    let group = |items: &[DetectionItem]| {
        let mut keys: Vec<String> = items.iter().map(item_key).collect();
        keys.sort();
        keys.join("\u{2}")
    };
    match &selection.body {
        SelectionBody::Map(g) => Some(format!("map:{}", group(&g.items))),
        SelectionBody::List(items) => Some(format!(
            "list:{}",
            items
                .iter()
                .map(|i| match i {
                    ListItem::Keyword(v) => v.value.text().unwrap_or("").to_string(),
                    ListItem::Map(g) => group(&g.items),
                })
                .collect::<Vec<_>>()
                .join("\u{3}")
        )),
        SelectionBody::Invalid => None,
    }
}

impl SigmaLintRule for DuplicateSelection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                let mut seen: Vec<(String, &str)> = Vec::new();
                for selection in &detection.selections {
                    let Some(content) = content(selection) else {
                        continue;
                    };
                    if let Some((_, first)) = seen.iter().find(|(c, _)| *c == content) {
                        cx.report(Self::META.diagnostic(
                            format!(
                                "`{}` has the same content as `{first}`",
                                selection.name.value
                            ),
                            selection.name.span,
                        ));
                    } else {
                        seen.push((content, &selection.name.value));
                    }
                }
            }
        }
    }
}
