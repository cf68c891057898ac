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

/// The pattern as one regex, and the output columns in capture order.
fn compile(pattern: &[ParsePart], is_regex: bool) -> Result<(regex::Regex, Captures)> {
    let mut source = String::from("(?s)^");
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
                source.push_str(&if is_regex {
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
                let capture = match ty {
                    Some(ScalarType::Long | ScalarType::Int) => r"(-?\d+)",
                    Some(ScalarType::Real | ScalarType::Decimal) => {
                        r"(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
                    }
                    _ if is_last => "(.*)",
                    _ => "(.*?)",
                };
                source.push_str(capture);
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
        Some(ScalarType::Long) => text.parse().map_or(Value::Null, Value::Long),
        Some(ScalarType::Int) => text.parse().map_or(Value::Null, Value::Int),
        Some(ScalarType::Real | ScalarType::Decimal) => {
            parse_real(text).map_or(Value::Null, Value::Real)
        }
        Some(ScalarType::Datetime) => parse_datetime(text).map_or(Value::Null, Value::Datetime),
        Some(ScalarType::Timespan) => parse_timespan(text).map_or(Value::Null, Value::Timespan),
        Some(ScalarType::Bool) => match text.to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::Null,
        },
        Some(ScalarType::Dynamic) => serde_json::from_str(text)
            .map_or(Value::Null, |j| Value::Dynamic(std::sync::Arc::new(j))),
        _ => Value::string(text),
    }
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
        let kind = params
            .iter()
            .find(|p| p.name.name == "kind")
            .and_then(|p| p.value.as_name())
            .map_or("simple".to_string(), |n| n.name.clone());
        let (regex, columns) = compile(pattern, kind == "regex")?;
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
            match regex.captures(&text) {
                Some(captures) => {
                    for (i, (&target, (_, ty))) in targets.iter().zip(&columns).enumerate() {
                        let value = captures
                            .get(i + 1)
                            .map_or(Value::Null, |m| convert(m.as_str(), *ty));
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
