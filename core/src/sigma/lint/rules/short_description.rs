use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

/// pySigma's `description_length` minimum.
pub const MIN: usize = 16;

declare_rule! {
    /// ## What it does
    /// Flags a description shorter than 16 characters.
    ///
    /// ## Why it matters
    /// A one-word description tells the analyst nothing the title did not; say what is
    /// detected and why it is suspicious. pySigma's `description_length` validator reports
    /// the same.
    ///
    /// ## Example
    /// `description: Whoami`
    /// Use instead: `description: Detects the execution of whoami, often run by attackers after gaining a shell`.
    ///
    /// ## Fix
    /// None: only the author can write it.
    pub ShortDescription {
        code: "SIG309",
        slug: "short-description",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "the description is shorter than 16 characters",
    }
}

impl SigmaLintRule for ShortDescription {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(description) = &rule.description else {
                continue;
            };
            let length = description.value.chars().count();
            if length < MIN {
                cx.report(Self::META.diagnostic(
                    format!("the description has {length} characters; say what is detected and why (at least {MIN})"),
                    description.span,
                ));
            }
        }
    }
}
