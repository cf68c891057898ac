use crate::declare_rule;
use crate::diagnostic::{Fix, TextEdit};
use crate::lint::RuleMeta;
use crate::sigma::ast::ValueKind;
use crate::sigma::lint::{is_pattern_item, key_end, verbatim, LintContext, SigmaLintRule};
use crate::sigma::modifiers::Position;
use crate::sigma::pattern::{Part, Pattern};
use crate::source::Span;

declare_rule! {
    /// ## What it does
    /// Flags values written with wildcards where a modifier says the same: every value of
    /// the item is `*text*` (use `contains`), `*text` (use `endswith`) or `text*` (use
    /// `startswith`), with no other wildcard inside.
    ///
    /// ## Why it matters
    /// The modifier states the intent, and backends translate it to their native operator
    /// (`endswith`, `LIKE '%x'`) instead of a generic wildcard or regex match. pySigma's
    /// `wildcards_instead_of_modifiers` validator reports the same.
    ///
    /// ## Example
    /// `selection: {Image: '*\whoami.exe'}`
    /// Use instead: `Image|endswith: '\whoami.exe'`.
    ///
    /// ## Fix
    /// Safe: adds the modifier and removes the wildcards (when every value is written
    /// verbatim).
    pub WildcardsInsteadOfModifiers {
        code: "SIG355",
        slug: "wildcards-instead-of-modifiers",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: Safe,
        summary: "wildcards where `contains`/`startswith`/`endswith` says the same",
    }
}

fn shape(text: &str) -> Option<&'static str> {
    if text.len() < 2 {
        return None;
    }
    match Pattern::parse(text).parts.as_slice() {
        [Part::Star, Part::Literal(_), Part::Star] => Some("contains"),
        [Part::Star, Part::Literal(_)] => Some("endswith"),
        [Part::Literal(_), Part::Star] => Some("startswith"),
        _ => None,
    }
}

impl SigmaLintRule for WildcardsInsteadOfModifiers {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            if item.field().is_none() || !is_pattern_item(item.item) || item.item.values.is_empty()
            {
                continue;
            }
            let chain = crate::sigma::lint::chain(item.item);
            if chain.position() != Position::Exact || !chain.transforms.is_empty() {
                continue;
            }
            let mut shapes = Vec::new();
            for value in &item.item.values {
                match &value.value {
                    ValueKind::String(s) => shapes.push(shape(s)),
                    _ => shapes.push(None),
                }
            }
            let Some(Some(modifier)) = shapes.first().copied() else {
                continue;
            };
            if shapes.iter().any(|s| *s != Some(modifier)) {
                continue;
            }
            let mut diagnostic = Self::META.diagnostic(
                format!("the wildcards say `{modifier}`: use the `|{modifier}` modifier"),
                item.item.key.span,
            );
            let mut edits = Vec::new();
            if let Some(end) = key_end(item.item) {
                edits.push(TextEdit {
                    span: Span::empty(end),
                    text: format!("|{modifier}"),
                });
            }
            for (text, value) in item.strings() {
                let Some(written) = verbatim(cx.text, value.span, text) else {
                    edits.clear();
                    break;
                };
                let (start, end) = (written.start as usize, written.end as usize);
                if modifier != "startswith" {
                    edits.push(TextEdit {
                        span: Span::new(start, start + 1),
                        text: String::new(),
                    });
                }
                if modifier != "endswith" {
                    edits.push(TextEdit {
                        span: Span::new(end - 1, end),
                        text: String::new(),
                    });
                }
            }
            if edits.len() > 1 {
                diagnostic = diagnostic.with_fix(Fix {
                    title: format!("Use `|{modifier}`"),
                    edits,
                    is_safe: true,
                });
            }
            cx.report(diagnostic);
        }
    }
}
