//! `expand`: `%name%` placeholders in the value are replaced by the values a placeholder
//! table gives for `name` (each value a Sigma pattern; several values are OR-ed).
//! `\%` is a plain percent sign. A placeholder with no values in the table cannot be
//! evaluated: the specification says a tool that cannot handle it must reject the rule.

use std::collections::BTreeMap;

/// A piece of a value with placeholders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Placeholder(String),
}

/// Splits a value at its placeholders; `\%` becomes a plain `%`.
pub fn pieces(value: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = value.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some((_, '%'))) => {
                chars.next();
                text.push('%');
            }
            '%' => {
                let rest = value.get(i + 1..).unwrap_or("");
                match rest.find('%') {
                    Some(end) if end > 0 && !rest[..end].contains(char::is_whitespace) => {
                        if !text.is_empty() {
                            out.push(Piece::Text(std::mem::take(&mut text)));
                        }
                        out.push(Piece::Placeholder(rest[..end].to_string()));
                        for _ in 0..=end {
                            chars.next();
                        }
                    }
                    _ => text.push('%'),
                }
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// The placeholder names in a value.
pub fn placeholders(value: &str) -> Vec<String> {
    pieces(value)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Placeholder(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Every value the placeholders expand to (the cross product when there are several), or
/// the names with no values in the table. Text pieces are escaped so that a `*` written
/// around a placeholder stays a wildcard while the table's values keep their own
/// wildcards. At most `limit` values are produced.
pub fn expand(
    value: &str,
    table: &BTreeMap<String, Vec<String>>,
    limit: usize,
) -> Result<Vec<String>, Vec<String>> {
    let pieces = pieces(value);
    let missing: Vec<String> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Placeholder(name) if table.get(name).is_none_or(Vec::is_empty) => {
                Some(name.clone())
            }
            _ => None,
        })
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut out = vec![String::new()];
    for piece in pieces {
        match piece {
            Piece::Text(text) => {
                for o in &mut out {
                    o.push_str(&text);
                }
            }
            Piece::Placeholder(name) => {
                let values = table.get(&name).map(Vec::as_slice).unwrap_or(&[]);
                let mut next = Vec::new();
                'outer: for o in &out {
                    for v in values {
                        if next.len() >= limit {
                            break 'outer;
                        }
                        next.push(format!("{o}{v}"));
                    }
                }
                out = next;
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_escapes() {
        assert_eq!(placeholders("%Servers%"), ["Servers"]);
        assert_eq!(
            pieces(r"\%plain%name%"),
            [
                Piece::Text("%plain".into()),
                Piece::Placeholder("name".into())
            ]
        );
        assert_eq!(placeholders("100%"), Vec::<String>::new());
        assert_eq!(placeholders("50% off 20%"), Vec::<String>::new());
    }

    #[test]
    fn expansion_uses_the_table() {
        let mut table = BTreeMap::new();
        table.insert(
            "Admins".to_string(),
            vec!["adm_*".to_string(), "root".to_string()],
        );
        assert_eq!(
            expand("*/%Admins%", &table, 100).unwrap(),
            ["*/adm_*", "*/root"]
        );
        assert_eq!(expand("%Other%", &table, 100).unwrap_err(), ["Other"]);
    }
}
