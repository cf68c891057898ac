//! `parse` / `parse-where` (simple, relaxed and regex kinds): extracts columns from text by
//! a pattern of literals, `*` and columns. `parse` keeps unmatched rows with nulls;
//! `parse-where` drops them.

use crate::kql::ast::*;
use crate::kql::eval::literal::{parse_datetime, parse_real, parse_timespan};
use crate::kql::eval::scalar::as_text;
use crate::kql::eval::{functions, Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

/// The columns a pattern captures, in capture order, with their types.
type Captures = Vec<(String, Option<ScalarType>)>;

/// How strictly the pattern matches (the `kind` parameter).
#[derive(Clone, Copy, PartialEq)]
enum ParseKind {
    /// Literal delimiters; every typed column must convert, or the row does not match.
    Simple,
    /// Delimiters are regexes; string and other text columns are greedy, as Kusto's
    /// examples show (the `U` flag makes them lazy).
    Regex,
    /// Literal delimiters; a typed column that does not convert is null.
    Relaxed,
}

/// The pattern as one regex, and the output columns in capture order. Columns are named
/// groups (`c0`, `c1`...), so groups inside regex delimiters do not shift them.
fn compile(
    pattern: &[ParsePart],
    kind: ParseKind,
    flags: &str,
) -> Result<(regex::Regex, Captures)> {
    let mut source = format!("(?s{flags})^");
    let mut columns = Vec::new();
    for (i, part) in pattern.iter().enumerate() {
        let is_last = i + 1 == pattern.len();
        match part {
            ParsePart::Literal { value } => {
                let text = match &value.kind {
                    ExprKind::Literal(Literal::String { value, .. }) => value.clone(),
                    _ => {
                        return Err(EvalError::unsupported(
                            "a parse pattern part that is not a string",
                        ))
                    }
                };
                source.push_str(&if kind == ParseKind::Regex {
                    format!("(?:{text})")
                } else {
                    regex::escape(&text)
                });
            }
            ParsePart::Skip => source.push_str(if is_last { ".*" } else { ".*?" }),
            ParsePart::Column { name, ty } => {
                let ty = ty
                    .as_ref()
                    .and_then(|t| ScalarType::parse(&t.name))
                    .or(Some(ScalarType::String));
                let capture = match (ty, kind) {
                    (
                        Some(ScalarType::Long | ScalarType::Int),
                        ParseKind::Simple | ParseKind::Regex,
                    ) => r"-?\d+",
                    (
                        Some(ScalarType::Real | ScalarType::Decimal),
                        ParseKind::Simple | ParseKind::Regex,
                    ) => r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?",
                    // Relaxed: a number where one is, else whatever runs to the next delimiter
                    // (converted to null).
                    (Some(ScalarType::Long | ScalarType::Int), ParseKind::Relaxed) => r"-?\d+|.*?",
                    (Some(ScalarType::Real | ScalarType::Decimal), ParseKind::Relaxed) => {
                        r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|.*?"
                    }
                    (_, ParseKind::Regex) => ".*",
                    _ if is_last => ".*",
                    _ => ".*?",
                };
                source.push_str(&format!("(?P<c{}>{capture})", columns.len()));
                columns.push((name.name.clone(), ty));
            }
        }
    }
    if matches!(
        pattern.last(),
        Some(ParsePart::Column { .. }) | Some(ParsePart::Skip)
    ) {
        source.push('$');
    }
    Ok((functions::regex(&source)?, columns))
}

fn convert(text: &str, ty: Option<ScalarType>) -> Value {
    match ty {
        Some(ScalarType::Long) => text.trim().parse().map_or(Value::Null, Value::Long),
        Some(ScalarType::Int) => text.trim().parse().map_or(Value::Null, Value::Int),
        Some(ScalarType::Real | ScalarType::Decimal) => {
            parse_real(text.trim()).map_or(Value::Null, Value::Real)
        }
        Some(ScalarType::Datetime) => parse_datetime(text.trim())
            .or_else(|| parse_us_datetime(text.trim()))
            .map_or(Value::Null, Value::Datetime),
        Some(ScalarType::Timespan) => {
            parse_timespan(text.trim()).map_or(Value::Null, Value::Timespan)
        }
        Some(ScalarType::Bool) => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        },
        Some(ScalarType::Dynamic) => serde_json::from_str(text)
            .map_or(Value::Null, |j| Value::Dynamic(std::sync::Arc::new(j))),
        _ => Value::string(text),
    }
}

/// `MM/dd/yyyy[ HH:mm[:ss]]`, the US form the docs' trace examples parse as datetimes.
fn parse_us_datetime(text: &str) -> Option<i64> {
    let (date, time) = match text.split_once(' ') {
        Some((date, time)) => (date, Some(time.trim())),
        None => (text, None),
    };
    let mut parts = date.split('/');
    let (month, day, year) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    let iso = format!(
        "{year}-{:02}-{:02}{}",
        month.parse::<u32>().ok()?,
        day.parse::<u32>().ok()?,
        time.map_or(String::new(), |t| format!(" {t}"))
    );
    parse_datetime(&iso)
}

impl Evaluator<'_> {
    pub(super) fn parse(
        &mut self,
        keyword: &str,
        params: &[Param],
        source: &Expr,
        pattern: &[ParsePart],
        input: Table,
    ) -> Result<Table> {
        let param = |name: &str| {
            params
                .iter()
                .find(|p| p.name.name == name)
                .and_then(|p| match &p.value.kind {
                    ExprKind::Name(n) => Some(n.name.clone()),
                    ExprKind::Literal(Literal::String { value, .. }) => Some(value.clone()),
                    _ => None,
                })
        };
        let kind = match param("kind").as_deref() {
            None | Some("simple") => ParseKind::Simple,
            Some("regex") => ParseKind::Regex,
            Some("relaxed") => ParseKind::Relaxed,
            Some(other) => return Err(EvalError::new(format!("unknown parse kind `{other}`"))),
        };
        // Regex flags (`flags=Ui`): the letters RE2 and the regex crate share; `s` is always
        // on (the pattern's `*` spans lines).
        let flags: String = param("flags")
            .unwrap_or_default()
            .chars()
            .filter(|c| matches!(c, 'i' | 'm' | 'U'))
            .fold(String::new(), |mut flags, c| {
                if !flags.contains(c) {
                    flags.push(c);
                }
                flags
            });
        let (regex, columns) = compile(pattern, kind, &flags)?;
        let mut out = input.clone();
        out.rows.clear();
        let mut targets = Vec::new();
        for (name, ty) in &columns {
            let index = match out.columns.iter().position(|c| &c.name == name) {
                Some(i) => i,
                None => {
                    out.columns.push(Column {
                        name: name.clone(),
                        ty: *ty,
                    });
                    out.columns.len() - 1
                }
            };
            targets.push(index);
        }
        for row in &input.rows {
            let text = as_text(&self.scalar(source, &input, row)?).unwrap_or_default();
            let mut values = row.clone();
            values.resize(out.columns.len(), Value::Null);
            let mut parsed: Option<Vec<Value>> = regex.captures(&text).map(|captures| {
                columns
                    .iter()
                    .enumerate()
                    .map(|(i, (_, ty))| {
                        captures
                            .name(&format!("c{i}"))
                            .map_or(Value::Null, |m| convert(m.as_str(), *ty))
                    })
                    .collect()
            });
            // Strict kinds: a typed column that does not convert fails the whole match.
            if kind != ParseKind::Relaxed {
                let failed = parsed.as_ref().is_some_and(|values| {
                    values
                        .iter()
                        .zip(&columns)
                        .any(|(v, (_, ty))| v.is_null() && *ty != Some(ScalarType::String))
                });
                if failed {
                    parsed = None;
                }
            }
            match parsed {
                Some(parsed) => {
                    for (&target, value) in targets.iter().zip(parsed) {
                        if let Some(slot) = values.get_mut(target) {
                            *slot = value;
                        }
                    }
                }
                None if keyword == "parse-where" => continue,
                None => {
                    for &target in &targets {
                        if let Some(slot) = values.get_mut(target) {
                            *slot = Value::Null;
                        }
                    }
                }
            }
            out.rows.push(values);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn us_datetimes() {
        assert_eq!(
            parse_us_datetime("02/17/2016 08:40:01"),
            parse_datetime("2016-02-17 08:40:01")
        );
        assert_eq!(parse_us_datetime("2016/02/17"), None);
    }
}
