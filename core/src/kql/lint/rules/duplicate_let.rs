use std::collections::HashMap;

use crate::declare_rule;
use crate::kql::ast::*;
use crate::kql::lint::{KqlRule, LintContext};
use crate::lint::RuleMeta;

declare_rule! {
    /// ## What it does
    /// Flags a `let` that redefines a name already defined at the same level.
    ///
    /// ## Why it matters
    /// The later definition wins for everything after it. Edited rules often grow a second
    /// `let allowList = ...` and the first one, with its entries, stops counting.
    ///
    /// ## Example
    /// ```kql
    /// let threshold = 5;
    /// let threshold = 50;
    /// ```
    /// Use instead: one definition, or two names.
    ///
    /// ## Fix
    /// None.
    pub DuplicateLet {
        code: "KQL311",
        slug: "duplicate-let",
        language: Kql,
        severity: Warning,
        category: Correctness,
        fix: None,
        summary: "`let` redefines a name defined earlier at the same level",
    }
}

fn check_level(statements: &[Statement], found: &mut Vec<crate::diagnostic::Diagnostic>) {
    let mut seen: HashMap<&str, &Ident> = HashMap::new();
    for statement in statements {
        let StatementKind::Let { name, value } = &statement.kind else {
            continue;
        };
        if let Some(first) = seen.get(name.name.as_str()) {
            found.push(
                DuplicateLet::META
                    .diagnostic(
                        format!(
                            "`{}` is already defined; this definition replaces it from here on",
                            name.name
                        ),
                        name.span,
                    )
                    .with_help(format!(
                        "the first definition is at byte {}; rename one of them",
                        first.span.start
                    )),
            );
        } else {
            seen.insert(&name.name, name);
        }
        if let LetValue::Function(def) = value {
            check_level(&def.body, found);
        }
    }
}

impl KqlRule for DuplicateLet {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let mut found = Vec::new();
        check_level(&cx.query.statements, &mut found);
        found.into_iter().for_each(|d| cx.report(d));
    }
}
