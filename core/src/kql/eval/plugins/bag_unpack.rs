//! `bag_unpack`: one column per top-level property of a dynamic bag column.
//!
//! The bag column goes away; the other columns stay in place and the new columns follow,
//! sorted by name (or as an output schema `: (*, a:string)` declares them).

use std::collections::BTreeSet;

use super::{column_name, named, Column, EvalError, Evaluator, Result, Table};
use crate::kql::ast::*;
use crate::kql::eval::scalar::{as_text, dynamic_scalar};
use crate::value::{ScalarType, Value};

impl Evaluator<'_> {
    pub(super) fn bag_unpack(
        &mut self,
        args: &[Arg],
        output_schema: Option<&[ColumnDecl]>,
        input: Table,
    ) -> Result<Table> {
        let positional: Vec<&Arg> = args.iter().filter(|a| a.name.is_none()).collect();
        let Some(bag_column) = positional.first().and_then(|a| column_name(a)) else {
            return Err(EvalError::new("bag_unpack needs a dynamic column"));
        };
        let Some(bag_index) = input.column_index(bag_column) else {
            return Err(EvalError::new(format!(
                "bag_unpack: no column `{bag_column}`"
            )));
        };
        let text_arg = |this: &mut Self, name: &str, position: usize| -> Result<Option<Value>> {
            match named(args, name).or_else(|| positional.get(position).copied()) {
                Some(arg) => Ok(Some(this.constant(&arg.value)?)),
                None => Ok(None),
            }
        };
        let prefix = text_arg(self, "OutputColumnPrefix", 1)?
            .and_then(|v| as_text(&v))
            .unwrap_or_default();
        let conflict = text_arg(self, "columnsConflict", 2)?
            .and_then(|v| as_text(&v))
            .unwrap_or_else(|| "error".to_string());
        let ignored: Vec<String> = match text_arg(self, "ignoredProperties", 3)? {
            Some(Value::Dynamic(json)) => json
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let bags: Vec<Option<serde_json::Map<String, serde_json::Value>>> = input
            .rows
            .iter()
            .map(|row| match row.get(bag_index) {
                Some(Value::Dynamic(json)) => json.as_object().cloned(),
                _ => None,
            })
            .collect();

        let kept: Vec<usize> = (0..input.columns.len())
            .filter(|&i| i != bag_index)
            .collect();
        let mut columns: Vec<Column> = kept
            .iter()
            .filter_map(|&i| input.columns.get(i).cloned())
            .collect();
        // The new columns: (output name, property, declared type).
        let mut unpacked: Vec<(String, String, Option<ScalarType>)> = Vec::new();
        match output_schema {
            Some(schema) => {
                columns.clear();
                for decl in schema {
                    if decl.name.name == "*" {
                        columns.extend(kept.iter().filter_map(|&i| input.columns.get(i).cloned()));
                        continue;
                    }
                    let ty = ScalarType::parse(&decl.ty.name);
                    if let Some(existing) = columns.iter().position(|c| c.name == decl.name.name) {
                        columns.remove(existing);
                    }
                    let property = decl
                        .name
                        .name
                        .strip_prefix(prefix.as_str())
                        .unwrap_or(&decl.name.name)
                        .to_string();
                    unpacked.push((decl.name.name.clone(), property, ty));
                }
            }
            None => {
                let properties: BTreeSet<&String> = bags
                    .iter()
                    .flatten()
                    .flat_map(|bag| bag.keys())
                    .filter(|k| !ignored.contains(k))
                    .collect();
                for property in properties {
                    unpacked.push((format!("{prefix}{property}"), property.clone(), None));
                }
            }
        }
        // A property named like an existing column: fail, or keep one of the two. Either way
        // the column takes the property's place among the unpacked columns (the docs' output);
        // with keep_source it holds the source column's values.
        let mut drop_source = Vec::new();
        let mut kept_sources: Vec<Option<usize>> = Vec::with_capacity(unpacked.len());
        for (name, _, _) in &unpacked {
            let existing = columns.iter().position(|c| &c.name == name);
            kept_sources.push(None);
            let Some(existing) = existing else { continue };
            match conflict.as_str() {
                "replace_source" => drop_source.push(existing),
                "keep_source" => {
                    drop_source.push(existing);
                    if let Some(slot) = kept_sources.last_mut() {
                        *slot = columns.get(existing).and_then(|c| input.column_index(&c.name));
                    }
                }
                _ => {
                    return Err(EvalError::new(format!(
                        "bag_unpack: property `{name}` conflicts with a column; pass columnsConflict='replace_source' or 'keep_source'"
                    )))
                }
            }
        }
        let base: Vec<usize> = (0..columns.len())
            .filter(|i| !drop_source.contains(i))
            .collect();
        let base_sources: Vec<Option<usize>> = base
            .iter()
            .map(|&i| columns.get(i).and_then(|c| input.column_index(&c.name)))
            .collect();
        let mut out = Table::new(
            base.iter()
                .filter_map(|&i| columns.get(i).cloned())
                .chain(unpacked.iter().map(|(name, _, ty)| Column {
                    name: name.clone(),
                    ty: *ty,
                }))
                .collect(),
        );
        for (row, bag) in input.rows.iter().zip(&bags) {
            let mut values: Vec<Value> = base_sources
                .iter()
                .map(|s| s.and_then(|i| row.get(i).cloned()).unwrap_or(Value::Null))
                .collect();
            for ((_, property, ty), kept) in unpacked.iter().zip(&kept_sources) {
                if let Some(source) = kept {
                    values.push(row.get(*source).cloned().unwrap_or(Value::Null));
                    continue;
                }
                let value = bag.as_ref().and_then(|b| b.get(property)).map_or(
                    Value::Null,
                    |json| match json {
                        serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                            Value::Dynamic(std::sync::Arc::new(json.clone()))
                        }
                        scalar => dynamic_scalar(scalar),
                    },
                );
                values.push(match ty {
                    Some(ty) => crate::kql::eval::scalar::convert(value, *ty),
                    None => value,
                });
            }
            out.rows.push(values);
        }
        out.infer_types();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::run;

    #[test]
    fn unpacks_sorted_properties() {
        let table = run(
            r#"datatable(d:dynamic, x:long)[dynamic({"b": 1, "a": "z"}), 7] | evaluate bag_unpack(d)"#,
        );
        assert_eq!(table.column_names(), vec!["x", "a", "b"]);
    }

    #[test]
    fn conflicts_keep_or_replace_the_source() {
        let query = |how: &str| {
            run(&format!(
                r#"datatable(Name:string, d:dynamic)['old', dynamic({{"Name": "new", "Age": 1}})] | evaluate bag_unpack(d, columnsConflict='{how}')"#
            ))
        };
        let kept = query("keep_source");
        assert_eq!(kept.column_names(), vec!["Age", "Name"]);
        assert_eq!(kept.rows[0][1], crate::value::Value::string("old"));
        let replaced = query("replace_source");
        assert_eq!(replaced.rows[0][1], crate::value::Value::string("new"));
    }

    #[test]
    fn ignores_properties() {
        let table = run(
            r#"datatable(d:dynamic)[dynamic({"b": 1, "a": "z"})] | evaluate bag_unpack(d, ignoredProperties=dynamic(['a']))"#,
        );
        assert_eq!(table.column_names(), vec!["b"]);
    }
}
