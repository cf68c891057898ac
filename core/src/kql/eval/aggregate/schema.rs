//! buildschema(): the minimal schema that admits every value of a dynamic expression.
//!
//! Per the Kusto docs, a schema is a primitive type name (`"long"`, `"double"`, `"string"`,
//! ...), a container `{name: schema}` (arrays use the key `` `indexer` `` for their
//! elements), or a union `[schema, ...]` in first-seen order. Nulls add nothing.

use serde_json::{Map, Value as Json};

const INDEXER: &str = "`indexer`";

/// The schema of one value, or None for null.
pub fn schema_of(value: &Json) -> Option<Json> {
    Some(match value {
        Json::Null => return None,
        Json::Bool(_) => Json::from("bool"),
        Json::Number(n) if n.is_i64() || n.is_u64() => Json::from("long"),
        Json::Number(_) => Json::from("double"),
        Json::String(_) => Json::from("string"),
        Json::Array(items) => {
            let mut container = Map::new();
            if let Some(elements) = items.iter().filter_map(schema_of).reduce(merge) {
                container.insert(INDEXER.to_string(), elements);
            }
            Json::Object(container)
        }
        Json::Object(map) => Json::Object(
            map.iter()
                .filter_map(|(k, v)| Some((k.clone(), schema_of(v)?)))
                .collect(),
        ),
    })
}

/// The schema admitting both `a` and `b`.
pub fn merge(a: Json, b: Json) -> Json {
    let mut members = alternatives(a);
    for candidate in alternatives(b) {
        add_alternative(&mut members, candidate);
    }
    if members.len() == 1 {
        members.pop().unwrap_or(Json::Null)
    } else {
        Json::Array(members)
    }
}

fn alternatives(schema: Json) -> Vec<Json> {
    match schema {
        Json::Array(members) => members,
        other => vec![other],
    }
}

/// Adds one non-union schema to a union: containers merge into the union's container.
fn add_alternative(members: &mut Vec<Json>, candidate: Json) {
    match candidate {
        Json::Object(new) => {
            if let Some(Json::Object(existing)) = members.iter_mut().find(|m| m.is_object()) {
                for (key, schema) in new {
                    let merged = match existing.remove(&key) {
                        Some(old) => merge(old, schema),
                        None => schema,
                    };
                    existing.insert(key, merged);
                }
            } else {
                members.push(Json::Object(new));
            }
        }
        other => {
            if !members.contains(&other) {
                members.push(other);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_example() {
        let values = [
            json!({"x": 1, "y": 3.5}),
            json!({"x": "somevalue", "z": [1, 2, 3]}),
            json!({"y": {"w": "zzz"}, "t": ["aa", "bb"], "z": ["foo"]}),
        ];
        let schema = values.iter().filter_map(schema_of).reduce(merge).unwrap();
        assert_eq!(
            schema,
            json!({
                "x": ["long", "string"],
                "y": ["double", {"w": "string"}],
                "z": {"`indexer`": ["long", "string"]},
                "t": {"`indexer`": "string"}
            })
        );
    }
}
