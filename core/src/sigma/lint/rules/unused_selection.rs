use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::RuleKind;
use crate::sigma::condition::{pattern_matches, references, ConditionReference};
use crate::sigma::lint::{detections, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a search identifier that no condition uses (by name, by a `1 of`/`all of`
    /// pattern, or through `them`).
    ///
    /// ## Why it matters
    /// An unused selection is usually a filter the author forgot to add to the condition
    /// (`condition: selection` with a `filter_*` defined), so its false positives get
    /// through. pySigma's `dangling_detection` validator reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// detection:
    ///     selection: {Image|endswith: '\whoami.exe'}
    ///     filter_admin: {User: 'admin'}
    ///     condition: selection
    /// ```
    /// Use instead: `condition: selection and not filter_admin`.
    ///
    /// ## Fix
    /// None.
    pub UnusedSelection {
        code: "SIG369",
        slug: "unused-selection",
        language: Sigma,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "a search identifier no condition uses",
    }
}

impl SigmaLintRule for UnusedSelection {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for rule in cx.rules {
            // Later documents of a Sigma 1.0 collection share the first one's condition.
            if rule.kind == RuleKind::Unknown {
                continue;
            }
            for detection in detections(rule) {
                if detection.conditions.is_empty()
                    || detection.conditions.iter().any(|c| c.expr.is_none())
                {
                    continue;
                }
                let mut found = Vec::new();
                for condition in &detection.conditions {
                    if let Some(expr) = &condition.expr {
                        references(expr, &mut found);
                    }
                }
                for selection in &detection.selections {
                    let name = selection.name.value.as_str();
                    let used = found.iter().any(|(reference, _)| match reference {
                        ConditionReference::Identifier(id) => id == name,
                        ConditionReference::Pattern(pattern) => pattern_matches(pattern, name),
                        ConditionReference::Them => true,
                    });
                    if !used {
                        cx.report(
                            Self::META
                                .diagnostic(
                                    format!("`{name}` is not used by the condition"),
                                    selection.name.span,
                                )
                                .with_help(if name.starts_with("filter") {
                                    format!("did you mean `... and not {name}`?")
                                } else {
                                    "use it in the condition, or remove it".to_string()
                                }),
                        );
                    }
                }
            }
        }
    }
}
