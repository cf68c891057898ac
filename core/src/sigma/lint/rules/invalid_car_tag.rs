use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `car.` tag (MITRE Cyber Analytics Repository) that is not `car.YYYY-MM-NNN`.
    ///
    /// ## Why it matters
    /// Tools that link or share rules by these tags skip a tag they cannot read; pySigma's
    /// `cartag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [car.2013-5-002]`
    /// Use instead: `car.2013-05-002`.
    ///
    /// ## Fix
    /// None.
    pub InvalidCarTag {
        code: "SIG335",
        slug: "invalid-car-tag",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a `car.` tag is not `car.YYYY-MM-NNN`",
    }
}

/// Whether the name after `car.` has the right form.
pub fn is_valid(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    matches!(parts.as_slice(), [a, b, c] if a.len() == 4 && b.len() == 2 && c.len() == 3 && name.bytes().all(|x| x.is_ascii_digit() || x == b'-'))
}

impl SigmaLintRule for InvalidCarTag {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for tag in &rule.tags {
                let Some(name) = tag.value.strip_prefix("car.") else {
                    continue;
                };
                if !is_valid(name) {
                    cx.report(Self::META.diagnostic(
                        format!("`{}`: a `car.` tag is not `car.YYYY-MM-NNN`", tag.value),
                        tag.span,
                    ));
                }
            }
        }
    }
}
