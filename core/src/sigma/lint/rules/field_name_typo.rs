use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::lint::{fix, LintContext, SigmaLintRule};

/// SigmaHQ's list of common field name typos (`test_field_name_typo`).
const TYPOS: &[(&str, &str)] = &[
    ("ServiceFilename", "ServiceFileName"),
    ("TargetFileName", "TargetFilename"),
    ("SourceFileName", "OriginalFileName"),
    ("Commandline", "CommandLine"),
    ("Targetobject", "TargetObject"),
    ("OriginalName", "OriginalFileName"),
    ("ImageFileName", "OriginalFileName"),
    ("details", "Details"),
    ("Parentimage", "ParentImage"),
    ("Integritylevel", "IntegrityLevel"),
    ("IntegritiLevel", "IntegrityLevel"),
    ("Eventtype", "EventType"),
    ("Newname", "NewName"),
    ("ParentCommandline", "ParentCommandLine"),
];

/// Typos only in Windows Defender events.
const WINDEFEND_TYPOS: &[(&str, &str)] = &[
    ("New_Value", "NewValue"),
    ("Old_Value", "OldValue"),
    ("Source_Name", "SourceName"),
    ("Newvalue", "NewValue"),
    ("Oldvalue", "OldValue"),
    ("Sourcename", "SourceName"),
];

declare_rule! {
    /// ## What it does
    /// Flags field names that are a known misspelling of a Windows/Sysmon field
    /// (`Commandline`, `TargetFileName`, `Parentimage`, `OriginalName`, ...), whatever the
    /// logsource: SigmaHQ's list of common typos.
    ///
    /// ## Why it matters
    /// Field names are case-sensitive in most backends: `Commandline` matches nothing and
    /// the rule never fires.
    ///
    /// ## Example
    /// `selection: {Commandline|contains: 'whoami'}`
    /// Use instead: `CommandLine`.
    ///
    /// ## Fix
    /// Unsafe: renames the field (check that the logsource really has it).
    pub FieldNameTypo {
        code: "SIG342",
        slug: "field-name-typo",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: Unsafe,
        summary: "a common misspelling of a field name",
    }
}

impl SigmaLintRule for FieldNameTypo {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            let Some(field) = &item.item.field else {
                continue;
            };
            let logsource = item.rule.logsource.as_ref();
            // `TargetFileName` is right where file access events call it so.
            if field.value == "TargetFileName"
                && logsource.and_then(|l| l.category()) == Some("file_access")
            {
                continue;
            }
            let windefend = logsource.and_then(|l| l.service()) == Some("windefend");
            let Some((_, right)) = TYPOS
                .iter()
                .chain(if windefend { WINDEFEND_TYPOS } else { &[] })
                .find(|(typo, _)| *typo == field.value)
            else {
                continue;
            };
            cx.report(
                Self::META
                    .diagnostic(
                        format!("`{}` is a common misspelling of `{right}`", field.value),
                        field.span,
                    )
                    .with_fix(fix(format!("Use `{right}`"), field.span, *right, false)),
            );
        }
    }
}
