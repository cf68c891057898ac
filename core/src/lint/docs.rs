//! `docs/rules.md`, generated from the rule registries so it cannot drift from the code.

use std::fmt::Write as _;

use super::RuleMeta;

/// Every lint rule of every language, in code order.
pub fn all_rules() -> Vec<&'static RuleMeta> {
    let mut rules: Vec<&'static RuleMeta> = crate::kql::lint::registry::RULES
        .iter()
        .map(|r| r.meta())
        .chain(crate::sigma::lint::registry::RULES.iter().map(|r| r.meta()))
        .collect();
    rules.sort_by_key(|m| m.code);
    rules
}

/// The rules reference as markdown: a table, then each rule's documentation.
pub fn rules_markdown() -> String {
    let rules = all_rules();
    let mut out = String::from(
        "# Lint rules\n\n<!-- Generated from the rule registries by `UPDATE_DOCS=1 cargo test -p rulelab-core --test rules_docs`; do not edit. -->\n\n",
    );
    out.push_str("| code | slug | language | severity | category | fix | summary |\n|---|---|---|---|---|---|---|\n");
    for meta in &rules {
        let _ = writeln!(
            out,
            "| [{code}](#{anchor}) | `{slug}` | {language:?} | {severity} | {category} | {fix:?} | {summary} |",
            code = meta.code,
            anchor = meta.code.to_ascii_lowercase(),
            slug = meta.slug,
            language = meta.language,
            severity = meta.severity.as_str(),
            category = meta.category.as_str(),
            fix = meta.fix,
            summary = meta.summary.replace('|', "\\|"),
        );
    }
    for meta in &rules {
        let _ = write!(
            out,
            "\n## {}\n\n`{}` · {} · {} by default\n\n",
            meta.code,
            meta.slug,
            meta.category.as_str(),
            meta.severity.as_str()
        );
        // Doc comments arrive with one leading space per line; their headings move down a level.
        for line in meta.docs.lines() {
            let line = line.strip_prefix(' ').unwrap_or(line);
            match line.strip_prefix("## ") {
                Some(heading) => {
                    let _ = writeln!(out, "### {heading}");
                }
                None => {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
    }
    out
}
