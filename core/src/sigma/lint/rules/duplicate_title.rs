use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::RuleMeta;
use crate::sigma::lint::{FileView, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a title used by more than one rule: in the same file or, when a rule library is
    /// linted together, in another file.
    ///
    /// ## Why it matters
    /// Analysts see the title in the alert; two rules with one title cannot be told apart
    /// in a queue or a report. pySigma's `duplicate_title` validator reports the same.
    ///
    /// ## Example
    /// Two rules titled `Suspicious Invocation`. Name what each one detects.
    ///
    /// ## Fix
    /// None: the author chooses the new title.
    pub DuplicateTitle {
        code: "SIG303",
        slug: "duplicate-title",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "a title is used by more than one rule",
    }
}

impl SigmaLintRule for DuplicateTitle {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut seen: Vec<&str> = Vec::new();
        for rule in cx.rules {
            let Some(title) = &rule.title else { continue };
            if seen.contains(&title.value.as_str()) {
                cx.report(Self::META.diagnostic(
                    format!(
                        "title `{}` is used by another rule in this file",
                        title.value
                    ),
                    title.span,
                ));
            }
            seen.push(&title.value);
        }
    }

    fn check_collection(&self, files: &[FileView<'_>], out: &mut [Vec<Diagnostic>]) {
        let mut by_title: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (index, file) in files.iter().enumerate() {
            let mut titles: Vec<&str> = file
                .rules
                .iter()
                .filter_map(|r| r.title.as_ref().map(|t| t.value.as_str()))
                .collect();
            titles.dedup();
            for title in titles {
                by_title.entry(title).or_default().push(index);
            }
        }
        for (index, file) in files.iter().enumerate() {
            for rule in file.rules {
                let Some(title) = &rule.title else { continue };
                let Some(other) = by_title
                    .get(title.value.as_str())
                    .and_then(|users| users.iter().find(|&&i| i != index))
                else {
                    continue;
                };
                let other = files
                    .get(*other)
                    .and_then(|f| f.path)
                    .unwrap_or("another file");
                if let Some(target) = out.get_mut(index) {
                    target.push(Self::META.diagnostic(
                        format!("title `{}` is also used by {other}", title.value),
                        title.span,
                    ));
                }
            }
        }
    }
}
