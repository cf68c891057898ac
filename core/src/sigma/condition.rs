//! The `condition` of a detection: a small lexer, the lalrpop grammar in
//! `condition.lalrpop`, and the mapping of positions inside the condition string to the
//! YAML file (the condition may be a plain, quoted or block scalar).
//!
//! Sigma 1.0 aggregations after a pipe (`selection | count() by x > 5`, `a | near b`) are cut
//! off before parsing and reported with a pointer to correlation rules.

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::diagnostic::Diagnostic;
use crate::sigma::ast::{ConditionExpr, ConditionKind, OfTarget, Quantifier, Spanned};
use crate::sigma::codes;
use crate::source::Span;

#[allow(
    clippy::all,
    clippy::pedantic,
    unused_parens,
    unused_imports,
    dead_code
)]
mod grammar {
    include!(concat!(env!("OUT_DIR"), "/sigma/condition.rs"));
}

/// Deeper nesting (parentheses, `not` chains) is rejected: real conditions nest a few levels.
pub const MAX_DEPTH: usize = 64;
/// Longer conditions are rejected before parsing.
pub const MAX_TOKENS: usize = 20_000;

/// A condition parsed, with spans relative to the condition text.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedCondition {
    pub expr: Option<ConditionExpr>,
    /// The text from the first `|` on, when present.
    pub aggregation: Option<Spanned<String>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a condition string. Spans in the result are byte offsets into `text`.
pub fn parse(text: &str) -> ParsedCondition {
    let mut diagnostics = Vec::new();
    let (expression, aggregation) = match text.find('|') {
        Some(pipe) => {
            let rest = text.get(pipe..).unwrap_or("").trim_end();
            let span = Span::new(pipe, pipe + rest.len());
            diagnostics.push(legacy_aggregation(rest, span));
            (
                text.get(..pipe).unwrap_or(""),
                Some(Spanned::new(rest.to_string(), span)),
            )
        }
        None => (text, None),
    };
    let tokens = lex(expression);
    if tokens.is_empty() {
        diagnostics.push(
            codes::CONDITION_SYNTAX
                .at("the condition is empty", Span::new(0, text.len()))
                .with_help(
                    "name the search identifiers to combine, e.g. `selection and not filter`",
                ),
        );
        return ParsedCondition {
            expr: None,
            aggregation,
            diagnostics,
        };
    }
    if let Some(diagnostic) = check_limits(&tokens) {
        diagnostics.push(diagnostic);
        return ParsedCondition {
            expr: None,
            aggregation,
            diagnostics,
        };
    }
    let mut builder = Builder {
        text: expression.to_string(),
        diagnostics: Vec::new(),
    };
    let result = grammar::ConditionParser::new().parse(
        &mut builder,
        tokens
            .into_iter()
            .map(|(l, tok, r)| Ok::<_, ()>((l, tok, r))),
    );
    let expr = match result {
        Ok(node) => Some(node.into_expr()),
        Err(error) => {
            builder
                .diagnostics
                .push(syntax_diagnostic(&error, expression));
            None
        }
    };
    diagnostics.extend(builder.diagnostics);
    ParsedCondition {
        expr,
        aggregation,
        diagnostics,
    }
}

fn legacy_aggregation(rest: &str, span: Span) -> Diagnostic {
    let body = rest.trim_start_matches('|').trim_start();
    let what = if body.starts_with("near") {
        "`near` (Sigma 1.0 temporal proximity)"
    } else {
        "a pipe aggregation (Sigma 1.0)"
    };
    let help = if body.starts_with("near") {
        "write each side as its own rule with a `name`, and correlate them with a correlation \
         rule of type `temporal` (or `temporal_ordered`) and a `timespan`"
    } else {
        "move the aggregation into a correlation rule: `correlation: {type: event_count, rules: \
         [<this rule's name>], group-by: [...], timespan: ..., condition: {gt: N}}` (value_count \
         for `count(field)`, value_sum for `sum(field)`)"
    };
    codes::LEGACY_AGGREGATION
        .at(
            format!("{what} is no longer part of Sigma conditions: `{rest}`"),
            span,
        )
        .with_help(help)
}

/// Rejects conditions whose trees would be deeper or larger than any real rule's.
fn check_limits(tokens: &[(usize, Tok<'_>, usize)]) -> Option<Diagnostic> {
    if tokens.len() > MAX_TOKENS {
        let end = tokens.last().map_or(0, |t| t.2);
        return Some(codes::CONDITION_SYNTAX.at(
            format!("the condition has more than {MAX_TOKENS} tokens"),
            Span::new(0, end),
        ));
    }
    let mut depth = 0usize;
    let mut nots = 0usize;
    for (l, tok, r) in tokens {
        match tok {
            Tok::LParen => depth += 1,
            Tok::RParen => depth = depth.saturating_sub(1),
            _ => {}
        }
        nots = if *tok == Tok::Not { nots + 1 } else { 0 };
        if depth > MAX_DEPTH || nots > MAX_DEPTH {
            return Some(codes::CONDITION_SYNTAX.at(
                format!("the condition nests deeper than {MAX_DEPTH} levels"),
                Span::new(*l, *r),
            ));
        }
    }
    None
}

/// A condition token; words are classified into keywords, numbers and identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok<'input> {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Of,
    Them,
    All,
    Any,
    Number(&'input str),
    Ident(&'input str),
    /// A character that cannot start any token; the grammar rejects it with recovery.
    Bad(&'input str),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '*' | '?' | '-' | '.' | '\\' | '@' | '$' | '#')
}

/// Splits a condition into tokens with their byte ranges.
pub fn lex(text: &str) -> Vec<(usize, Tok<'_>, usize)> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let tok = match c {
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            c if is_word_char(c) => {
                let mut end = start + c.len_utf8();
                while let Some(&(i, next)) = chars.peek() {
                    if !is_word_char(next) {
                        break;
                    }
                    end = i + next.len_utf8();
                    chars.next();
                }
                let word = text.get(start..end).unwrap_or("");
                tokens.push((start, classify(word), end));
                continue;
            }
            _ => Tok::Bad(text.get(start..start + c.len_utf8()).unwrap_or("")),
        };
        tokens.push((start, tok, start + c.len_utf8()));
    }
    tokens
}

fn classify(word: &str) -> Tok<'_> {
    match word.to_ascii_lowercase().as_str() {
        "and" => Tok::And,
        "or" => Tok::Or,
        "not" => Tok::Not,
        "of" => Tok::Of,
        "them" => Tok::Them,
        "all" => Tok::All,
        "any" => Tok::Any,
        _ if word.bytes().all(|b| b.is_ascii_digit()) => Tok::Number(word),
        _ => Tok::Ident(word),
    }
}

/// The parse tree as the grammar builds it; spans relative to the condition text.
#[derive(Clone, Debug)]
pub struct Node {
    kind: NodeKind,
    span: Span,
}

#[derive(Clone, Debug)]
enum NodeKind {
    Or(Vec<Node>),
    And(Vec<Node>),
    Not(Box<Node>),
    Identifier(String),
    Of(Quantifier, OfTarget),
    Error,
}

impl Node {
    pub(crate) fn or(first: Node, rest: Vec<Node>, l: usize, r: usize) -> Node {
        let mut items = vec![first];
        items.extend(rest);
        Node {
            kind: NodeKind::Or(items),
            span: Span::new(l, r),
        }
    }

    pub(crate) fn and(first: Node, rest: Vec<Node>, l: usize, r: usize) -> Node {
        let mut items = vec![first];
        items.extend(rest);
        Node {
            kind: NodeKind::And(items),
            span: Span::new(l, r),
        }
    }

    pub(crate) fn not(inner: Node, l: usize, r: usize) -> Node {
        Node {
            kind: NodeKind::Not(Box::new(inner)),
            span: Span::new(l, r),
        }
    }

    pub(crate) fn of(quantifier: Quantifier, target: OfTarget, l: usize, r: usize) -> Node {
        Node {
            kind: NodeKind::Of(quantifier, target),
            span: Span::new(l, r),
        }
    }

    pub(crate) fn identifier(name: &str, l: usize, r: usize) -> Node {
        Node {
            kind: NodeKind::Identifier(name.to_string()),
            span: Span::new(l, r),
        }
    }

    /// A parenthesized expression covers its parentheses.
    pub(crate) fn spanned(mut self, l: usize, r: usize) -> Node {
        self.span = Span::new(l, r);
        self
    }

    fn into_expr(self) -> ConditionExpr {
        let kind = match self.kind {
            NodeKind::Or(items) => {
                ConditionKind::Or(items.into_iter().map(Node::into_expr).collect())
            }
            NodeKind::And(items) => {
                ConditionKind::And(items.into_iter().map(Node::into_expr).collect())
            }
            NodeKind::Not(inner) => ConditionKind::Not(Box::new(inner.into_expr())),
            NodeKind::Identifier(name) => ConditionKind::Identifier(name),
            NodeKind::Of(quantifier, target) => ConditionKind::Of { quantifier, target },
            NodeKind::Error => ConditionKind::Error,
        };
        ConditionExpr {
            kind,
            span: self.span,
        }
    }
}

/// Collects the diagnostics of error recovery while the grammar runs.
pub struct Builder {
    text: String,
    diagnostics: Vec<Diagnostic>,
}

impl Builder {
    pub(crate) fn recover(
        &mut self,
        recovery: ErrorRecovery<usize, Tok<'_>, ()>,
        l: usize,
        r: usize,
    ) -> Node {
        self.diagnostics
            .push(syntax_diagnostic(&recovery.error, &self.text));
        Node {
            kind: NodeKind::Error,
            span: Span::new(l, r.max(l)),
        }
    }

    pub(crate) fn quantifier(number: &str) -> Quantifier {
        match number.parse::<u32>() {
            Ok(1) => Quantifier::One,
            Ok(n) => Quantifier::AtLeast(n),
            Err(_) => Quantifier::AtLeast(u32::MAX),
        }
    }
}

fn describe(tok: &Tok<'_>) -> String {
    match tok {
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::And => "`and`".into(),
        Tok::Or => "`or`".into(),
        Tok::Not => "`not`".into(),
        Tok::Of => "`of`".into(),
        Tok::Them => "`them`".into(),
        Tok::All => "`all`".into(),
        Tok::Any => "`any`".into(),
        Tok::Number(n) => format!("the number `{n}`"),
        Tok::Ident(i) => format!("`{i}`"),
        Tok::Bad(c) => format!("the character `{c}`"),
    }
}

/// What the grammar expected, in words a rule author knows.
fn expected_words(expected: &[String]) -> String {
    let mut words: Vec<&str> = Vec::new();
    for e in expected {
        let word = match e.as_str() {
            "Ident" => "a search identifier",
            "Num" => "`1 of`",
            "\"all\"" => "`all of`",
            "\"any\"" => "`any of`",
            "\"not\"" => "`not`",
            "\"(\"" => "`(`",
            "\")\"" => "`)`",
            "\"and\"" => "`and`",
            "\"or\"" => "`or`",
            "\"of\"" => "`of`",
            "\"them\"" => "`them`",
            _ => continue,
        };
        if !words.contains(&word) {
            words.push(word);
        }
    }
    match words.as_slice() {
        [] => String::new(),
        [one] => format!("; expected {one}"),
        [init @ .., last] => format!("; expected {} or {last}", init.join(", ")),
    }
}

fn syntax_diagnostic(error: &ParseError<usize, Tok<'_>, ()>, text: &str) -> Diagnostic {
    let text_len = text.len();
    let help = "a condition combines search identifiers with `and`, `or`, `not`, parentheses, \
                `1 of x*` and `all of x*`";
    match error {
        ParseError::UnrecognizedToken {
            token: (l, tok, r),
            expected,
        } => codes::CONDITION_SYNTAX
            .at(
                format!("unexpected {}{}", describe(tok), expected_words(expected)),
                Span::new(*l, *r),
            )
            .with_help(help),
        ParseError::UnrecognizedEof { location, expected } => {
            let at = (*location).min(text_len);
            // The last character before the end, whole (it may take several bytes).
            let last = text
                .get(..at)
                .and_then(|before| before.char_indices().last())
                .map_or(at, |(i, _)| i);
            codes::CONDITION_SYNTAX
                .at(
                    format!("the condition ends too early{}", expected_words(expected)),
                    Span::new(last, at),
                )
                .with_help(help)
        }
        ParseError::ExtraToken { token: (l, tok, r) } => codes::CONDITION_SYNTAX
            .at(
                format!(
                    "unexpected {} after the end of the condition",
                    describe(tok)
                ),
                Span::new(*l, *r),
            )
            .with_help(help),
        ParseError::InvalidToken { location } => {
            let at = (*location).min(text_len);
            let end = text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map_or(at, |c| at + c.len_utf8());
            codes::CONDITION_SYNTAX.at("invalid character in the condition", Span::new(at, end))
        }
        ParseError::User { .. } => {
            codes::CONDITION_SYNTAX.at("the condition does not parse", Span::new(0, text_len))
        }
    }
}

/// Moves every span of an expression with `map` (condition text → file).
pub fn map_spans(expr: &mut ConditionExpr, map: &impl Fn(Span) -> Span) {
    expr.span = map(expr.span);
    match &mut expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            for item in items {
                map_spans(item, map);
            }
        }
        ConditionKind::Not(inner) => map_spans(inner, map),
        _ => {}
    }
}

/// Every identifier and `of` pattern in an expression, in order, with their spans.
pub fn references(expr: &ConditionExpr, out: &mut Vec<(ConditionReference, Span)>) {
    match &expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            for item in items {
                references(item, out);
            }
        }
        ConditionKind::Not(inner) => references(inner, out),
        ConditionKind::Identifier(name) => {
            out.push((ConditionReference::Identifier(name.clone()), expr.span))
        }
        ConditionKind::Of { target, .. } => out.push((
            match target {
                OfTarget::Them => ConditionReference::Them,
                OfTarget::Pattern(p) => ConditionReference::Pattern(p.clone()),
            },
            expr.span,
        )),
        ConditionKind::Error => {}
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConditionReference {
    Identifier(String),
    Pattern(String),
    Them,
}

/// Whether a search identifier matches an `of` pattern (`*` any run of characters).
pub fn pattern_matches(pattern: &str, name: &str) -> bool {
    crate::sigma::pattern::simple_glob(pattern, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(expr: &ConditionExpr, text: &str) -> String {
        match &expr.kind {
            ConditionKind::Or(items) => format!(
                "or({})",
                items
                    .iter()
                    .map(|i| shape(i, text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ConditionKind::And(items) => format!(
                "and({})",
                items
                    .iter()
                    .map(|i| shape(i, text))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ConditionKind::Not(inner) => format!("not({})", shape(inner, text)),
            ConditionKind::Identifier(name) => name.clone(),
            ConditionKind::Of { quantifier, target } => format!(
                "{}:{}",
                match quantifier {
                    Quantifier::One => "one".to_string(),
                    Quantifier::All => "all".to_string(),
                    Quantifier::AtLeast(n) => n.to_string(),
                },
                match target {
                    OfTarget::Them => "them".to_string(),
                    OfTarget::Pattern(p) => p.clone(),
                }
            ),
            ConditionKind::Error => format!("error[{}]", expr.span.text(text)),
        }
    }

    fn parse_shape(text: &str) -> String {
        let parsed = parse(text);
        assert!(
            parsed.diagnostics.is_empty(),
            "{text}: {:?}",
            parsed.diagnostics
        );
        shape(&parsed.expr.unwrap(), text)
    }

    #[test]
    fn precedence_is_or_and_not_of() {
        assert_eq!(parse_shape("a or b and c"), "or(a, and(b, c))");
        assert_eq!(parse_shape("not a and b"), "and(not(a), b)");
        assert_eq!(
            parse_shape("a and not 1 of filter*"),
            "and(a, not(one:filter*))"
        );
        assert_eq!(parse_shape("(a or b) and c"), "and(or(a, b), c)");
        assert_eq!(parse_shape("all of them"), "all:them");
        assert_eq!(parse_shape("any of sel_*"), "one:sel_*");
        assert_eq!(parse_shape("1 of them or x"), "or(one:them, x)");
        assert_eq!(parse_shape("a AND NOT b"), "and(a, not(b))");
        assert_eq!(parse_shape("2 of sel*"), "2:sel*");
        assert_eq!(parse_shape("((a))"), "a");
    }

    #[test]
    fn spans_cover_each_part() {
        let text = "sel and not (f1 or f2)";
        let parsed = parse(text);
        let expr = parsed.expr.unwrap();
        assert_eq!(expr.span.text(text), text);
        let ConditionKind::And(items) = &expr.kind else {
            panic!()
        };
        assert_eq!(items[0].span.text(text), "sel");
        assert_eq!(items[1].span.text(text), "not (f1 or f2)");
    }

    #[test]
    fn errors_recover_and_point_at_the_token() {
        let text = "sel and and other";
        let parsed = parse(text);
        assert_eq!(parsed.diagnostics.len(), 1, "{:?}", parsed.diagnostics);
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, "SIG120");
        assert_eq!(d.span.text(text), "and");
        assert!(d.message.contains("expected"), "{}", d.message);
        assert!(parsed.expr.is_some());

        let parsed = parse("sel and (other");
        assert_eq!(parsed.diagnostics.len(), 1);
        assert!(parsed.diagnostics[0].message.contains("ends too early"));

        let parsed = parse("sel & other");
        assert_eq!(parsed.diagnostics[0].span.text("sel & other"), "&");
    }

    #[test]
    fn pipe_aggregations_are_cut_and_reported() {
        let text = "selection | count(TargetUserName) by IpAddress > 10";
        let parsed = parse(text);
        assert_eq!(shape(parsed.expr.as_ref().unwrap(), text), "selection");
        let d = &parsed.diagnostics[0];
        assert_eq!(d.code, "SIG115");
        assert_eq!(
            d.span.text(text),
            "| count(TargetUserName) by IpAddress > 10"
        );
        assert!(d.help.as_ref().unwrap().contains("correlation"));
        let near = parse("selection1 | near selection2");
        assert!(near.diagnostics[0].message.contains("near"));
    }

    #[test]
    fn deep_nesting_is_rejected_without_overflow() {
        let text = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        let parsed = parse(&text);
        assert!(parsed.expr.is_none());
        assert_eq!(parsed.diagnostics[0].code, "SIG120");
        let nots = format!("{}a", "not ".repeat(5_000));
        assert!(parse(&nots).expr.is_none());
    }

    #[test]
    fn empty_condition() {
        assert_eq!(parse("  ").diagnostics[0].code, "SIG120");
    }
}

#[cfg(test)]
mod span_tests {
    #[test]
    fn errors_at_the_end_stay_on_character_boundaries() {
        for text in ["(é|", "(é", "é and", "not é(", "((é"] {
            let parsed = super::parse(text);
            for d in &parsed.diagnostics {
                assert!(text.get(d.span.range()).is_some(), "{text:?}: {:?}", d.span);
            }
        }
    }
}
