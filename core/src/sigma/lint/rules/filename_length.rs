use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{file_name, file_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a rule file name shorter than 10 or longer than 90 characters.
    ///
    /// ## Why it matters
    /// Short names say nothing (`rule1.yml`); long ones get cut in listings and hit path
    /// limits on Windows checkouts. pySigma's `filename_length` validator reports the same.
    ///
    /// ## Example
    /// `test.yml`
    ///
    /// ## Fix
    /// None: rename the file.
    pub FilenameLength {
        code: "SIG324",
        slug: "filename-length",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "the file name is shorter than 10 or longer than 90 characters",
    }
}

impl SigmaLintRule for FilenameLength {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let Some(path) = cx.path else { return };
        let name = file_name(path);
        let length = name.chars().count();
        if !(10..=90).contains(&length) {
            cx.report(Self::META.diagnostic(
                format!(
                    "the file name `{name}` has {length} characters; keep it between 10 and 90"
                ),
                file_span(cx.rules),
            ));
        }
    }
}
