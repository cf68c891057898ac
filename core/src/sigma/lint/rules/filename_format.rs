use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{file_name, file_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule file name that is not lower-case letters, digits and underscores (with at
    /// least one underscore) ending in `.yml`: SigmaHQ's `[a-z0-9_]{10,90}\.yml`.
    ///
    /// ## Why it matters
    /// Rule names become identifiers in packages, SIEM imports and URLs; spaces, dashes and
    /// capitals break some of them, and `.yaml` files are skipped by SigmaHQ tooling.
    ///
    /// ## Example
    /// `Whoami-Execution.yaml`
    /// Use instead: `proc_creation_win_whoami_execution.yml`.
    ///
    /// ## Fix
    /// None: rename the file.
    pub FilenameFormat {
        code: "SIG325",
        slug: "filename-format",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "the file name is not lower-case `a-z0-9_` ending in `.yml`",
    }
}

impl SigmaLintRule for FilenameFormat {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let Some(path) = cx.path else { return };
        let name = file_name(path);
        let Some(stem) = name.strip_suffix(".yml") else {
            cx.report(Self::META.diagnostic(
                format!("the file name `{name}` does not end in `.yml`"),
                file_span(cx.rules),
            ));
            return;
        };
        let is_ok = stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && stem.contains('_');
        if !is_ok {
            cx.report(
                Self::META
                    .diagnostic(
                        format!("the file name `{name}` is not lower-case letters, digits and underscores"),
                        file_span(cx.rules),
                    )
                    .with_help("name rule files like `proc_creation_win_whoami_execution.yml`"),
            );
        }
    }
}
