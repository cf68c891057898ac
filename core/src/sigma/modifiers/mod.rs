//! Value modifiers (specification appendix "Sigma Modifiers"): their names, which chains are
//! valid, and what a chain does to a value. Modifiers with real logic have a file each:
//! `windash.rs`, `base64.rs` (`base64`, `base64offset`), `utf16.rs`, `re.rs`, `cidr.rs`,
//! `compare.rs` (`gt` `gte` `lt` `lte`), `time_part.rs` (`minute` ... `year`), `expand.rs`
//! and `fieldref.rs`. `contains`, `startswith` and `endswith` add wildcards
//! ([`crate::sigma::pattern`]); `all`, `neq`, `cased` and `exists` change how values combine
//! or compare (`compile.rs`).

pub mod base64;
pub mod cidr;
pub mod compare;
pub mod expand;
pub mod fieldref;
pub mod re;
pub mod time_part;
pub mod utf16;
pub mod windash;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::sigma::ast::Spanned;
use crate::sigma::codes;
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Modifier {
    Contains,
    StartsWith,
    EndsWith,
    All,
    Exists,
    Cased,
    Neq,
    Windash,
    Re,
    /// `re` sub-modifier `i` (`ignorecase`).
    IgnoreCase,
    /// `re` sub-modifier `m` (`multiline`).
    Multiline,
    /// `re` sub-modifier `s` (`dotall`).
    DotAll,
    Base64,
    Base64Offset,
    Utf16Le,
    Utf16Be,
    Utf16,
    Cidr,
    Gt,
    Gte,
    Lt,
    Lte,
    Expand,
    FieldRef,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

/// Every modifier name the specification and pySigma accept, with aliases.
pub const NAMES: &[(&str, Modifier)] = &[
    ("contains", Modifier::Contains),
    ("startswith", Modifier::StartsWith),
    ("endswith", Modifier::EndsWith),
    ("all", Modifier::All),
    ("exists", Modifier::Exists),
    ("cased", Modifier::Cased),
    ("neq", Modifier::Neq),
    ("windash", Modifier::Windash),
    ("re", Modifier::Re),
    ("i", Modifier::IgnoreCase),
    ("ignorecase", Modifier::IgnoreCase),
    ("m", Modifier::Multiline),
    ("multiline", Modifier::Multiline),
    ("s", Modifier::DotAll),
    ("dotall", Modifier::DotAll),
    ("base64", Modifier::Base64),
    ("base64offset", Modifier::Base64Offset),
    ("utf16le", Modifier::Utf16Le),
    ("wide", Modifier::Utf16Le),
    ("utf16be", Modifier::Utf16Be),
    ("utf16", Modifier::Utf16),
    ("cidr", Modifier::Cidr),
    ("gt", Modifier::Gt),
    ("gte", Modifier::Gte),
    ("lt", Modifier::Lt),
    ("lte", Modifier::Lte),
    ("expand", Modifier::Expand),
    ("fieldref", Modifier::FieldRef),
    ("minute", Modifier::Minute),
    ("hour", Modifier::Hour),
    ("day", Modifier::Day),
    ("week", Modifier::Week),
    ("month", Modifier::Month),
    ("year", Modifier::Year),
];

impl Modifier {
    pub fn parse(name: &str) -> Option<Modifier> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, m)| *m)
    }

    pub fn name(self) -> &'static str {
        NAMES
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("", |(n, _)| n)
    }

    fn is_position(self) -> bool {
        matches!(
            self,
            Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith
        )
    }

    fn is_encoding(self) -> bool {
        matches!(
            self,
            Modifier::Base64
                | Modifier::Base64Offset
                | Modifier::Utf16Le
                | Modifier::Utf16Be
                | Modifier::Utf16
        )
    }

    fn time_part(self) -> Option<time_part::TimePart> {
        Some(match self {
            Modifier::Minute => time_part::TimePart::Minute,
            Modifier::Hour => time_part::TimePart::Hour,
            Modifier::Day => time_part::TimePart::Day,
            Modifier::Week => time_part::TimePart::Week,
            Modifier::Month => time_part::TimePart::Month,
            Modifier::Year => time_part::TimePart::Year,
            _ => return None,
        })
    }
}

/// Where a string pattern must match in the field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    #[default]
    Exact,
    Contains,
    StartsWith,
    EndsWith,
}

/// What a value is compared as, after the chain's type modifiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueType {
    /// A string pattern with wildcards (also numbers and booleans, compared as text).
    #[default]
    Pattern,
    Regex(re::Flags),
    Cidr,
    Compare(compare::Comparison),
    Exists,
    FieldRef,
}

/// A string transformation, applied in the order written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    Position(Position),
    Windash,
    Base64,
    Base64Offset,
    Utf16(utf16::Encoding),
}

/// What a modifier chain means.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Chain {
    pub value_type: ValueType,
    pub transforms: Vec<Transform>,
    /// `all`: the values are AND-ed instead of OR-ed.
    pub all: bool,
    /// `neq`: the field must differ from the values.
    pub negate: bool,
    /// `cased`: case-sensitive comparison.
    pub cased: bool,
    /// `expand`: `%placeholders%` are replaced from the placeholder table.
    pub expand: bool,
    /// `minute` ... `year`: the field's date part is compared instead of the field.
    pub time_part: Option<time_part::TimePart>,
}

impl Chain {
    /// The position the string transformations end with (the last one written wins).
    pub fn position(&self) -> Position {
        self.transforms
            .iter()
            .rev()
            .find_map(|t| match t {
                Transform::Position(p) => Some(*p),
                _ => None,
            })
            .unwrap_or_default()
    }
}

/// Reads a modifier chain, reporting unknown modifiers and invalid combinations. Never
/// fails: invalid parts are reported and left out.
pub fn analyze(modifiers: &[Spanned<String>], diagnostics: &mut Vec<Diagnostic>) -> Chain {
    let mut chain = Chain::default();
    let mut seen: Vec<(Modifier, Span)> = Vec::new();
    for written in modifiers {
        let span = written.span;
        let Some(modifier) = Modifier::parse(&written.value) else {
            diagnostics.push(unknown_modifier(written));
            continue;
        };
        if let Some((_, first)) = seen.iter().find(|(m, _)| *m == modifier) {
            diagnostics.push(
                codes::REDUNDANT_MODIFIER
                    .at(format!("`{}` is written twice", written.value), span)
                    .with_help(format!("remove one; the first is at byte {}", first.start)),
            );
            continue;
        }
        let conflict = |other: &str, help: &str| {
            codes::INVALID_MODIFIER_COMBINATION
                .at(
                    format!("`{}` cannot be combined with `{other}`", written.value),
                    span,
                )
                .with_help(help.to_string())
        };
        let type_name = value_type_name(&chain.value_type);
        match modifier {
            Modifier::Contains | Modifier::StartsWith | Modifier::EndsWith => {
                if chain.value_type != ValueType::Pattern && chain.value_type != ValueType::FieldRef
                {
                    diagnostics.push(conflict(
                        type_name,
                        "`contains`, `startswith` and `endswith` work on plain string values",
                    ));
                    continue;
                }
                if let Some((previous, _)) = seen.iter().find(|(m, _)| m.is_position()) {
                    diagnostics.push(
                        codes::REDUNDANT_MODIFIER
                            .at(
                                format!(
                                    "`{}` after `{}`: the value matches anywhere in the field",
                                    written.value,
                                    previous.name()
                                ),
                                span,
                            )
                            .with_help("use `contains` alone"),
                    );
                    chain
                        .transforms
                        .push(Transform::Position(Position::Contains));
                } else {
                    chain.transforms.push(Transform::Position(match modifier {
                        Modifier::Contains => Position::Contains,
                        Modifier::StartsWith => Position::StartsWith,
                        _ => Position::EndsWith,
                    }));
                }
            }
            Modifier::Windash => {
                if chain.value_type != ValueType::Pattern {
                    diagnostics.push(conflict(
                        type_name,
                        "`windash` works on plain string values",
                    ));
                    continue;
                }
                if let Some((encoding, _)) = seen.iter().find(|(m, _)| m.is_encoding()) {
                    diagnostics.push(conflict(
                        encoding.name(),
                        "put `windash` before the encoding: the dashes are replaced in the \
                         plain text, then encoded",
                    ));
                    continue;
                }
                chain.transforms.push(Transform::Windash);
            }
            Modifier::Base64
            | Modifier::Base64Offset
            | Modifier::Utf16Le
            | Modifier::Utf16Be
            | Modifier::Utf16 => {
                if chain.value_type != ValueType::Pattern {
                    diagnostics.push(conflict(type_name, "encodings work on plain string values"));
                    continue;
                }
                if let Some((position, _)) = seen.iter().find(|(m, _)| m.is_position()) {
                    diagnostics.push(conflict(
                        position.name(),
                        &format!(
                            "write the encoding first: `|{}|{}` (the wildcards of `{}` cannot \
                             be encoded)",
                            written.value,
                            position.name(),
                            position.name()
                        ),
                    ));
                    continue;
                }
                let is_base64 = matches!(modifier, Modifier::Base64 | Modifier::Base64Offset);
                if is_base64 {
                    if let Some((other, _)) = seen
                        .iter()
                        .find(|(m, _)| matches!(m, Modifier::Base64 | Modifier::Base64Offset))
                    {
                        diagnostics.push(conflict(
                            other.name(),
                            "use one of `base64` and `base64offset`",
                        ));
                        continue;
                    }
                } else if let Some((other, _)) = seen.iter().find(|(m, _)| {
                    matches!(
                        m,
                        Modifier::Base64
                            | Modifier::Base64Offset
                            | Modifier::Utf16Le
                            | Modifier::Utf16Be
                            | Modifier::Utf16
                    )
                }) {
                    diagnostics.push(conflict(
                        other.name(),
                        "a UTF-16 encoding goes before `base64`/`base64offset`, once",
                    ));
                    continue;
                }
                chain.transforms.push(match modifier {
                    Modifier::Base64 => Transform::Base64,
                    Modifier::Base64Offset => Transform::Base64Offset,
                    Modifier::Utf16Le => Transform::Utf16(utf16::Encoding::Le),
                    Modifier::Utf16Be => Transform::Utf16(utf16::Encoding::Be),
                    _ => Transform::Utf16(utf16::Encoding::LeWithBom),
                });
            }
            Modifier::Re => {
                if let Some((other, _)) = seen.iter().find(|(m, _)| {
                    m.is_position()
                        || m.is_encoding()
                        || matches!(m, Modifier::Windash | Modifier::Expand)
                }) {
                    diagnostics.push(conflict(
                        other.name(),
                        "a regular expression says itself where it matches: drop the other \
                         modifier and write the pattern accordingly (e.g. `.*` for contains)",
                    ));
                    continue;
                }
                if chain.value_type != ValueType::Pattern {
                    diagnostics.push(conflict(type_name, "`re` takes a plain string value"));
                    continue;
                }
                chain.value_type = ValueType::Regex(re::Flags::default());
            }
            Modifier::IgnoreCase | Modifier::Multiline | Modifier::DotAll => {
                let ValueType::Regex(flags) = &mut chain.value_type else {
                    diagnostics.push(
                        codes::INVALID_MODIFIER_COMBINATION
                            .at(
                                format!("`{}` is a sub-modifier of `re`", written.value),
                                span,
                            )
                            .with_help(format!("write it after `re`: `|re|{}`", written.value)),
                    );
                    continue;
                };
                match modifier {
                    Modifier::IgnoreCase => flags.ignore_case = true,
                    Modifier::Multiline => flags.multi_line = true,
                    _ => flags.dot_all = true,
                }
            }
            Modifier::Cidr => {
                if let Some((other, _)) = seen
                    .iter()
                    .find(|(m, _)| !matches!(m, Modifier::All | Modifier::Neq))
                {
                    diagnostics.push(conflict(
                        other.name(),
                        "`cidr` takes a network such as `10.0.0.0/8` as it is",
                    ));
                    continue;
                }
                chain.value_type = ValueType::Cidr;
            }
            Modifier::Gt | Modifier::Gte | Modifier::Lt | Modifier::Lte => {
                if let Some((other, _)) = seen
                    .iter()
                    .find(|(m, _)| m.time_part().is_none() && !matches!(m, Modifier::All))
                {
                    diagnostics.push(conflict(
                        other.name(),
                        "comparisons take a number; only a date part (`hour`, `day` ...) may \
                         come before them",
                    ));
                    continue;
                }
                chain.value_type = ValueType::Compare(match modifier {
                    Modifier::Gt => compare::Comparison::Gt,
                    Modifier::Gte => compare::Comparison::Gte,
                    Modifier::Lt => compare::Comparison::Lt,
                    _ => compare::Comparison::Lte,
                });
            }
            Modifier::Exists => {
                if let Some((other, _)) = seen.first() {
                    diagnostics.push(conflict(
                        other.name(),
                        "`exists` stands alone: `Field|exists: true` or `false`",
                    ));
                    continue;
                }
                chain.value_type = ValueType::Exists;
            }
            Modifier::FieldRef => {
                if let Some((other, _)) = seen.iter().find(|(m, _)| {
                    !matches!(m, Modifier::Neq | Modifier::All | Modifier::Cased)
                        && !m.is_position()
                }) {
                    diagnostics.push(conflict(
                        other.name(),
                        "`fieldref` compares with another field's value",
                    ));
                    continue;
                }
                chain.value_type = ValueType::FieldRef;
            }
            Modifier::Expand => {
                if chain.value_type != ValueType::Pattern {
                    diagnostics.push(conflict(type_name, "`expand` works on plain string values"));
                    continue;
                }
                chain.expand = true;
            }
            Modifier::All => {
                if chain.value_type == ValueType::Exists {
                    diagnostics.push(conflict("exists", "`exists` takes one `true` or `false`"));
                    continue;
                }
                chain.all = true;
            }
            Modifier::Neq => {
                if matches!(chain.value_type, ValueType::Exists | ValueType::Compare(_)) {
                    diagnostics.push(conflict(
                        type_name,
                        "negate with the opposite comparison (`lt` for not `gte`), or use \
                         `not` in the condition",
                    ));
                    continue;
                }
                chain.negate = true;
            }
            Modifier::Cased => {
                match chain.value_type {
                    ValueType::Regex(_) => {
                        diagnostics.push(
                            codes::REDUNDANT_MODIFIER
                                .at("regular expressions are case-sensitive already", span)
                                .with_help(
                                    "remove `cased`; use `|re|i` for case-insensitive matching",
                                ),
                        );
                        continue;
                    }
                    ValueType::Pattern | ValueType::FieldRef => {}
                    _ => {
                        diagnostics.push(conflict(type_name, "`cased` applies to string values"));
                        continue;
                    }
                }
                chain.cased = true;
            }
            Modifier::Minute
            | Modifier::Hour
            | Modifier::Day
            | Modifier::Week
            | Modifier::Month
            | Modifier::Year => {
                if let Some((other, _)) = seen.first() {
                    diagnostics.push(conflict(
                        other.name(),
                        &format!(
                            "a date part comes first: `Field|{}` or `Field|{}|gte`",
                            written.value, written.value
                        ),
                    ));
                    continue;
                }
                chain.time_part = modifier.time_part();
            }
        }
        seen.push((modifier, span));
    }
    chain
}

fn value_type_name(value_type: &ValueType) -> &'static str {
    match value_type {
        ValueType::Pattern => "string",
        ValueType::Regex(_) => "re",
        ValueType::Cidr => "cidr",
        ValueType::Compare(c) => c.name(),
        ValueType::Exists => "exists",
        ValueType::FieldRef => "fieldref",
    }
}

fn unknown_modifier(written: &Spanned<String>) -> Diagnostic {
    let names = NAMES.iter().map(|(n, _)| *n);
    let suggestion = crate::suggest::closest(&written.value, names);
    let mut diagnostic = codes::UNKNOWN_MODIFIER.at(
        format!("unknown value modifier `{}`", written.value),
        written.span,
    );
    diagnostic = match suggestion {
        Some(name) => diagnostic
            .with_help(format!("did you mean `{name}`?"))
            .with_fix(crate::diagnostic::Fix {
                title: format!("Replace with `{name}`"),
                edits: vec![crate::diagnostic::TextEdit {
                    span: written.span,
                    text: name.to_string(),
                }],
                is_safe: false,
            }),
        None => diagnostic.with_help(
            "the specification defines contains, startswith, endswith, all, exists, cased, neq, \
             windash, re (i, m, s), base64, base64offset, utf16le/wide, utf16be, utf16, cidr, \
             gt, gte, lt, lte, expand, fieldref, minute, hour, day, week, month, year",
        ),
    };
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(names: &[&str]) -> (Chain, Vec<String>) {
        let modifiers: Vec<_> = names
            .iter()
            .map(|n| Spanned::new(n.to_string(), Span::default()))
            .collect();
        let mut diagnostics = Vec::new();
        let chain = analyze(&modifiers, &mut diagnostics);
        (chain, diagnostics.into_iter().map(|d| d.code).collect())
    }

    #[test]
    fn every_specified_name_parses() {
        assert_eq!(NAMES.len(), 34);
        for (name, modifier) in NAMES {
            assert_eq!(Modifier::parse(name), Some(*modifier));
        }
        assert_eq!(Modifier::parse("wide"), Some(Modifier::Utf16Le));
    }

    #[test]
    fn common_chains_are_valid() {
        for names in [
            &["contains", "all"][..],
            &["contains", "windash"],
            &["windash", "contains"],
            &["base64offset", "contains"],
            &["wide", "base64offset", "contains"],
            &["re", "i"],
            &["re", "m", "s"],
            &["cidr"],
            &["hour", "gte"],
            &["fieldref", "neq"],
            &["contains", "all", "windash"],
            &["contains", "expand"],
            &["endswith", "cased"],
            &["exists"],
        ] {
            let (_, codes) = chain(names);
            assert!(codes.is_empty(), "{names:?}: {codes:?}");
        }
        let (c, _) = chain(&["wide", "base64offset", "contains"]);
        assert_eq!(
            c.transforms,
            [
                Transform::Utf16(utf16::Encoding::Le),
                Transform::Base64Offset,
                Transform::Position(Position::Contains)
            ]
        );
    }

    #[test]
    fn invalid_combinations_are_reported() {
        for names in [
            &["re", "contains"][..],
            &["contains", "re"],
            &["contains", "base64"],
            &["i"],
            &["exists", "all"],
            &["cidr", "contains"],
            &["gt", "contains"],
            &["re", "windash"],
            &["base64", "base64offset"],
        ] {
            let (_, codes) = chain(names);
            assert_eq!(codes, ["SIG204"], "{names:?}");
        }
        assert_eq!(chain(&["contians"]).1, ["SIG203"]);
        assert_eq!(chain(&["contains", "contains"]).1, ["SIG215"]);
        assert_eq!(chain(&["re", "cased"]).1, ["SIG215"]);
    }
}
