use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a GitHub reference to a file on a branch (`/blob/main/`, `/tree/master/`)
    /// rather than at a commit.
    ///
    /// ## Why it matters
    /// Branches move: the file is edited, renamed or deleted and the link ends up pointing
    /// at something else or nothing. A commit link (press `y` on GitHub) stays what the
    /// author read. SigmaHQ's `sigmahq_github_link` reports the same.
    ///
    /// ## Example
    /// `https://github.com/org/tool/blob/main/src/exploit.py`
    /// Use instead: `https://github.com/org/tool/blob/3f2c1e0.../src/exploit.py`.
    ///
    /// ## Fix
    /// None: the commit has to be looked up.
    pub GithubBranchLink {
        code: "SIG382",
        slug: "github-branch-link",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "a GitHub link to a branch instead of a commit",
    }
}

impl SigmaLintRule for GithubBranchLink {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            for reference in &rule.references {
                let lower = reference.value.to_ascii_lowercase();
                if !lower.contains("://github.com/") {
                    continue;
                }
                let Some(branch) = ["main", "master"].into_iter().find(|b| {
                    lower.contains(&format!("/blob/{b}/")) || lower.contains(&format!("/tree/{b}/"))
                }) else {
                    continue;
                };
                cx.report(Self::META.diagnostic(
                    format!("the link points at the `{branch}` branch, which moves; link a commit"),
                    reference.span,
                ));
            }
        }
    }
}
