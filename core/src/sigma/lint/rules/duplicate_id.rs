use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::RuleMeta;
use crate::sigma::lint::{FileView, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags an `id` used by more than one rule: in the same file (several YAML documents)
    /// or, when a rule library is linted together, in another file.
    ///
    /// ## Why it matters
    /// Correlations, filters and alert pipelines look rules up by id; two rules with one id
    /// make those references ambiguous, and SIEM imports overwrite one with the other.
    /// pySigma's `identifier_uniqueness` validator reports the same.
    ///
    /// ## Example
    /// Two documents with `id: 929a690e-bef0-4204-a928-ef5e620d6fcc`.
    ///
    /// ## Fix
    /// None: give one of the rules a new UUID.
    pub DuplicateId {
        code: "SIG302",
        slug: "duplicate-id",
        language: Sigma,
        severity: Error,
        category: Correctness,
        fix: None,
        summary: "an `id` is used by more than one rule",
    }
}

impl SigmaLintRule for DuplicateId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut seen: Vec<&str> = Vec::new();
        for rule in cx.rules {
            let Some(id) = &rule.id else { continue };
            if seen.contains(&id.value.as_str()) {
                cx.report(Self::META.diagnostic(
                    format!("`id` `{}` is used by another rule in this file", id.value),
                    id.span,
                ));
            }
            seen.push(&id.value);
        }
    }

    fn check_collection(&self, files: &[FileView<'_>], out: &mut [Vec<Diagnostic>]) {
        let mut by_id: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (index, file) in files.iter().enumerate() {
            let mut ids: Vec<String> = file
                .rules
                .iter()
                .filter_map(|r| r.id.as_ref().map(|id| id.value.to_ascii_lowercase()))
                .collect();
            ids.dedup();
            for id in ids {
                by_id.entry(id).or_default().push(index);
            }
        }
        for (index, file) in files.iter().enumerate() {
            for rule in file.rules {
                let Some(id) = &rule.id else { continue };
                let Some(users) = by_id.get(&id.value.to_ascii_lowercase()) else {
                    continue;
                };
                let Some(other) = users.iter().find(|&&i| i != index) else {
                    continue;
                };
                let other = files
                    .get(*other)
                    .and_then(|f| f.path)
                    .unwrap_or("another file");
                if let Some(target) = out.get_mut(index) {
                    target.push(Self::META.diagnostic(
                        format!("`id` `{}` is also used by {other}", id.value),
                        id.span,
                    ));
                }
            }
        }
    }
}
