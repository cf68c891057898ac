//! The KQL lexer (logos): every token of real-world KQL, with byte spans.
//!
//! Keywords are case-sensitive, as in Kusto. String literals are scanned by hand so that an
//! unterminated string still becomes a token (plus a diagnostic) instead of a dead lex.

use logos::{Lexer, Logos};

use crate::diagnostic::Diagnostic;
use crate::source::Span;

/// How a string literal token was written; the value is decoded by [`decode_string`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StringToken {
    pub is_terminated: bool,
}

#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(skip r"[ \t\r\n\f\u{feff}\u{a0}\u{200b}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{3000}]+")]
#[logos(skip(r"//[^\n]*", allow_greedy = true))]
pub enum Token {
    // ---- punctuation ----
    #[token("|")]
    Pipe,
    #[token(";")]
    Semi,
    #[token(",")]
    Comma,
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[token("{")]
    LBrace,
    #[token("}")]
    RBrace,
    #[token(".")]
    Dot,
    #[token("..")]
    DotDot,
    #[token("=")]
    Assign,
    #[token("==")]
    EqEq,
    #[token("!=")]
    #[token("<>")]
    NotEq,
    #[token("<")]
    Lt,
    #[token("<=")]
    Le,
    #[token(">")]
    Gt,
    #[token(">=")]
    Ge,
    #[token("=~")]
    EqTilde,
    #[token("!~")]
    NotTilde,
    #[token("+")]
    Plus,
    #[token("-")]
    Minus,
    #[token("*")]
    Star,
    #[token("/")]
    Slash,
    #[token("%")]
    Percent,
    #[token(":")]
    Colon,
    #[token("=>")]
    Arrow,
    #[token("?")]
    Question,

    // ---- literals ----
    #[regex(r"[0-9]+", priority = 10)]
    #[regex(r"0[xX][0-9a-fA-F]+", priority = 10)]
    Long,
    #[regex(r"[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?", priority = 10)]
    #[regex(r"[0-9]+[eE][+-]?[0-9]+", priority = 10)]
    Real,
    /// `5s`, `1.5h`, `100ms`, `10tick`, `2days` ...
    #[regex(r"[0-9]+(\.[0-9]+)?(d|day|days|h|hr|hrs|hour|hours|m|min|mins|minute|minutes|s|sec|secs|second|seconds|ms|milli|millis|millisec|millisecs|millisecond|milliseconds|micro|micros|microsec|microsecs|microsecond|microseconds|tick|ticks|nano|nanos|nanosec|nanosecs|nanosecond|nanoseconds)", priority = 10)]
    Timespan,
    /// `datetime(...)`, `timespan(...)`, `guid(...)`, `bool(...)`, `long(null)` ...: the
    /// text between the parentheses is not KQL, so the whole literal is one token.
    #[regex(r"(datetime|date|timespan|time|guid|uuid|uniqueid|bool|boolean|int|int32|long|int64|real|double|float|decimal)[ \t]*\(", lex_typed_literal)]
    TypedLiteral,
    #[token("\"", |lex| lex_quoted(lex, b'"', false))]
    #[token("'", |lex| lex_quoted(lex, b'\'', false))]
    #[token("@\"", |lex| lex_quoted(lex, b'"', true))]
    #[token("@'", |lex| lex_quoted(lex, b'\'', true))]
    #[regex(r#"[hH]""#, |lex| lex_quoted(lex, b'"', false))]
    #[regex(r"[hH]'", |lex| lex_quoted(lex, b'\'', false))]
    #[regex(r#"[hH]@""#, |lex| lex_quoted(lex, b'"', true))]
    #[regex(r"[hH]@'", |lex| lex_quoted(lex, b'\'', true))]
    #[token("```", |lex| lex_fenced(lex, "```"))]
    #[token("~~~", |lex| lex_fenced(lex, "~~~"))]
    String(StringToken),
    #[token("true")]
    #[token("false")]
    #[token("True")]
    #[token("False")]
    #[token("TRUE")]
    #[token("FALSE")]
    Bool,

    // ---- names ----
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*")]
    #[regex(r"\$[A-Za-z_][A-Za-z0-9_]*")]
    /// Kusto names may start with digits when letters follow (`5Minutebin`); numbers,
    /// timespans and hex literals of the same length win.
    #[regex(r"[0-9]+[A-Za-z_][A-Za-z0-9_]*", priority = 1)]
    Ident,
    /// `hint.strategy`, `hint.shufflekey` ...: dotted operator parameter names.
    #[regex(r"hint\.[A-Za-z_][A-Za-z0-9_]*")]
    HintName,

    // ---- expression keywords ----
    #[token("and")]
    And,
    #[token("or")]
    Or,
    #[token("in")]
    In,
    #[token("!in")]
    NotIn,
    #[token("in~")]
    InCi,
    #[token("!in~")]
    NotInCi,
    #[token("has_any")]
    HasAny,
    #[token("has_all")]
    HasAll,
    #[token("between")]
    Between,
    #[token("!between")]
    NotBetween,
    #[token("matches")]
    Matches,
    #[token("regex")]
    Regex,
    /// Binary string operators with a scalar right side: `has`, `!contains_cs`, ...
    #[regex(r"!?(has|has_cs|hasprefix|hasprefix_cs|hassuffix|hassuffix_cs|contains|contains_cs|startswith|startswith_cs|endswith|endswith_cs|like|likecs|notlike|notlikecs|notcontains|notcontainscs|containscs)")]
    StringOp,

    // ---- statement and clause keywords ----
    #[token("let")]
    Let,
    #[token("set")]
    Set,
    #[token("declare")]
    Declare,
    #[token("query_parameters")]
    QueryParameters,
    #[token("alias")]
    Alias,
    #[token("pattern")]
    Pattern,
    #[token("restrict")]
    Restrict,
    #[token("access")]
    Access,
    #[token("view")]
    View,
    #[token("by")]
    By,
    #[token("on")]
    On,
    #[token("kind")]
    Kind,
    #[token("with")]
    With,
    #[token("asc")]
    Asc,
    #[token("desc")]
    Desc,
    #[token("nulls")]
    Nulls,
    #[token("first")]
    First,
    #[token("last")]
    Last,
    #[token("granny-asc")]
    GrannyAsc,
    #[token("granny-desc")]
    GrannyDesc,
    #[token("to")]
    To,
    #[token("from")]
    From,
    #[token("step")]
    Step,
    #[token("of")]
    Of,
    #[token("typeof")]
    Typeof,
    #[token("dynamic")]
    Dynamic,
    #[token("default")]
    Default,
    #[token("others")]
    Others,
    #[token("output")]
    Output,
    #[token("database")]
    Database,

    // ---- tabular operators ----
    #[token("where")]
    Where,
    #[token("filter")]
    Filter,
    #[token("project")]
    Project,
    #[token("project-away")]
    ProjectAway,
    #[token("project-keep")]
    ProjectKeep,
    #[token("project-rename")]
    ProjectRename,
    #[token("project-reorder")]
    ProjectReorder,
    #[token("project-smart")]
    ProjectSmart,
    #[token("project-by-names")]
    ProjectByNames,
    #[token("extend")]
    Extend,
    #[token("summarize")]
    Summarize,
    #[token("join")]
    Join,
    #[token("lookup")]
    Lookup,
    #[token("union")]
    Union,
    #[token("distinct")]
    Distinct,
    #[token("sort")]
    Sort,
    #[token("order")]
    Order,
    #[token("top")]
    Top,
    #[token("top-nested")]
    TopNested,
    #[token("top-hitters")]
    TopHitters,
    #[token("take")]
    Take,
    #[token("limit")]
    Limit,
    #[token("count")]
    Count,
    #[token("mv-expand")]
    #[token("mvexpand")]
    MvExpand,
    #[token("mv-apply")]
    #[token("mvapply")]
    MvApply,
    #[token("parse")]
    Parse,
    #[token("parse-where")]
    ParseWhere,
    #[token("parse-kv")]
    ParseKv,
    #[token("make-series")]
    MakeSeries,
    #[token("evaluate")]
    Evaluate,
    #[token("invoke")]
    Invoke,
    #[token("render")]
    Render,
    #[token("as")]
    As,
    #[token("serialize")]
    Serialize,
    #[token("getschema")]
    Getschema,
    #[token("range")]
    Range,
    #[token("print")]
    Print,
    #[token("datatable")]
    Datatable,
    #[token("externaldata")]
    #[token("external_data")]
    Externaldata,
    #[token("search")]
    Search,
    #[token("find")]
    Find,
    #[token("sample")]
    Sample,
    #[token("sample-distinct")]
    SampleDistinct,
    #[token("scan")]
    Scan,
    #[token("partition")]
    Partition,
    #[token("fork")]
    Fork,
    #[token("facet")]
    Facet,
    #[token("consume")]
    Consume,
    #[token("reduce")]
    Reduce,
    #[token("make-graph")]
    MakeGraph,
    #[token("graph-match")]
    GraphMatch,
    #[token("graph-to-table")]
    GraphToTable,
    #[token("graph-shortest-paths")]
    GraphShortestPaths,
    #[token("graph-mark-components")]
    GraphMarkComponents,
    #[token("graph-merge")]
    GraphMerge,
    #[token("assert-schema")]
    AssertSchema,
    #[token("bagexpansion")]
    BagExpansion,
    #[token("with_itemindex")]
    WithItemIndex,
}

/// Scans a quoted string after its opening quote. Regular strings end at the line's end
/// when unterminated; escapes (`\"`) apply unless verbatim, where `""` stands for `"`.
fn lex_quoted(lex: &mut Lexer<Token>, quote: u8, is_verbatim: bool) -> StringToken {
    let rest = lex.remainder().as_bytes();
    let mut i = 0;
    while i < rest.len() {
        let b = rest[i];
        if b == b'\n' {
            lex.bump(i);
            return StringToken {
                is_terminated: false,
            };
        }
        if !is_verbatim && b == b'\\' {
            i += 2;
            continue;
        }
        if b == quote {
            if is_verbatim && rest.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            lex.bump(i + 1);
            return StringToken {
                is_terminated: true,
            };
        }
        i += 1;
    }
    lex.bump(rest.len());
    StringToken {
        is_terminated: false,
    }
}

/// Scans a multi-line ```` ``` ```` or `~~~` string after its opening fence.
fn lex_fenced(lex: &mut Lexer<Token>, fence: &str) -> StringToken {
    match lex.remainder().find(fence) {
        Some(i) => {
            lex.bump(i + fence.len());
            StringToken {
                is_terminated: true,
            }
        }
        None => {
            lex.bump(lex.remainder().len());
            StringToken {
                is_terminated: false,
            }
        }
    }
}

/// Scans a typed literal's contents up to the closing parenthesis on the same line.
fn lex_typed_literal(lex: &mut Lexer<Token>) -> bool {
    let rest = lex.remainder();
    for (i, ch) in rest.char_indices() {
        match ch {
            ')' => {
                lex.bump(i + 1);
                return true;
            }
            '\n' | '(' | '|' | ';' => return false,
            _ => {}
        }
    }
    false
}

/// A token with its span and text, as the parser consumes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spanned<'a> {
    pub token: Token,
    pub span: Span,
    pub text: &'a str,
}

/// Deepest bracket nesting accepted; deeper input is reported instead of parsed, so that
/// no later pass can overflow the stack.
pub const MAX_NESTING: usize = 200;

pub struct LexOutput<'a> {
    pub tokens: Vec<Spanned<'a>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set when nesting exceeded [`MAX_NESTING`]; the tokens stop before that point.
    pub is_truncated: bool,
}

/// Lexes a whole query. Never fails: bad characters and unterminated strings become
/// diagnostics and the lexer carries on.
pub fn lex(text: &str) -> LexOutput<'_> {
    let mut tokens = Vec::with_capacity(text.len() / 4);
    let mut diagnostics = Vec::new();
    let mut lexer = Token::lexer(text);
    let mut depth = 0usize;
    let mut is_truncated = false;
    while let Some(result) = lexer.next() {
        let range = lexer.span();
        let span = Span::new(range.start, range.end);
        let slice = lexer.slice();
        match result {
            Ok(token) => {
                match token {
                    Token::LParen | Token::LBracket | Token::LBrace => {
                        depth += 1;
                        if depth > MAX_NESTING {
                            diagnostics.push(
                                Diagnostic::error(
                                    "KQL105",
                                    "nesting-too-deep",
                                    format!("brackets are nested more than {MAX_NESTING} levels deep; the rest of the query was not parsed"),
                                    span,
                                )
                                .with_help("split the expression into `let` statements"),
                            );
                            is_truncated = true;
                            break;
                        }
                    }
                    Token::RParen | Token::RBracket | Token::RBrace => {
                        depth = depth.saturating_sub(1)
                    }
                    Token::String(StringToken {
                        is_terminated: false,
                    }) => {
                        diagnostics.push(
                            Diagnostic::error(
                                "KQL102",
                                "unterminated-string",
                                "unterminated string literal",
                                span,
                            )
                            .with_help("close the string with the same quote that opened it"),
                        );
                    }
                    _ => {}
                }
                tokens.push(Spanned {
                    token,
                    span,
                    text: slice,
                });
            }
            Err(()) => {
                let (code, id, message) = typed_literal_error(slice).unwrap_or((
                    "KQL103",
                    "invalid-character",
                    format!("unexpected character `{}`", slice.escape_debug()),
                ));
                diagnostics.push(Diagnostic::error(code, id, message, span));
            }
        }
    }
    LexOutput {
        tokens,
        diagnostics,
        is_truncated,
    }
}

fn typed_literal_error(slice: &str) -> Option<(&'static str, &'static str, String)> {
    let name = slice
        .split(|c: char| c == '(' || c.is_whitespace())
        .next()?;
    if slice.contains('(') && !name.is_empty() {
        Some((
            "KQL107",
            "invalid-literal",
            format!("`{name}(...)` literal is not closed on the same line"),
        ))
    } else {
        None
    }
}

/// Decodes a string literal token into its value. Returns `None` for malformed escapes,
/// which the parser reports.
pub fn decode_string(text: &str) -> Option<String> {
    let (is_verbatim, body_start) = string_prefix(text)?;
    let rest = text.get(body_start..)?;
    if let Some(inner) = rest
        .strip_prefix("```")
        .or_else(|| rest.strip_prefix("~~~"))
    {
        let inner = inner
            .strip_suffix("```")
            .or_else(|| inner.strip_suffix("~~~"))
            .unwrap_or(inner);
        return Some(inner.to_string());
    }
    let quote = rest.chars().next()?;
    let body = rest.get(1..)?;
    let body = body.strip_suffix(quote).unwrap_or(body);
    if is_verbatim {
        let doubled: String = [quote, quote].iter().collect();
        return Some(body.replace(&doubled, &quote.to_string()));
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'U' => {
                let hex: String = chars.by_ref().take(8).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            other => {
                // Kusto keeps unknown escapes such as `\d` as written; regexes rely on it.
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// (is_verbatim, byte offset of the opening quote or fence).
fn string_prefix(text: &str) -> Option<(bool, usize)> {
    let bytes = text.as_bytes();
    match bytes.first()? {
        b'@' => Some((true, 1)),
        b'h' | b'H' => match bytes.get(1)? {
            b'@' => Some((true, 2)),
            _ => Some((false, 1)),
        },
        _ => Some((false, 0)),
    }
}

/// Whether a string literal is obfuscated (`h"..."`): Kusto keeps it out of logs.
pub fn is_obfuscated_string(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'h' | b'H'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Token> {
        lex(text).tokens.iter().map(|t| t.token).collect()
    }

    #[test]
    fn hyphenated_operators_are_single_tokens() {
        assert_eq!(
            kinds("T | project-away a | mv-expand b | parse-where c"),
            vec![
                Token::Ident,
                Token::Pipe,
                Token::ProjectAway,
                Token::Ident,
                Token::Pipe,
                Token::MvExpand,
                Token::Ident,
                Token::Pipe,
                Token::ParseWhere,
                Token::Ident
            ]
        );
    }

    #[test]
    fn timespans_and_numbers() {
        assert_eq!(
            kinds("5s 1h 2d 100ms 10tick 1.5h 1min 3 1.5 1e3 0x1F"),
            vec![
                Token::Timespan,
                Token::Timespan,
                Token::Timespan,
                Token::Timespan,
                Token::Timespan,
                Token::Timespan,
                Token::Timespan,
                Token::Long,
                Token::Real,
                Token::Real,
                Token::Long
            ]
        );
        assert_eq!(kinds("0..2"), vec![Token::Long, Token::DotDot, Token::Long]);
    }

    #[test]
    fn string_forms() {
        let out = lex(r#"'a' "b\"c" @'d''e' h"secret" H@'x' ```multi
line``` "#);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let texts: Vec<_> = out
            .tokens
            .iter()
            .map(|t| decode_string(t.text).unwrap())
            .collect();
        assert_eq!(
            texts,
            vec!["a", "b\"c", "d'e", "secret", "x", "multi\nline"]
        );
    }

    #[test]
    fn typed_literals_are_one_token() {
        assert_eq!(
            kinds("datetime(2017-01-01 10:00) timespan(1.02:03:04) long(null) guid(74be27de-1e4e-49d9-b579-fe0b331d3642) todatetime(x)"),
            vec![
                Token::TypedLiteral,
                Token::TypedLiteral,
                Token::TypedLiteral,
                Token::TypedLiteral,
                Token::Ident,
                Token::LParen,
                Token::Ident,
                Token::RParen
            ]
        );
    }

    #[test]
    fn string_operators_and_negations() {
        assert_eq!(
            kinds("a !has 'x' and b in~ (1) or c !in~ (2) and d !contains_cs e"),
            vec![
                Token::Ident,
                Token::StringOp,
                Token::String(StringToken {
                    is_terminated: true
                }),
                Token::And,
                Token::Ident,
                Token::InCi,
                Token::LParen,
                Token::Long,
                Token::RParen,
                Token::Or,
                Token::Ident,
                Token::NotInCi,
                Token::LParen,
                Token::Long,
                Token::RParen,
                Token::And,
                Token::Ident,
                Token::StringOp,
                Token::Ident
            ]
        );
    }

    #[test]
    fn unterminated_string_is_a_diagnostic_not_a_failure() {
        let out = lex("T | where a == 'abc\n| take 1");
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].code, "KQL102");
        assert_eq!(out.tokens.last().map(|t| t.token), Some(Token::Long));
    }

    #[test]
    fn deep_nesting_is_cut_off() {
        let text = "(".repeat(10_000);
        let out = lex(&text);
        assert!(out.is_truncated);
        assert_eq!(out.diagnostics[0].code, "KQL105");
    }

    #[test]
    fn comments_and_dollar_names() {
        assert_eq!(
            kinds("$left.a // comment\n== $right.b"),
            vec![
                Token::Ident,
                Token::Dot,
                Token::Ident,
                Token::EqEq,
                Token::Ident,
                Token::Dot,
                Token::Ident
            ]
        );
    }
}
