use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a field name with a space in it.
    ///
    /// ## Why it matters
    /// Most backends cannot name such a field without quoting, and log pipelines replace
    /// the space (`Threat Name` arrives as `ThreatName` or `Threat_Name`). SigmaHQ's
    /// `test_field_name_with_space` reports the same.
    ///
    /// ## Example
    /// `selection: {Threat Name|contains: 'Mimikatz'}`
    ///
    /// ## Fix
    /// None: use the field name the log pipeline produces.
    pub FieldNameWithSpace {
        code: "SIG344",
        slug: "field-name-with-space",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a field name with a space",
    }
}

impl SigmaLintRule for FieldNameWithSpace {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            let Some(field) = &item.item.field else {
                continue;
            };
            if field.value.contains(' ') {
                cx.report(
                    Self::META
                        .diagnostic(format!("field `{}` has a space", field.value), field.span)
                        .with_help("log pipelines usually write it without the space or with `_`"),
                );
            }
        }
    }
}
