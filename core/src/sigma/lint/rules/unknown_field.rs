use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::data::logsource_fields;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a field name that the logsource does not have, by SigmaHQ's field lists per
    /// logsource (`tests/logsource.json`: Sysmon and Windows event fields, plus the fields
    /// SigmaHQ's pipelines add). Logsources without a list are not checked.
    ///
    /// ## Why it matters
    /// A misspelled or misplaced field (`CommandLine` in a `registry_set` rule,
    /// `ParentCommandline`) matches no event: the rule is silently blind.
    ///
    /// ## Example
    /// ```yaml
    /// logsource: {category: process_creation, product: windows}
    /// detection:
    ///     selection: {ParentCommandline|contains: 'http'}
    /// ```
    /// Use instead: `ParentCommandLine`.
    ///
    /// ## Fix
    /// Unsafe: renames to the closest known field when there is one.
    pub UnknownField {
        code: "SIG341",
        slug: "unknown-field",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "a field the logsource does not have (SigmaHQ field lists)",
    }
}

impl SigmaLintRule for UnknownField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let lists = logsource_fields();
        for item in cx.items() {
            let (Some(logsource), Some(field)) = (&item.rule.logsource, &item.item.field) else {
                continue;
            };
            let categories: Vec<&str> = logsource
                .category
                .iter()
                .map(|c| c.value.as_str())
                .collect();
            let Some(allowed) =
                lists.allowed(logsource.product(), &categories, logsource.service())
            else {
                continue;
            };
            if allowed.contains(field.value.as_str()) {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic(
                format!(
                    "`{}` is not a field of this logsource ({})",
                    field.value,
                    [
                        logsource.product(),
                        logsource.category(),
                        logsource.service()
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("/")
                ),
                field.span,
            );
            if let Some(close) = crate::suggest::closest(&field.value, allowed.iter().copied()) {
                diagnostic = diagnostic
                    .with_help(format!("did you mean `{close}`?"))
                    .with_fix(crate::sigma::lint::fix(
                        format!("Use `{close}`"),
                        field.span,
                        close,
                        false,
                    ));
            }
            cx.report(diagnostic);
        }
    }
}
