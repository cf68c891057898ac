use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

/// The namespaces of the Sigma tags appendix (and pySigma's `namespace_tag` validator).
pub const NAMESPACES: &[&str] = &["attack", "car", "cve", "d3fend", "detection", "stp", "tlp"];

declare_rule! {
    /// ## What it does
    /// Flags a tag whose namespace (the part before the first `.`) is not one the Sigma
    /// tags appendix defines: `attack`, `car`, `cve`, `d3fend`, `detection`, `stp`, `tlp`.
    ///
    /// ## Why it matters
    /// Tools map tags by namespace (ATT&CK coverage, CVE links, TLP sharing rules); an
    /// unknown namespace, often a typo such as `attak.t1059`, is ignored by all of them.
    /// pySigma's `namespace_tag` validator reports the same.
    ///
    /// ## Example
    /// `tags: [attak.execution]`
    ///
    /// ## Fix
    /// None, unless the namespace is a near miss (then the help names it).
    pub UnknownTagNamespace {
        code: "SIG331",
        slug: "unknown-tag-namespace",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a tag namespace the Sigma tags appendix does not define",
    }
}

impl SigmaLintRule for UnknownTagNamespace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for tag in &rule.tags {
                let namespace = tag.value.split('.').next().unwrap_or("");
                if NAMESPACES.contains(&namespace) {
                    continue;
                }
                let mut diagnostic = Self::META.diagnostic(
                    format!(
                        "tag namespace `{namespace}` is not one of {}",
                        NAMESPACES.join(", ")
                    ),
                    tag.span,
                );
                if let Some(close) =
                    crate::suggest::closest(&namespace.to_lowercase(), NAMESPACES.iter().copied())
                {
                    diagnostic = diagnostic.with_help(format!("did you mean `{close}`?"));
                }
                cx.report(diagnostic);
            }
        }
    }
}
