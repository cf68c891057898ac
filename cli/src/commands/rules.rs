//! `rulelab rules`: the lint registry, as a table or JSON lines
//! `{code, slug, language, severity, category, summary, fixable}`.

use std::io::{self, Write};

use clap::{Args, ValueEnum};
use serde_json::json;

use crate::commands::Outcome;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(args: &RulesArgs) -> Outcome {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for meta in rulelab::lint::docs::all_rules() {
        let written = match args.format {
            Format::Text => writeln!(
                out,
                "{:<7} {:<28} {:<8} {:<18} {}",
                meta.code,
                meta.slug,
                meta.severity.as_str(),
                meta.category.as_str(),
                meta.summary
            ),
            Format::Json => writeln!(
                out,
                "{}",
                json!({
                    "code": meta.code,
                    "slug": meta.slug,
                    "language": meta.language,
                    "severity": meta.severity,
                    "category": meta.category,
                    "summary": meta.summary,
                    "fixable": meta.is_fixable(),
                })
            ),
        };
        if written.is_err() {
            return Outcome::Failed;
        }
    }
    Outcome::Clean
}
