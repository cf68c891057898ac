//! The lint framework shared by KQL and Sigma: rule metadata, configuration (severity
//! overrides, disabled rules), suppression comments, and the registry of every rule.
//!
//! A rule is one file: a doc comment (what it does, why it matters, example, fix), a
//! [`RuleMeta`] with a stable code and slug, and a `check` function. [`declare_rule!`] keeps
//! the doc comment available at run time so that `docs/rules.md` is generated from it.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Language;

pub mod docs;
pub mod suppression;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// The rule does not do what its author meant.
    Correctness,
    /// The rule is slower or costlier than it needs to be.
    Performance,
    /// Readability and conventions.
    Style,
    /// The rule can be evaded or misses what it looks for.
    DetectionQuality,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Performance => "performance",
            Category::Style => "style",
            Category::DetectionQuality => "detection-quality",
        }
    }
}

/// Whether a rule offers a fix, and whether `--fix` may apply it unreviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Fixability {
    None,
    /// Keeps the rule's meaning; applied by `--fix`.
    Safe,
    /// May change what the rule matches; offered for the author to confirm.
    Unsafe,
}

/// What every lint rule declares about itself.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub slug: &'static str,
    pub language: Language,
    pub severity: Severity,
    pub category: Category,
    pub fix: Fixability,
    /// One line, shown in listings.
    pub summary: &'static str,
    /// The rule's doc comment, as markdown.
    #[serde(skip)]
    pub docs: &'static str,
}

impl RuleMeta {
    pub fn is_fixable(&self) -> bool {
        self.fix != Fixability::None
    }

    /// A diagnostic of this rule at its default severity.
    pub fn diagnostic(&self, message: impl Into<String>, span: crate::source::Span) -> Diagnostic {
        Diagnostic::new(self.code, self.slug, self.severity, message, span)
    }
}

/// Declares a lint rule: a unit struct with its doc comment and metadata.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does ...
///     pub PreferHas {
///         code: "KQL301", slug: "prefer-has", language: Kql, severity: Warning,
///         category: Performance, fix: Unsafe, summary: "...",
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $name:ident {
            code: $code:literal,
            slug: $slug:literal,
            language: $language:ident,
            severity: $severity:ident,
            category: $category:ident,
            fix: $fix:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default)]
        $vis struct $name;

        impl $name {
            pub const META: $crate::lint::RuleMeta = $crate::lint::RuleMeta {
                code: $code,
                slug: $slug,
                language: $crate::rule::Language::$language,
                severity: $crate::diagnostic::Severity::$severity,
                category: $crate::lint::Category::$category,
                fix: $crate::lint::Fixability::$fix,
                summary: $summary,
                docs: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// How a user tuned the linter (`rulelab.toml`, CLI flags, editor settings).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LintConfig {
    /// Codes or slugs to turn off.
    pub disable: Vec<String>,
    /// Codes or slugs to report at another severity.
    pub severity: std::collections::BTreeMap<String, Severity>,
}

impl LintConfig {
    /// The severity a rule reports at, or `None` when it is disabled.
    pub fn effective_severity(&self, meta: &RuleMeta) -> Option<Severity> {
        let names = [meta.code, meta.slug];
        if self
            .disable
            .iter()
            .any(|d| names.iter().any(|n| n.eq_ignore_ascii_case(d)))
        {
            return None;
        }
        let overridden = self
            .severity
            .iter()
            .find(|(name, _)| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
            .map(|(_, severity)| *severity);
        Some(overridden.unwrap_or(meta.severity))
    }
}
