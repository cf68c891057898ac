use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::data::{attack, AttackStatus};
use crate::sigma::lint::{fix, verbatim, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags an `attack.t*` tag whose technique MITRE revoked or deprecated (or that ATT&CK
    /// v19 no longer lists), and names the technique that replaced it when there is one.
    ///
    /// ## Why it matters
    /// Revoked ids (`T1086 PowerShell`, now `T1059.001`) no longer appear in current
    /// matrices, so the rule drops out of coverage reports built on them.
    ///
    /// ## Example
    /// `tags: [attack.t1086]`
    /// Use instead: `attack.t1059.001`.
    ///
    /// ## Fix
    /// Unsafe: replaces the id with its successor; check that the successor is what the
    /// rule detects (a revoked technique can be split into several).
    pub RevokedAttackTag {
        code: "SIG333",
        slug: "revoked-attack-tag",
        language: Sigma,
        severity: Warning,
        category: DetectionQuality,
        fix: Unsafe,
        summary: "an ATT&CK technique that was revoked or deprecated",
    }
}

impl SigmaLintRule for RevokedAttackTag {
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
                let Some(status) = data.techniques.get(name.to_lowercase().as_str()) else {
                    continue;
                };
                let (what, successor) = match status {
                    AttackStatus::Active => continue,
                    AttackStatus::Deprecated => ("deprecated", None),
                    AttackStatus::Retired => ("no longer in ATT&CK v19", None),
                    AttackStatus::Revoked(successor) => ("revoked", *successor),
                };
                let mut diagnostic =
                    Self::META.diagnostic(format!("technique `{}` is {what}", tag.value), tag.span);
                if let Some(successor) = successor {
                    diagnostic =
                        diagnostic.with_help(format!("MITRE replaced it with `{successor}`"));
                    if let Some(written) = verbatim(cx.text, tag.span, &tag.value) {
                        diagnostic = diagnostic.with_fix(fix(
                            format!("Use `attack.{successor}`"),
                            written,
                            format!("attack.{successor}"),
                            false,
                        ));
                    }
                }
                cx.report(diagnostic);
            }
        }
    }
}
