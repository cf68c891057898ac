//! Events prepared for matching. Field names used by any rule are interned once
//! ([`FieldTable`]); an event is indexed by walking its keys (nested objects as dotted paths,
//! flat keys with dots as they are), and each field's text and lower-cased text are computed
//! at most once per event, however many rules read it.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;

use serde_json::Value as Json;

pub type FieldId = u32;

/// Nested objects deeper than this are not indexed.
pub const MAX_EVENT_DEPTH: usize = 32;
const ABSENT: u32 = u32::MAX;

/// The field names the compiled rules read.
#[derive(Clone, Debug, Default)]
pub struct FieldTable {
    ids: HashMap<Box<str>, FieldId>,
    names: Vec<Box<str>>,
    /// Whether any name has a dot (then nested objects are walked).
    has_dotted: bool,
}

impl FieldTable {
    pub fn intern(&mut self, name: &str) -> FieldId {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = self.names.len() as FieldId;
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        self.has_dotted |= name.contains('.');
        id
    }

    pub fn get(&self, name: &str) -> Option<FieldId> {
        self.ids.get(name).copied()
    }

    pub fn name(&self, id: FieldId) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// A value's text as Sigma compares it, and its lower-cased form.
#[derive(Clone, Debug)]
pub struct Text<'e> {
    pub raw: Cow<'e, str>,
    pub lower: Cow<'e, str>,
}

impl<'e> Text<'e> {
    fn new(raw: Cow<'e, str>) -> Text<'e> {
        let needs_lowering = raw.chars().any(|c| c.is_uppercase() || !c.is_ascii());
        let lower = if needs_lowering {
            let lowered = raw.to_lowercase();
            if lowered == *raw {
                raw.clone()
            } else {
                Cow::Owned(lowered)
            }
        } else {
            raw.clone()
        };
        Text { raw, lower }
    }

    /// The form a matcher compares: raw when case-sensitive.
    pub fn get(&self, cased: bool) -> &str {
        if cased {
            &self.raw
        } else {
            &self.lower
        }
    }
}

/// Sigma's text of a JSON scalar: strings as they are, numbers as written (integral floats
/// without `.0`), booleans as `true`/`false`. Null, arrays and objects have none.
pub fn scalar_text(value: &Json) -> Option<Cow<'_, str>> {
    match value {
        Json::String(s) => Some(Cow::Borrowed(s.as_str())),
        Json::Number(n) => Some(Cow::Owned(number_text(n))),
        Json::Bool(true) => Some(Cow::Borrowed("true")),
        Json::Bool(false) => Some(Cow::Borrowed("false")),
        _ => None,
    }
}

fn number_text(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", f as i64),
        _ => n.to_string(),
    }
}

/// One field of an event.
pub struct Slot<'e> {
    pub value: &'e Json,
    texts: OnceCell<Vec<Text<'e>>>,
}

impl<'e> Slot<'e> {
    pub fn is_null(&self) -> bool {
        self.value.is_null()
    }

    /// The texts to match: one for a scalar, one per scalar item of an array.
    pub fn texts(&self) -> &[Text<'e>] {
        self.texts.get_or_init(|| match self.value {
            Json::Array(items) => items
                .iter()
                .filter_map(scalar_text)
                .map(Text::new)
                .collect(),
            other => scalar_text(other).map(Text::new).into_iter().collect(),
        })
    }
}

/// Reusable per-evaluation memory: the field-id → slot index, reset after each event.
#[derive(Default)]
pub struct Scratch {
    index: Vec<u32>,
}

impl Scratch {
    pub fn new(fields: &FieldTable) -> Scratch {
        Scratch {
            index: vec![ABSENT; fields.len()],
        }
    }
}

/// An event indexed by the fields the rules read.
pub struct EventView<'e, 's> {
    pub json: &'e Json,
    slots: Vec<(FieldId, Slot<'e>)>,
    scratch: &'s mut Scratch,
    all_texts: OnceCell<Vec<Text<'e>>>,
}

impl<'e, 's> EventView<'e, 's> {
    pub fn new(json: &'e Json, fields: &FieldTable, scratch: &'s mut Scratch) -> EventView<'e, 's> {
        if scratch.index.len() < fields.len() {
            scratch.index.resize(fields.len(), ABSENT);
        }
        let mut view = EventView {
            json,
            slots: Vec::new(),
            scratch,
            all_texts: OnceCell::new(),
        };
        if let Json::Object(map) = json {
            for (key, value) in map {
                view.add(fields, key, value);
                if fields.has_dotted {
                    if let Json::Object(_) = value {
                        let mut path = key.clone();
                        view.walk(fields, &mut path, value, 1);
                    }
                }
            }
        }
        view
    }

    fn add(&mut self, fields: &FieldTable, name: &str, value: &'e Json) {
        let Some(id) = fields.get(name) else { return };
        let Some(entry) = self.scratch.index.get_mut(id as usize) else {
            return;
        };
        // The first occurrence wins (a flat `a.b` key before a nested `a: {b}`).
        if *entry != ABSENT {
            return;
        }
        *entry = self.slots.len() as u32;
        self.slots.push((
            id,
            Slot {
                value,
                texts: OnceCell::new(),
            },
        ));
    }

    fn walk(&mut self, fields: &FieldTable, path: &mut String, value: &'e Json, depth: usize) {
        if depth > MAX_EVENT_DEPTH {
            return;
        }
        let Json::Object(map) = value else { return };
        for (key, child) in map {
            let len = path.len();
            path.push('.');
            path.push_str(key);
            self.add(fields, path, child);
            if child.is_object() {
                self.walk(fields, path, child, depth + 1);
            }
            path.truncate(len);
        }
    }

    pub fn field(&self, id: FieldId) -> Option<&Slot<'e>> {
        let index = *self.scratch.index.get(id as usize)?;
        if index == ABSENT {
            return None;
        }
        self.slots.get(index as usize).map(|(_, slot)| slot)
    }

    /// Every scalar value of the event, for keyword searches.
    pub fn all_texts(&self) -> &[Text<'e>] {
        self.all_texts.get_or_init(|| {
            let mut out = Vec::new();
            collect_texts(self.json, &mut out, 0);
            out
        })
    }
}

impl Drop for EventView<'_, '_> {
    fn drop(&mut self) {
        for (id, _) in &self.slots {
            if let Some(entry) = self.scratch.index.get_mut(*id as usize) {
                *entry = ABSENT;
            }
        }
    }
}

fn collect_texts<'e>(value: &'e Json, out: &mut Vec<Text<'e>>, depth: usize) {
    if depth > MAX_EVENT_DEPTH {
        return;
    }
    match value {
        Json::Object(map) => {
            for child in map.values() {
                collect_texts(child, out, depth + 1);
            }
        }
        Json::Array(items) => {
            for child in items {
                collect_texts(child, out, depth + 1);
            }
        }
        other => {
            if let Some(text) = scalar_text(other) {
                out.push(Text::new(text));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flat_nested_and_dotted_fields() {
        let mut fields = FieldTable::default();
        let image = fields.intern("Image");
        let nested = fields.intern("process.name");
        let flat = fields.intern("event.code");
        let missing = fields.intern("Missing");
        let event = json!({
            "Image": "C:\\Windows\\CMD.exe",
            "process": {"name": "Bash", "pid": 3},
            "event.code": 4688,
            "list": ["A", 1]
        });
        let mut scratch = Scratch::new(&fields);
        {
            let view = EventView::new(&event, &fields, &mut scratch);
            assert_eq!(
                view.field(image).unwrap().texts()[0].lower,
                "c:\\windows\\cmd.exe"
            );
            assert_eq!(view.field(nested).unwrap().texts()[0].raw, "Bash");
            assert_eq!(view.field(flat).unwrap().texts()[0].raw, "4688");
            assert!(view.field(missing).is_none());
            let all: Vec<_> = view.all_texts().iter().map(|t| t.raw.to_string()).collect();
            assert!(all.contains(&"A".to_string()) && all.contains(&"3".to_string()));
        }
        // The scratch index is reset for the next event.
        let other = json!({"Missing": null});
        let view = EventView::new(&other, &fields, &mut scratch);
        assert!(view.field(image).is_none());
        assert!(view.field(missing).unwrap().is_null());
    }

    #[test]
    fn numbers_read_as_written() {
        assert_eq!(scalar_text(&json!(4688.0)).unwrap(), "4688");
        assert_eq!(scalar_text(&json!(1.5)).unwrap(), "1.5");
        assert_eq!(scalar_text(&json!(true)).unwrap(), "true");
        assert!(scalar_text(&json!(null)).is_none());
    }
}
