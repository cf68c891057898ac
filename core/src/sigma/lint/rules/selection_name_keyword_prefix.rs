use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a search identifier whose name starts with `or`, `and` or `not`
    /// (`order_check`, `android`, `notepad`), unless it starts with `sel`.
    ///
    /// ## Why it matters
    /// Older condition tokenizers (sigmac, some converters) split such names into an
    /// operator and a rest; SigmaHQ's `test_selection_start_or_and` forbids them.
    ///
    /// ## Example
    /// `notepad: {Image|endswith: '\notepad.exe'}`
    /// Use instead: `selection_notepad`.
    ///
    /// ## Fix
    /// None: rename it in the detection and the condition.
    pub SelectionNameKeywordPrefix {
        code: "SIG368",
        slug: "selection-name-keyword-prefix",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "a search identifier starting with `or`, `and` or `not`",
    }
}

impl SigmaLintRule for SelectionNameKeywordPrefix {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for detection in detections(rule) {
                for selection in &detection.selections {
                    let lower = selection.name.value.to_lowercase();
                    if lower.starts_with("sel") {
                        continue;
                    }
                    let Some(word) = ["or", "and", "not"]
                        .into_iter()
                        .find(|w| lower.starts_with(w))
                    else {
                        continue;
                    };
                    cx.report(Self::META.diagnostic(
                        format!(
                            "`{}` starts with the operator `{word}`",
                            selection.name.value
                        ),
                        selection.name.span,
                    ));
                }
            }
        }
    }
}
