//! `reduce by Expr [with threshold=T, characters=C]`: groups similar strings into patterns
//! (after Vaarandi's SLCT, which the docs cite). Values split into terms at separator
//! characters (every non-alphanumeric one by default, else the given `characters`). A term
//! at a position is frequent when it occurs in more than `threshold` (default 0.1) of the
//! rows; each row's pattern keeps its frequent terms and turns the rest into `*`. Patterns
//! seen in more than `threshold` of the rows are groups (`Pattern`, `Count`,
//! `Representative`); the other rows count as `others`. Default separators stay in the
//! pattern (`San *`); given `characters` do not (`foo*` for `fooZ1` with `characters="Z"`),
//! as the docs' examples show. `kind=source` adds the `Pattern` column to each row instead.

use std::collections::HashMap;

use crate::kql::ast::*;
use crate::kql::eval::scalar::{as_f64, as_text};
use crate::kql::eval::{Column, EvalError, Evaluator, Result, Table};
use crate::value::{ScalarType, Value};

/// A value split into (separator before, term) pairs and the trailing separator.
fn split(text: &str, is_separator: &dyn Fn(char) -> bool) -> (Vec<(String, String)>, String) {
    let mut terms = Vec::new();
    let mut separator = String::new();
    let mut term = String::new();
    for c in text.chars() {
        if is_separator(c) {
            if !term.is_empty() {
                terms.push((std::mem::take(&mut separator), std::mem::take(&mut term)));
            }
            separator.push(c);
        } else {
            term.push(c);
        }
    }
    if !term.is_empty() {
        terms.push((std::mem::take(&mut separator), term));
    }
    (terms, separator)
}

impl Evaluator<'_> {
    pub(super) fn reduce(
        &mut self,
        params: &[Param],
        by: &Expr,
        with: &[Param],
        input: Table,
    ) -> Result<Table> {
        let mut threshold = 0.1;
        let mut characters: Option<String> = None;
        for param in with {
            let value = self.constant(&param.value)?;
            match param.name.name.as_str() {
                "threshold" => {
                    threshold = as_f64(&value)
                        .filter(|t| (0.0..=1.0).contains(t))
                        .ok_or_else(|| {
                            EvalError::new("reduce: threshold must be between 0 and 1")
                        })?
                }
                "characters" => characters = as_text(&value),
                other => {
                    return Err(EvalError::unsupported(format!(
                        "reduce parameter `{other}`"
                    )))
                }
            }
        }
        let is_source = params.iter().any(|p| {
            p.name.name == "kind" && p.value.as_name().is_some_and(|n| n.name == "source")
        });
        let keep_separators = characters.is_none();
        let is_separator = |c: char| match &characters {
            Some(chars) => chars.contains(c),
            None => !c.is_alphanumeric(),
        };
        let mut texts = Vec::with_capacity(input.rows.len());
        for row in &input.rows {
            texts.push(as_text(&self.scalar(by, &input, row)?).unwrap_or_default());
        }
        let split_texts: Vec<_> = texts.iter().map(|t| split(t, &is_separator)).collect();
        let support = threshold * texts.len() as f64;
        let mut term_counts: HashMap<(usize, &str), usize> = HashMap::new();
        for (terms, _) in &split_texts {
            for (i, (_, term)) in terms.iter().enumerate() {
                *term_counts.entry((i, term.as_str())).or_default() += 1;
            }
        }
        // Each row's pattern, or None when none of its terms is frequent.
        let patterns: Vec<Option<String>> = split_texts
            .iter()
            .map(|(terms, trailing)| {
                let mut pattern = String::new();
                let mut any_frequent = false;
                for (i, (separator, term)) in terms.iter().enumerate() {
                    let frequent = term_counts
                        .get(&(i, term.as_str()))
                        .is_some_and(|&n| n as f64 > support);
                    any_frequent |= frequent;
                    if keep_separators {
                        pattern.push_str(separator);
                    }
                    if frequent {
                        pattern.push_str(term);
                    } else if !pattern.ends_with('*') {
                        pattern.push('*');
                    }
                }
                if keep_separators {
                    pattern.push_str(trailing);
                }
                any_frequent.then_some(pattern)
            })
            .collect();
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for pattern in patterns.iter().flatten() {
            *counts.entry(pattern.as_str()).or_default() += 1;
        }
        let group_of = |pattern: &Option<String>| -> Option<String> {
            pattern
                .as_ref()
                .filter(|p| counts.get(p.as_str()).is_some_and(|&n| n as f64 > support))
                .cloned()
        };
        if is_source {
            let mut out = input.clone();
            out.columns.push(Column {
                name: "Pattern".to_string(),
                ty: Some(ScalarType::String),
            });
            for (row, pattern) in out.rows.iter_mut().zip(&patterns) {
                row.push(Value::string(
                    group_of(pattern).as_deref().unwrap_or("others"),
                ));
            }
            return Ok(out);
        }
        let mut groups: Vec<(String, i64, String)> = Vec::new();
        let mut others = 0;
        for (pattern, text) in patterns.iter().zip(&texts) {
            match group_of(pattern) {
                Some(pattern) => match groups.iter_mut().find(|g| g.0 == pattern) {
                    Some(group) => group.1 += 1,
                    None => groups.push((pattern, 1, text.clone())),
                },
                None => others += 1,
            }
        }
        let mut out = Table::new(vec![
            Column {
                name: "Pattern".to_string(),
                ty: Some(ScalarType::String),
            },
            Column {
                name: "Count".to_string(),
                ty: Some(ScalarType::Long),
            },
            Column {
                name: "Representative".to_string(),
                ty: Some(ScalarType::String),
            },
        ]);
        for (pattern, count, representative) in groups {
            out.rows.push(vec![
                Value::string(&pattern),
                Value::Long(count),
                Value::string(&representative),
            ]);
        }
        if others > 0 {
            out.rows.push(vec![
                Value::string("others"),
                Value::Long(others),
                Value::string(""),
            ]);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::kql::eval::{evaluate, EvalOptions, Table};
    use crate::value::Value;

    fn run(query: &str) -> Table {
        let parsed = crate::kql::parse(query);
        assert!(!parsed.has_errors(), "{query}");
        evaluate(&parsed.query, &Default::default(), &EvalOptions::default())
            .unwrap()
            .table
            .unwrap()
    }

    #[test]
    fn custom_separators_group_by_the_shared_term() {
        let table = run(
            r#"range x from 1 to 10 step 1 | project s = strcat("foo", "Z", tostring(x)) | reduce by s with characters="Z""#,
        );
        assert_eq!(
            table.rows,
            vec![vec![
                Value::string("foo*"),
                Value::Long(10),
                Value::string("fooZ1")
            ]]
        );
    }

    #[test]
    fn default_separators_keep_them_in_the_pattern() {
        let table = run(
            r#"datatable(c:string)['San Jose', 'San Diego', 'San Mateo', 'Paris'] | reduce by c with threshold=0.3"#,
        );
        assert_eq!(table.rows[0][0], Value::string("San *"));
        assert_eq!(table.rows[0][1], Value::Long(3));
        assert_eq!(table.rows[1][0], Value::string("others"));
    }
}
