use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::data::attack;
use crate::sigma::lint::{fix, verbatim, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags an ATT&CK tactic tag written with underscores (`attack.defense_evasion`), the
    /// form of old Sigma rules; the tags appendix uses ATT&CK's short names with dashes.
    ///
    /// ## Why it matters
    /// Tools that map tags to tactics look up `defense-evasion`; the underscore form is not
    /// found, so the rule is missing from tactic coverage.
    ///
    /// ## Example
    /// `tags: [attack.command_and_control]`
    /// Use instead: `attack.command-and-control`.
    ///
    /// ## Fix
    /// Safe: writes the dashed name.
    pub AttackTagUnderscore {
        code: "SIG339",
        slug: "attack-tag-underscore",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Safe,
        summary: "an ATT&CK tactic tag written with underscores",
    }
}

impl SigmaLintRule for AttackTagUnderscore {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let data = attack();
        for rule in cx.rules {
            for tag in &rule.tags {
                let Some(name) = tag.value.strip_prefix("attack.") else {
                    continue;
                };
                if !name.contains('_') {
                    continue;
                }
                let dashed = name.to_lowercase().replace('_', "-");
                if !data.tactics.contains(dashed.as_str()) {
                    continue;
                }
                let mut diagnostic = Self::META.diagnostic(
                    format!("`{}` is the old form of `attack.{dashed}`", tag.value),
                    tag.span,
                );
                if let Some(written) = verbatim(cx.text, tag.span, &tag.value) {
                    diagnostic = diagnostic.with_fix(fix(
                        format!("Write `attack.{dashed}`"),
                        written,
                        format!("attack.{dashed}"),
                        true,
                    ));
                }
                cx.report(diagnostic);
            }
        }
    }
}
