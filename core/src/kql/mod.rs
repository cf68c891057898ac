//! KQL: lexer, grammar, AST, formatter (and, in later stages, analysis, lint, evaluation).

pub mod lexer;

use crate::diagnostic::Diagnostic;

/// A parsed query: the tree (possibly partial) and every syntax diagnostic.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses KQL text. Never fails: errors become diagnostics and the tree keeps what parsed.
pub fn parse(text: &str) -> Parsed {
    let lexed = lexer::lex(text);
    Parsed { diagnostics: lexed.diagnostics }
}
