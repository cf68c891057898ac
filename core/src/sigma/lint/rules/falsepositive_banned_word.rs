use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

const BANNED: &[&str] = &["none", "pentest", "penetration test"];
const TYPOS: &[&str] = &["unkown", "ligitimate", "legitim ", "legitimeate"];

declare_rule! {
    /// ## What it does
    /// Flags a `falsepositives` entry that says `None`, names penetration tests, or has a
    /// common typo (`Unkown`, `Ligitimate`).
    ///
    /// ## Why it matters
    /// Every rule has false positives; `None` tells the analyst the alert is always true.
    /// Pentests trigger every rule and say nothing about this one. SigmaHQ's
    /// `SigmahqFalsepositivesBannedWord` and typo checks report the same.
    ///
    /// ## Example
    /// ```yaml
    /// falsepositives:
    ///     - None
    /// ```
    /// Use instead: `Unknown`, or the legitimate software that does the same.
    ///
    /// ## Fix
    /// None.
    pub FalsepositiveBannedWord {
        code: "SIG320",
        slug: "falsepositive-banned-word",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "a false positive says `None`, names pentests or has a typo",
    }
}

impl SigmaLintRule for FalsepositiveBannedWord {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for entry in &rule.falsepositives {
                let lower = entry.value.to_lowercase();
                let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
                let banned = BANNED.iter().find(|b| {
                    if b.contains(' ') {
                        lower.contains(*b)
                    } else {
                        words.contains(b)
                    }
                });
                let typo = TYPOS.iter().find(|t| lower.contains(*t));
                let message = match (banned, typo) {
                    (Some(word), _) => format!("false positive `{}` says `{word}`", entry.value),
                    (None, Some(typo)) => format!(
                        "false positive `{}` has the typo `{}`",
                        entry.value,
                        typo.trim()
                    ),
                    _ if entry.value == "Unknow" => {
                        format!("false positive `{}` has a typo", entry.value)
                    }
                    _ => continue,
                };
                cx.report(
                    Self::META.diagnostic(message, entry.span).with_help(
                        "name what can trigger the rule legitimately, or write `Unknown`",
                    ),
                );
            }
        }
    }
}
