use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a user field compared with a localized name of `NT AUTHORITY` (`AUTHORI`,
    /// `AUTORI`) in one language only.
    ///
    /// ## Why it matters
    /// Windows writes built-in account names in the system language: `NT AUTHORITY\SYSTEM`,
    /// `NT-AUTORITÄT\SYSTEM`, `AUTORITE NT\Système`. A rule that names one of them misses
    /// the others. SigmaHQ's `test_field_user_localization` reports the same.
    ///
    /// ## Example
    /// `selection: {User: 'NT AUTHORITY\SYSTEM'}`
    /// Use instead: `User|contains: ['AUTHORI', 'AUTORI']`.
    ///
    /// ## Fix
    /// None.
    pub LocalizedUserName {
        code: "SIG345",
        slug: "localized-user-name",
        language: Sigma,
        severity: Warning,
        category: DetectionQuality,
        fix: None,
        summary: "a user name in one language where Windows localizes it",
    }
}

impl SigmaLintRule for LocalizedUserName {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if !item.field().is_some_and(|f| f.contains("User")) || item.item.is_list {
                continue;
            }
            for (text, value) in item.strings() {
                let upper = text.to_uppercase();
                if upper.contains("AUTHORI") || upper.contains("AUTORI") {
                    cx.report(
                        Self::META
                            .diagnostic(
                                format!("`{text}` is spelled differently on non-English Windows"),
                                value.span,
                            )
                            .with_help("write `User|contains: ['AUTHORI', 'AUTORI']`"),
                    );
                }
            }
        }
    }
}
