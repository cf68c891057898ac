//! Property bags: bag_pack, bag_keys, bag_has_key, bag_merge, bag_zip, bag_set_key,
//! bag_remove_keys. Keys of the last three may be JSONPath (`$.a.b`, `$['a']`).

use serde_json::{Map, Value as Json};

use super::arg;
use super::dynamic::{array, dynamic, json};
use crate::kql::eval::scalar::as_text;
use crate::kql::eval::Result;
use crate::value::Value;

pub fn call(name: &str, args: &[Value]) -> Result<Option<Value>> {
    Ok(Some(match name {
        "bag_pack" => {
            let mut map = Map::new();
            for pair in args.chunks(2) {
                if let [key, value] = pair {
                    map.insert(as_text(key).unwrap_or_default(), json(value));
                }
            }
            dynamic(Json::Object(map))
        }
        "bag_keys" => bag(&arg(args, 0)).map_or(Value::Null, |m| {
            dynamic(Json::Array(m.keys().cloned().map(Json::String).collect()))
        }),
        "bag_has_key" => match (bag(&arg(args, 0)), as_text(&arg(args, 1))) {
            (Some(map), Some(key)) => Value::Bool(get_path(&map, &key_path(&key)).is_some()),
            _ => Value::Null,
        },
        "bag_merge" => {
            // The first bag that has a key wins.
            let mut out = Map::new();
            for value in args {
                if let Json::Object(map) = json(value) {
                    for (k, v) in map {
                        out.entry(k).or_insert(v);
                    }
                }
            }
            dynamic(Json::Object(out))
        }
        "bag_zip" => match (array(&arg(args, 0)), array(&arg(args, 1))) {
            (Some(keys), Some(values)) => {
                let mut map = Map::new();
                for (i, key) in keys.iter().enumerate() {
                    if let Json::String(key) = key {
                        map.insert(key.clone(), values.get(i).cloned().unwrap_or(Json::Null));
                    }
                }
                dynamic(Json::Object(map))
            }
            _ => Value::Null,
        },
        "bag_set_key" => match (bag(&arg(args, 0)), as_text(&arg(args, 1))) {
            (Some(mut map), Some(key)) => {
                set_path(&mut map, &key_path(&key), json(&arg(args, 2)));
                dynamic(Json::Object(map))
            }
            _ => Value::Null,
        },
        "bag_remove_keys" => match (bag(&arg(args, 0)), array(&arg(args, 1))) {
            (Some(mut map), Some(keys)) => {
                for key in keys.iter().filter_map(Json::as_str) {
                    remove_path(&mut map, &key_path(key));
                }
                dynamic(Json::Object(map))
            }
            _ => Value::Null,
        },
        _ => return Ok(None),
    }))
}

/// The property bag in a dynamic value.
fn bag(value: &Value) -> Option<Map<String, Json>> {
    match value {
        Value::Dynamic(d) => d.as_object().cloned(),
        _ => None,
    }
}

/// Paths deeper than this are refused (null), so a crafted key cannot exhaust the stack.
const MAX_PATH_DEPTH: usize = 128;

/// A key as a path of property names: JSONPath (`$.a.b`, `$['a'].b`) or one plain key.
/// Empty for a path deeper than [`MAX_PATH_DEPTH`] (nothing matches it).
fn key_path(key: &str) -> Vec<String> {
    let Some(rest) = key.strip_prefix('$') else {
        return vec![key.to_string()];
    };
    let mut path = Vec::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '.' => {
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n == '.' || n == '[' {
                        break;
                    }
                    name.push(n);
                    chars.next();
                }
                path.push(name);
            }
            '[' => {
                let quote = chars.next_if(|&q| q == '\'' || q == '"');
                let mut name = String::new();
                for n in chars.by_ref() {
                    if Some(n) == quote || (quote.is_none() && n == ']') {
                        break;
                    }
                    name.push(n);
                }
                if quote.is_some() {
                    chars.next_if_eq(&']');
                }
                path.push(name);
            }
            _ => {}
        }
        if path.len() > MAX_PATH_DEPTH {
            return Vec::new();
        }
    }
    path
}

fn get_path<'a>(map: &'a Map<String, Json>, path: &[String]) -> Option<&'a Json> {
    let (first, rest) = path.split_first()?;
    let value = map.get(first)?;
    if rest.is_empty() {
        return Some(value);
    }
    get_path(value.as_object()?, rest)
}

/// Sets the value at `path`, creating (or replacing non-bag) intermediate properties.
fn set_path(map: &mut Map<String, Json>, path: &[String], value: Json) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        map.insert(first.clone(), value);
        return;
    }
    let child = map
        .entry(first.clone())
        .or_insert_with(|| Json::Object(Map::new()));
    if !child.is_object() {
        *child = Json::Object(Map::new());
    }
    if let Json::Object(child) = child {
        set_path(child, rest, value);
    }
}

fn remove_path(map: &mut Map<String, Json>, path: &[String]) {
    match path.split_first() {
        Some((first, [])) => {
            map.remove(first);
        }
        Some((first, rest)) => {
            if let Some(Json::Object(child)) = map.get_mut(first) {
                remove_path(child, rest);
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(name: &str, args: &[Value]) -> Json {
        json(&call(name, args).unwrap().unwrap())
    }

    fn d(text: &str) -> Value {
        dynamic(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn json_paths() {
        assert_eq!(key_path("$.a.b"), vec!["a", "b"]);
        assert_eq!(key_path("$['a'].b"), vec!["a", "b"]);
        assert_eq!(key_path("plain"), vec!["plain"]);
    }

    #[test]
    fn has_set_remove_keys() {
        let bag = d(r#"{"key1":123,"key2":{"prop1":"abc","prop2":"xyz"},"key3":[100,200]}"#);
        assert_eq!(
            eval("bag_has_key", &[bag.clone(), Value::string("$.key2.prop1")]),
            true
        );
        assert_eq!(
            eval(
                "bag_remove_keys",
                &[bag.clone(), d(r#"["$.key2.prop1","key3"]"#)]
            ),
            serde_json::json!({"key1":123,"key2":{"prop2":"xyz"}})
        );
        assert_eq!(
            eval(
                "bag_set_key",
                &[bag, Value::string("$.key2.n"), Value::Long(1)]
            )["key2"]["n"],
            1
        );
    }

    #[test]
    fn refuses_very_deep_paths() {
        let deep = format!("${}", ".a".repeat(100_000));
        assert!(key_path(&deep).is_empty());
        let bag = d(r#"{"a":1}"#);
        assert_eq!(
            eval("bag_set_key", &[bag, Value::string(&deep), Value::Long(1)]),
            serde_json::json!({"a":1})
        );
    }

    #[test]
    fn zips_keys_and_values() {
        assert_eq!(
            eval("bag_zip", &[d(r#"["a","b","c"]"#), d(r#"[1,"2"]"#)]),
            serde_json::json!({"a":1,"b":"2","c":null})
        );
    }
}
