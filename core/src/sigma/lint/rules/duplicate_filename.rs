use crate::declare_rule;
use crate::diagnostic::Diagnostic;
use crate::lint::RuleMeta;
use crate::sigma::lint::{file_name, FileView, LintContext, SigmaLintRule};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// When a rule library is linted together, flags a file name used in two folders.
    ///
    /// ## Why it matters
    /// Rule packages and SIEM imports often flatten folders; two files with one name then
    /// overwrite each other. pySigma's `duplicate_filename` validator reports the same.
    ///
    /// ## Example
    /// `rules/windows/driver_load/driver_load_win_vuln_drivers_names.yml` and
    /// `deprecated/windows/driver_load_win_vuln_drivers_names.yml`.
    ///
    /// ## Fix
    /// None: rename one of the files.
    pub DuplicateFilename {
        code: "SIG327",
        slug: "duplicate-filename",
        language: Sigma,
        severity: Warning,
        category: Style,
        fix: None,
        summary: "a rule file name is used in more than one folder",
    }
}

impl SigmaLintRule for DuplicateFilename {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, _cx: &mut LintContext<'_>) {}

    fn check_collection(&self, files: &[FileView<'_>], out: &mut [Vec<Diagnostic>]) {
        let mut by_name: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (index, file) in files.iter().enumerate() {
            if let Some(path) = file.path {
                by_name.entry(file_name(path)).or_default().push(index);
            }
        }
        for (index, file) in files.iter().enumerate() {
            let Some(path) = file.path else { continue };
            let Some(other) = by_name
                .get(file_name(path))
                .and_then(|users| {
                    users
                        .iter()
                        .find(|&&i| i != index && files.get(i).and_then(|f| f.path) != Some(path))
                })
                .and_then(|&i| files.get(i).and_then(|f| f.path))
            else {
                continue;
            };
            let span = file
                .rules
                .first()
                .and_then(|r| r.title.as_ref().map(|t| t.span))
                .unwrap_or(Span::empty(0));
            if let Some(target) = out.get_mut(index) {
                target.push(Self::META.diagnostic(
                    format!(
                        "the file name `{}` is also used by {other}",
                        file_name(path)
                    ),
                    span,
                ));
            }
        }
    }
}
