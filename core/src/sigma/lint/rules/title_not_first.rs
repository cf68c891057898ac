use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule whose first key is not `title`.
    ///
    /// ## Why it matters
    /// SigmaHQ starts every rule with its title so that a file, a diff or a search hit shows
    /// at once which rule it is. SigmaHQ's `test_title_in_first_line` reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// id: 929a690e-bef0-4204-a928-ef5e620d6fcc
    /// title: Whoami Execution
    /// ```
    ///
    /// ## Fix
    /// None: move the `title:` line up.
    pub TitleNotFirst {
        code: "SIG322",
        slug: "title-not-first",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "`title` is not the rule's first key",
    }
}

impl SigmaLintRule for TitleNotFirst {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        // Only single-document files: later documents of a collection inherit the title.
        let [rule] = cx.rules else { return };
        if rule.kind == RuleKind::Unknown || rule.title.is_none() {
            return;
        }
        let Some(first) = cx
            .text
            .lines()
            .map(|l| l.trim_start_matches('\u{feff}'))
            .find(|l| {
                !l.trim().is_empty()
                    && !l.starts_with('#')
                    && !l.starts_with("---")
                    && !l.starts_with('%')
            })
        else {
            return;
        };
        if !first.starts_with("title:") && !first.starts_with(' ') {
            let start = cx.text.find(first).unwrap_or(0);
            let key = first.split(':').next().unwrap_or(first);
            cx.report(Self::META.diagnostic(
                format!("the rule starts with `{key}`, not `title`"),
                crate::source::Span::new(start, start + key.len()),
            ));
        }
    }
}
