use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

/// SigmaHQ's limit (the specification allows 256).
pub const MAX: usize = 110;

declare_rule! {
    /// ## What it does
    /// Flags a title longer than 110 characters (SigmaHQ's convention; the specification's
    /// hard limit of 256 is `SIG112`).
    ///
    /// ## Why it matters
    /// Titles are shown in alert lists, tickets and dashboards that cut long text; the
    /// details belong in `description`.
    ///
    /// ## Example
    /// `title: Suspicious PowerShell Invocation From A Script Located In A User Writable Folder Using Encoded Parameters And Hidden Window`
    ///
    /// ## Fix
    /// None: shorten the title and move the details to `description`.
    pub TitleTooLong {
        code: "SIG304",
        slug: "title-too-long",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "the title is longer than 110 characters",
    }
}

impl SigmaLintRule for TitleTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            let Some(title) = &rule.title else { continue };
            let length = title.value.chars().count();
            if length > MAX {
                cx.report(
                    Self::META
                        .diagnostic(
                            format!("the title has {length} characters; SigmaHQ allows {MAX}"),
                            title.span,
                        )
                        .with_help("keep the title short and move details to `description`"),
                );
            }
        }
    }
}
