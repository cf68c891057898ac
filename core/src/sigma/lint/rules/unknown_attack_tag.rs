use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::data::attack;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags an `attack.*` tag that names no ATT&CK tactic or technique: a technique id
    /// that does not exist (`attack.t1059.099`) or a tactic name that is not one
    /// (`attack.exfil`). Group, software and mitigation ids (`g0001`, `s0002`, `m1036`)
    /// and data source ids (`ds0005`) are accepted by shape. The ids come from ATT&CK Enterprise v18.1 plus v19's
    /// additions.
    ///
    /// ## Why it matters
    /// Coverage matrices and SIEM mappings read these tags; a wrong id silently drops the
    /// rule from the technique it covers. pySigma's `attacktag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [attack.t1059.099]`
    ///
    /// ## Fix
    /// None: look the technique up on attack.mitre.org.
    pub UnknownAttackTag {
        code: "SIG332",
        slug: "unknown-attack-tag",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "an `attack.*` tag names no ATT&CK tactic or technique",
    }
}

/// `t1234` or `t1234.567`.
pub fn is_technique_id(name: &str) -> bool {
    let Some(digits) = name.strip_prefix('t') else {
        return false;
    };
    let (main, sub) = digits
        .split_once('.')
        .map_or((digits, None), |(m, s)| (m, Some(s)));
    main.len() == 4
        && main.bytes().all(|b| b.is_ascii_digit())
        && sub
            .iter()
            .all(|s| s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit()))
}

/// Group, software, mitigation and data source ids (`g0001`, `s0002`, `m1036`, `ds0005`).
fn is_other_id(name: &str) -> bool {
    let digits = ["g", "s", "m", "ds"]
        .iter()
        .find_map(|p| name.strip_prefix(p))
        .unwrap_or("");
    digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit())
}

impl SigmaLintRule for UnknownAttackTag {
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
                let name = name.to_lowercase();
                let known = if is_technique_id(&name) {
                    data.techniques.contains_key(name.as_str())
                } else {
                    is_other_id(&name)
                        || data.tactics.contains(name.as_str())
                        // Old underscore names are SIG339's.
                        || data.tactics.contains(name.replace('_', "-").as_str())
                };
                if known {
                    continue;
                }
                let mut diagnostic = Self::META.diagnostic(
                    format!("`{}` is not an ATT&CK tactic or technique", tag.value),
                    tag.span,
                );
                if !is_technique_id(&name) {
                    if let Some(close) =
                        crate::suggest::closest(&name, data.tactics.iter().copied())
                    {
                        diagnostic =
                            diagnostic.with_help(format!("did you mean `attack.{close}`?"));
                    }
                }
                cx.report(diagnostic);
            }
        }
    }
}
