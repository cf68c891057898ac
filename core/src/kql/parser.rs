//! Drives the lalrpop grammar: feeds it the logos tokens, collects recovered errors as
//! diagnostics, and guards against input that would make later passes recurse too deep.

use lalrpop_util::{ErrorRecovery, ParseError};

use super::ast::*;
use super::grammar;
use super::lexer::{self, Token};
use super::visit;
use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// The token handed to the grammar: its kind and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok<'a>(pub Token, pub &'a str);

/// Lexing never fails (errors are diagnostics), so the grammar's error type is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LexError {}

/// Deepest expression nesting kept in the tree; deeper expressions are replaced by an
/// error node so that formatting, analysis and dropping the tree cannot overflow the stack.
pub const MAX_EXPR_DEPTH: u32 = 256;

/// State shared with grammar actions: the source text and the diagnostics found so far.
pub struct Builder<'input> {
    pub text: &'input str,
    pub diagnostics: Vec<Diagnostic>,
    has_depth_error: bool,
}

impl<'input> Builder<'input> {
    pub fn new(text: &'input str) -> Builder<'input> {
        Builder {
            text,
            diagnostics: Vec::new(),
            has_depth_error: false,
        }
    }

    pub fn span(&self, l: usize, r: usize) -> Span {
        Span::new(l, r)
    }

    pub fn ident(&self, l: usize, text: &str, r: usize) -> Ident {
        Ident {
            name: text.to_string(),
            is_quoted: false,
            span: Span::new(l, r),
        }
    }

    /// `['name']` / `["name"]`.
    pub fn quoted_ident(&mut self, l: usize, literal: &str, r: usize) -> Ident {
        let name = self.decode_string(literal, Span::new(l, r));
        Ident {
            name,
            is_quoted: true,
            span: Span::new(l, r),
        }
    }

    /// Builds an expression node, replacing it with an error when it nests too deep.
    pub fn expr(&mut self, kind: ExprKind, l: usize, r: usize) -> Expr {
        let span = Span::new(l, r);
        let depth = visit::expr_kind_depth(&kind);
        if depth > MAX_EXPR_DEPTH {
            if !self.has_depth_error {
                self.has_depth_error = true;
                self.diagnostics.push(
                    Diagnostic::error(
                        "KQL105",
                        "nesting-too-deep",
                        format!("expression is nested more than {MAX_EXPR_DEPTH} levels deep; that part of the query was not parsed"),
                        span,
                    )
                    .with_help("split long operator chains with `let` statements or use `in (...)` lists"),
                );
            }
            return Expr {
                kind: ExprKind::Error,
                span,
                depth: 1,
            };
        }
        Expr { kind, span, depth }
    }

    pub fn binary(&mut self, op: BinaryOp, left: Expr, right: Expr, l: usize, r: usize) -> Expr {
        self.expr(
            ExprKind::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
            },
            l,
            r,
        )
    }

    /// Extends an unparenthesized chain of the same operator instead of nesting it.
    pub fn logical(&mut self, op: LogicalOp, left: Expr, right: Expr, l: usize, r: usize) -> Expr {
        match left.kind {
            ExprKind::Logical {
                op: left_op,
                mut operands,
            } if left_op == op => {
                operands.push(right);
                self.expr(ExprKind::Logical { op, operands }, l, r)
            }
            kind => {
                let left = Expr {
                    kind,
                    span: left.span,
                    depth: left.depth,
                };
                self.expr(
                    ExprKind::Logical {
                        op,
                        operands: vec![left, right],
                    },
                    l,
                    r,
                )
            }
        }
    }

    pub fn literal(&mut self, literal: Literal, l: usize, r: usize) -> Expr {
        self.expr(ExprKind::Literal(literal), l, r)
    }

    pub fn long(&mut self, text: &str, l: usize, r: usize) -> Literal {
        let parsed = match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
            Some(hex) => i64::from_str_radix(hex, 16).ok(),
            None => text.parse::<i64>().ok(),
        };
        match parsed {
            Some(value) => Literal::Long(value),
            None => {
                // Kusto reads integer literals past i64 as reals.
                match text.parse::<f64>() {
                    Ok(value) if !text.starts_with("0x") => Literal::Real(value),
                    _ => {
                        self.error(
                            "KQL107",
                            "invalid-literal",
                            format!("number `{text}` is out of range"),
                            Span::new(l, r),
                        );
                        Literal::Long(0)
                    }
                }
            }
        }
    }

    pub fn real(&mut self, text: &str, l: usize, r: usize) -> Literal {
        match text.parse::<f64>() {
            Ok(value) => Literal::Real(value),
            Err(_) => {
                self.error(
                    "KQL107",
                    "invalid-literal",
                    format!("invalid number `{text}`"),
                    Span::new(l, r),
                );
                Literal::Real(0.0)
            }
        }
    }

    /// `datetime(...)` and friends: keeps the type and the text between the parentheses.
    pub fn typed_literal(&mut self, text: &str) -> Literal {
        let open = text.find('(').unwrap_or(text.len());
        let ty = text.get(..open).unwrap_or("").trim().to_string();
        let inner = text
            .get(open + 1..text.len().saturating_sub(1))
            .unwrap_or("")
            .trim()
            .to_string();
        Literal::Typed { ty, text: inner }
    }

    /// Adjacent string literals concatenate.
    pub fn strings(&mut self, parts: Vec<(usize, &str, usize)>) -> Literal {
        let mut value = String::new();
        let mut raw = Vec::with_capacity(parts.len());
        for (l, text, r) in parts {
            value.push_str(&self.decode_string(text, Span::new(l, r)));
            raw.push(text.to_string());
        }
        Literal::String { value, raw }
    }

    pub fn decode_string(&mut self, literal: &str, span: Span) -> String {
        match lexer::decode_string(literal) {
            Some(value) => value,
            None => {
                self.error(
                    "KQL107",
                    "invalid-literal",
                    "invalid escape sequence in string literal",
                    span,
                );
                String::new()
            }
        }
    }

    pub fn string_value(&mut self, literal: &str, l: usize, r: usize) -> String {
        self.decode_string(literal, Span::new(l, r))
    }

    pub fn string_op(&mut self, text: &str, l: usize, r: usize) -> BinaryOp {
        match StringOp::from_text(text) {
            Some(op) => BinaryOp::String(op),
            None => {
                self.error(
                    "KQL101",
                    "syntax-error",
                    format!("unknown operator `{text}`"),
                    Span::new(l, r),
                );
                BinaryOp::Eq
            }
        }
    }

    pub fn bool_value(&self, text: &str) -> bool {
        text.eq_ignore_ascii_case("true")
    }

    /// The source text between two offsets, for loosely parsed operators.
    pub fn raw_text(&self, l: usize, r: usize) -> String {
        self.text.get(l..r).unwrap_or("").trim().to_string()
    }

    /// A JSON `null` inside `dynamic(...)` arrives as a name; anything else is an error.
    pub fn dynamic_name(&mut self, name: &str, l: usize, r: usize) -> DynamicValue {
        match name {
            "null" => DynamicValue::Null,
            _ => {
                self.error(
                    "KQL101",
                    "syntax-error",
                    format!(
                        "`{name}` is not a value: inside dynamic(...) write JSON (quote strings)"
                    ),
                    Span::new(l, r),
                );
                DynamicValue::Null
            }
        }
    }

    /// Folds `with (a=1, b=x, y)` items into parameters; bare values extend the previous one.
    pub fn with_params(&mut self, items: Vec<(Option<Ident>, Expr)>) -> Vec<Param> {
        let mut params: Vec<Param> = Vec::new();
        for (name, value) in items {
            match (name, params.last_mut()) {
                (Some(name), _) => {
                    let span = name.span.cover(value.span);
                    params.push(Param { name, value, span });
                }
                (None, Some(previous)) => {
                    let start = previous.value.span.start as usize;
                    let end = value.span.end as usize;
                    let mut items =
                        match std::mem::replace(&mut previous.value.kind, ExprKind::Error) {
                            ExprKind::List(items) => items,
                            kind => vec![Expr {
                                kind,
                                span: previous.value.span,
                                depth: previous.value.depth,
                            }],
                        };
                    items.push(value);
                    previous.value = self.expr(ExprKind::List(items), start, end);
                    previous.span = previous.name.span.cover(previous.value.span);
                }
                (None, None) => {
                    self.error(
                        "KQL101",
                        "syntax-error",
                        "expected `name = value`",
                        value.span,
                    );
                }
            }
        }
        params
    }

    /// `where A = 1`: an error with a safe fix to `==`.
    pub fn single_equals(&mut self, l: usize, r: usize) {
        let span = Span::new(l, r);
        self.diagnostics.push(
            Diagnostic::error(
                "KQL201",
                "single-equals-comparison",
                "`=` assigns a value; a predicate compares with `==`",
                span,
            )
            .with_help("Kusto rejects this predicate because it is not boolean")
            .with_fix(crate::diagnostic::Fix {
                title: "Replace `=` with `==`".to_string(),
                edits: vec![crate::diagnostic::TextEdit {
                    span,
                    text: "==".to_string(),
                }],
                is_safe: true,
            }),
        );
    }

    pub fn error(&mut self, code: &str, id: &str, message: impl Into<String>, span: Span) {
        self.diagnostics
            .push(Diagnostic::error(code, id, message, span));
    }

    /// Records a recovered syntax error.
    pub fn recover(&mut self, recovery: ErrorRecovery<usize, Tok<'input>, LexError>) {
        let diagnostic = syntax_diagnostic(&recovery.error, self.text.len());
        self.diagnostics.push(diagnostic);
    }
}

/// Turns a lalrpop error into a readable diagnostic.
fn syntax_diagnostic(error: &ParseError<usize, Tok<'_>, LexError>, text_len: usize) -> Diagnostic {
    match error {
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => {
            let is_operator_position = expected.iter().any(|e| e == "\"where\"");
            if tok.0 == Token::Ident && is_operator_position {
                return unknown_operator(tok.1, Span::new(*l, *r));
            }
            let found = describe_token(tok);
            let message = format!("unexpected {found}{}", expected_suffix(expected));
            Diagnostic::error("KQL101", "syntax-error", message, Span::new(*l, *r))
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let at = (*location).min(text_len);
            let message = format!("unexpected end of query{}", expected_suffix(expected));
            Diagnostic::error("KQL104", "unexpected-end", message, Span::new(at, at))
        }
        ParseError::InvalidToken { location } => Diagnostic::error(
            "KQL103",
            "invalid-character",
            "invalid token",
            Span::new(*location, *location + 1),
        ),
        ParseError::ExtraToken { token: (l, tok, r) } => Diagnostic::error(
            "KQL101",
            "syntax-error",
            format!(
                "unexpected {} after the end of the query",
                describe_token(tok)
            ),
            Span::new(*l, *r),
        ),
        ParseError::User { error } => match *error {},
    }
}

/// Tabular operators, for suggestions after a misspelled one.
pub const OPERATOR_KEYWORDS: &[&str] = &[
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "join",
    "lookup",
    "union",
    "distinct",
    "sort",
    "order",
    "top",
    "top-nested",
    "take",
    "limit",
    "count",
    "mv-expand",
    "mv-apply",
    "parse",
    "parse-where",
    "parse-kv",
    "make-series",
    "evaluate",
    "invoke",
    "render",
    "as",
    "serialize",
    "getschema",
    "sample",
    "sample-distinct",
    "scan",
    "partition",
    "fork",
    "facet",
    "search",
    "find",
    "reduce",
];

/// `| wher x`: name the operator the user most likely meant, with a fix.
fn unknown_operator(word: &str, span: Span) -> Diagnostic {
    let mut diagnostic = Diagnostic::error(
        "KQL106",
        "unknown-operator",
        format!("`{word}` is not a tabular operator"),
        span,
    );
    match crate::suggest::closest(word, OPERATOR_KEYWORDS.iter().copied()) {
        Some(suggestion) => {
            diagnostic = diagnostic
                .with_help(format!("did you mean `{suggestion}`?"))
                .with_fix(crate::diagnostic::Fix {
                    title: format!("Replace with `{suggestion}`"),
                    edits: vec![crate::diagnostic::TextEdit {
                        span,
                        text: suggestion.to_string(),
                    }],
                    is_safe: false,
                });
        }
        None => {
            diagnostic = diagnostic.with_help(
                "after `|` comes an operator such as `where`, `project`, `extend` or `summarize`",
            );
        }
    }
    diagnostic
}

fn describe_token(tok: &Tok<'_>) -> String {
    match tok.0 {
        Token::Ident => format!("name `{}`", tok.1),
        Token::String(_) => "string literal".to_string(),
        Token::Long | Token::Real => format!("number `{}`", tok.1),
        _ => format!("`{}`", tok.1),
    }
}

/// "; expected one of `|`, `;`" — at most a handful, most useful first.
fn expected_suffix(expected: &[String]) -> String {
    if expected.is_empty() {
        return String::new();
    }
    let mut names: Vec<String> = expected
        .iter()
        .map(|e| e.trim_matches('"').replace("\\\"", "\""))
        .map(|e| match e.as_str() {
            "Ident" => "a name".to_string(),
            "Str" => "a string".to_string(),
            "Long" | "Real" => "a number".to_string(),
            "StringOp" => "a string operator".to_string(),
            "HintName" => "a hint".to_string(),
            "TypedLit" => "a literal".to_string(),
            "Timespan" => "a timespan".to_string(),
            "BoolLit" => "true/false".to_string(),
            other => format!("`{other}`"),
        })
        .collect();
    names.dedup();
    let has_expression = names.iter().any(|n| n == "a name") && names.len() > 12;
    if has_expression {
        return "; expected an expression".to_string();
    }
    if names.len() > 8 {
        names.truncate(8);
        names.push("...".to_string());
    }
    format!("; expected {}", names.join(", "))
}

/// Parses a whole query. Never fails.
pub fn parse_query(text: &str) -> (Query, Vec<Diagnostic>) {
    let lexed = lexer::lex(text);
    let mut builder = Builder::new(text);
    builder.diagnostics.extend(lexed.diagnostics);
    let end = lexed
        .tokens
        .last()
        .map(|t| t.span.end as usize)
        .unwrap_or(0);
    let tokens = lexed.tokens.into_iter().map(|t| {
        Ok::<_, LexError>((
            t.span.start as usize,
            Tok(t.token, t.text),
            t.span.end as usize,
        ))
    });
    let result = grammar::QueryParser::new().parse(&mut builder, tokens);
    let query = match result {
        Ok(query) => query,
        Err(error) => {
            let diagnostic = syntax_diagnostic(&error, text.len());
            builder.diagnostics.push(diagnostic);
            Query {
                statements: vec![Statement {
                    kind: StatementKind::Error,
                    span: Span::new(0, end),
                }],
                span: Span::new(0, end),
            }
        }
    };
    (query, builder.diagnostics)
}
