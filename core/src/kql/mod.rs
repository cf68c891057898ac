//! KQL: lexer, grammar, AST, formatter (and, in later stages, analysis, lint, evaluation).

pub mod analyze;
pub mod ast;
pub mod eval;
pub mod format;
pub mod functions;
pub mod lexer;
pub mod lint;
pub mod parser;
pub mod schema;
pub mod visit;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_parens,
    unused_imports,
    dead_code
)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/kql/grammar.rs"));
}

use crate::diagnostic::Diagnostic;

/// A parsed query: the tree (possibly partial) and every syntax diagnostic.
#[derive(Clone, Debug)]
pub struct Parsed {
    pub query: ast::Query,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses KQL text. Never fails: errors become diagnostics and the tree keeps what parsed.
pub fn parse(text: &str) -> Parsed {
    let (query, diagnostics) = parser::parse_query(text);
    Parsed { query, diagnostics }
}
