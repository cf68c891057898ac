use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags `ATT&CK` (and `MITRE ATT&CK`) written in a rule.
    ///
    /// ## Why it matters
    /// The name is a registered trademark with usage requirements (the ® sign, attribution);
    /// SigmaHQ keeps it out of rules (its `test_legal_trademark_violations`). Tags
    /// (`attack.t1059`) say the same without the name.
    ///
    /// ## Example
    /// `description: Maps to MITRE ATT&CK T1059`
    ///
    /// ## Fix
    /// None: rephrase, or rely on the `attack.*` tags.
    pub Trademark {
        code: "SIG323",
        slug: "trademark",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "the rule writes the `ATT&CK` trademark",
    }
}

impl SigmaLintRule for Trademark {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for (at, _) in cx.text.match_indices("ATT&CK") {
            found.push(Span::new(at, at + "ATT&CK".len()));
        }
        for span in found {
            cx.report(
                Self::META
                    .diagnostic("`ATT&CK` is a trademark SigmaHQ keeps out of rules", span)
                    .with_help("use `attack.*` tags to map the rule"),
            );
        }
    }
}
