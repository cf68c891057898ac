use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::ValueKind;
use crate::sigma::lint::{fix, LintContext, SigmaLintRule};
use crate::sigma::modifiers::Position;

declare_rule! {
    /// ## What it does
    /// Flags a number written as a quoted string (`EventID: '4688'`) where it is compared
    /// for equality.
    ///
    /// ## Why it matters
    /// Backends type values by their YAML type: a string `'4688'` becomes a string
    /// comparison, which fails on fields indexed as numbers (or is slower). pySigma's
    /// `number_as_string` validator reports the same.
    ///
    /// ## Example
    /// `selection: {EventID: '4688'}`
    /// Use instead: `EventID: 4688`.
    ///
    /// ## Fix
    /// Safe when the number reads back the same: removes the quotes.
    pub NumberAsString {
        code: "SIG358",
        slug: "number-as-string",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "a number written as a quoted string",
    }
}

/// Python's `int()` on a string without spaces: an optional sign, digits and `_` between
/// digits.
fn is_python_int(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.chars().all(|c| c.is_ascii_digit() || c == '_')
}

impl SigmaLintRule for NumberAsString {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        for item in cx.items() {
            let chain = crate::sigma::lint::chain(item.item);
            if chain.value_type != crate::sigma::modifiers::ValueType::Pattern
                || chain.position() != Position::Exact
                || !chain.transforms.is_empty()
            {
                continue;
            }
            found.extend(item.item.values.iter());
        }
        found.extend(cx.keywords().into_iter().map(|(_, v)| v));
        for value in found {
            let ValueKind::String(text) = &value.value else {
                continue;
            };
            if !is_python_int(text) {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic(
                format!("`'{text}'` is a number written as a string"),
                value.span,
            );
            let written = cx.slice(value.span);
            let canonical = text.parse::<i64>().is_ok_and(|n| n.to_string() == *text);
            if canonical && (written == format!("'{text}'") || written == format!("\"{text}\"")) {
                diagnostic =
                    diagnostic.with_fix(fix("Remove the quotes", value.span, text.clone(), true));
            }
            cx.report(diagnostic);
        }
    }
}
