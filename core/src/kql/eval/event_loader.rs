//! The fast path of `events::load_events`: JSON is read once, streaming, straight into typed
//! rows. Keys are borrowed from the text where possible and string values are copied once,
//! into the cell; no intermediate JSON tree of the whole input is built (a 600 MB NDJSON
//! file would need several GB as `serde_json::Value`s).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value as Json;

use super::events::{convert, parse_event_datetime, EventsError};
use super::literal::{parse_guid, parse_timespan};
use super::{Column, ColumnTable, Table};
use crate::kql::schema::Schema;
use crate::value::{ScalarType, Value};

/// One field's value as read: scalars without a JSON tree, nested values as JSON.
#[derive(Clone, Debug)]
enum Cell<'de> {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(Cow<'de, str>),
    Nested(Json),
}

impl Cell<'_> {
    fn into_owned(self) -> Cell<'static> {
        match self {
            Cell::Str(s) => Cell::Str(Cow::Owned(s.into_owned())),
            Cell::Null => Cell::Null,
            Cell::Bool(b) => Cell::Bool(b),
            Cell::Int(n) => Cell::Int(n),
            Cell::Uint(n) => Cell::Uint(n),
            Cell::Float(f) => Cell::Float(f),
            Cell::Nested(json) => Cell::Nested(json),
        }
    }

    fn to_json(&self) -> Json {
        match self {
            Cell::Null => Json::Null,
            Cell::Bool(b) => Json::Bool(*b),
            Cell::Int(n) => Json::from(*n),
            Cell::Uint(n) => Json::from(*n),
            Cell::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Cell::Str(s) => Json::String(s.to_string()),
            Cell::Nested(json) => json.clone(),
        }
    }

    /// The value in a column of type `ty`, converting as ingestion does.
    fn typed(&self, ty: ScalarType) -> Value {
        match (self, ty) {
            (Cell::Null, _) => Value::Null,
            (Cell::Str(s), ScalarType::String) => Value::String(Arc::from(s.as_ref())),
            (Cell::Str(s), ScalarType::Datetime) => {
                parse_event_datetime(s).map_or(Value::Null, Value::Datetime)
            }
            (Cell::Str(s), ScalarType::Timespan) => {
                parse_timespan(s).map_or(Value::Null, Value::Timespan)
            }
            (Cell::Str(s), ScalarType::Guid) => parse_guid(s).map_or(Value::Null, Value::Guid),
            (Cell::Int(n), ScalarType::Long) => Value::Long(*n),
            (Cell::Int(n), ScalarType::Int) => i32::try_from(*n).map_or(Value::Null, Value::Int),
            (Cell::Int(n), ScalarType::Real | ScalarType::Decimal) => Value::Real(*n as f64),
            (Cell::Float(f), ScalarType::Real | ScalarType::Decimal) => Value::Real(*f),
            (Cell::Bool(b), ScalarType::Bool) => Value::Bool(*b),
            // The rarer pairs go through the general conversion.
            (cell, ty) => convert(&cell.to_json(), ty),
        }
    }

    fn inferred_type(&self) -> Option<ScalarType> {
        Some(match self {
            Cell::Null => return None,
            Cell::Bool(_) => ScalarType::Bool,
            Cell::Int(_) | Cell::Uint(_) => ScalarType::Long,
            Cell::Float(_) => ScalarType::Real,
            Cell::Str(s) if parse_event_datetime(s).is_some() => ScalarType::Datetime,
            Cell::Str(_) => ScalarType::String,
            Cell::Nested(_) => ScalarType::Dynamic,
        })
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Null)
    }
    fn visit_none<E>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Cell<'de>, E> {
        Ok(Cell::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Cell<'de>, E> {
        Ok(Cell::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Cell<'de>, E> {
        Ok(i64::try_from(v).map_or(Cell::Uint(v), Cell::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Cell<'de>, E> {
        Ok(Cell::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell<'de>, A::Error> {
        let json = serde::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Cell::Nested(json))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell<'de>, A::Error> {
        let json = serde::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
        Ok(Cell::Nested(json))
    }
}

struct CellSeed;

impl<'de> DeserializeSeed<'de> for CellSeed {
    type Value = Cell<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cell<'de>, D::Error> {
        d.deserialize_any(CellVisitor)
    }
}

/// An object key, borrowed from the text unless it had escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Cow<'de, str>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Owned(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Cow<'de, str>, E> {
                Ok(Cow::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Repeated strings of a column share one allocation (file names, accounts, action
/// types): less memory, and a scan compares text that stays in cache instead of reaching
/// into a fresh allocation per row. A column whose values are mostly distinct (command
/// lines, ids) stops being interned once that shows.
#[derive(Default)]
struct Interner {
    seen: std::collections::HashSet<Arc<str>>,
    lookups: usize,
    hits: usize,
    closed: bool,
}

/// Values looked up before an interner judges its column.
const INTERN_TRIAL: usize = 4096;
/// Distinct strings kept per column at most.
const INTERN_MAX: usize = 1 << 16;

impl Interner {
    fn intern(&mut self, text: &str) -> Arc<str> {
        if self.closed {
            return Arc::from(text);
        }
        self.lookups += 1;
        if let Some(shared) = self.seen.get(text) {
            self.hits += 1;
            return shared.clone();
        }
        let fresh: Arc<str> = Arc::from(text);
        if (self.lookups >= INTERN_TRIAL && self.hits * 2 < self.lookups)
            || self.seen.len() >= INTERN_MAX
        {
            // Mostly distinct values: interning would only cost time.
            self.closed = true;
            self.seen = Default::default();
        } else {
            self.seen.insert(fresh.clone());
        }
        fresh
    }
}

/// A cell as a value of type `ty`, its string interned per column.
fn typed_cell(cell: &Cell<'_>, ty: ScalarType, interner: Option<&mut Interner>) -> Value {
    match (cell, ty, interner) {
        (Cell::Str(s), ScalarType::String, Some(interner)) => Value::String(interner.intern(s)),
        _ => cell.typed(ty),
    }
}

/// One table's values as they arrive, column by column: a column holds values up to its
/// last non-null one (the rest are null), and columns no event fills take no memory.
struct TableBuilder {
    columns: Vec<Column>,
    index: HashMap<String, usize>,
    /// Columns whose type the schema gives; the others are inferred at the end.
    typed: Vec<bool>,
    data: Vec<Vec<Value>>,
    rows: usize,
    /// Values of inferred columns: (row, column, value).
    pending: Vec<(usize, usize, Cell<'static>)>,
    interners: Vec<Interner>,
}

impl TableBuilder {
    fn new(name: &str, schema: &Schema) -> TableBuilder {
        let columns: Vec<Column> = schema
            .table(name)
            .map(|t| {
                t.columns
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        ty: Some(c.ty),
                    })
                    .collect()
            })
            .unwrap_or_default();
        TableBuilder::with_columns(columns)
    }

    /// A builder whose columns are fixed in advance (typed by the schema, or by the chunks
    /// loaded before); new columns are inferred from their values.
    fn with_columns(columns: Vec<Column>) -> TableBuilder {
        TableBuilder {
            index: columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.clone(), i))
                .collect(),
            typed: vec![true; columns.len()],
            data: vec![Vec::new(); columns.len()],
            columns,
            rows: 0,
            pending: Vec::new(),
            interners: Vec::new(),
        }
    }

    fn interner(&mut self, column: usize) -> Option<&mut Interner> {
        if self.interners.len() <= column {
            self.interners.resize_with(column + 1, Interner::default);
        }
        self.interners.get_mut(column)
    }

    /// Sets (`row`, `column`); rows are written in order, so this appends.
    fn set(&mut self, row: usize, column: usize, value: Value) {
        if value.is_null() {
            return;
        }
        if let Some(values) = self.data.get_mut(column) {
            values.resize(row, Value::Null);
            values.push(value);
        }
    }

    fn push(&mut self, pairs: &mut Vec<(Cow<'_, str>, Cell<'_>)>) {
        let row = self.rows;
        for (key, cell) in pairs.drain(..) {
            let column = match self.index.get(key.as_ref()) {
                Some(&i) => i,
                None => {
                    let i = self.columns.len();
                    self.index.insert(key.to_string(), i);
                    self.columns.push(Column {
                        name: key.to_string(),
                        ty: None,
                    });
                    self.typed.push(false);
                    self.data.push(Vec::new());
                    i
                }
            };
            if self.typed.get(column).copied().unwrap_or(false) {
                let ty = self
                    .columns
                    .get(column)
                    .and_then(|c| c.ty)
                    .unwrap_or(ScalarType::Dynamic);
                let value = typed_cell(&cell, ty, self.interner(column));
                self.set(row, column, value);
            } else if !matches!(cell, Cell::Null) {
                self.pending.push((row, column, cell.into_owned()));
            }
        }
        self.rows += 1;
    }

    fn finish(mut self) -> ColumnTable {
        let width = self.columns.len();
        // Infer each new column's type from its values, as `infer_type` does.
        let mut inferred: Vec<Option<ScalarType>> = vec![None; width];
        let mut mixed = vec![false; width];
        for (_, column, cell) in &self.pending {
            let Some(ty) = cell.inferred_type() else {
                continue;
            };
            let (Some(slot), Some(is_mixed)) = (inferred.get_mut(*column), mixed.get_mut(*column))
            else {
                continue;
            };
            *slot = Some(match (*slot, ty) {
                (None, ty) => ty,
                (Some(a), b) if a == b => a,
                (Some(ScalarType::Long), ScalarType::Real)
                | (Some(ScalarType::Real), ScalarType::Long) => ScalarType::Real,
                (Some(ScalarType::Datetime), ScalarType::String)
                | (Some(ScalarType::String), ScalarType::Datetime) => ScalarType::String,
                _ => {
                    *is_mixed = true;
                    ScalarType::Dynamic
                }
            });
        }
        for (i, column) in self.columns.iter_mut().enumerate() {
            if column.ty.is_none() {
                column.ty = Some(
                    inferred
                        .get(i)
                        .copied()
                        .flatten()
                        .unwrap_or(ScalarType::String),
                );
            }
        }
        let pending = std::mem::take(&mut self.pending);
        for (row, column, cell) in pending {
            let ty = self
                .columns
                .get(column)
                .and_then(|c| c.ty)
                .unwrap_or(ScalarType::Dynamic);
            let value = typed_cell(&cell, ty, self.interner(column));
            self.set(row, column, value);
        }
        let twins = ["Timestamp", "TimeGenerated"].map(|c| self.index.get(c).copied());
        if let [Some(a), Some(b)] = twins {
            fill_twins(&mut self.data, a, b, self.rows);
        }
        ColumnTable::from_columns(self.columns, self.data, self.rows)
    }
}

/// In Sentinel, streamed Defender tables carry both `Timestamp` and `TimeGenerated`;
/// events usually give one, so the other takes its value.
fn fill_twins(data: &mut [Vec<Value>], a: usize, b: usize, rows: usize) {
    let (Some(first), Some(second)) = (data.get(a), data.get(b)) else {
        return;
    };
    if first.is_empty() && second.is_empty() {
        return;
    }
    let mut first = data.get_mut(a).map(std::mem::take).unwrap_or_default();
    let mut second = data.get_mut(b).map(std::mem::take).unwrap_or_default();
    first.resize(rows, Value::Null);
    second.resize(rows, Value::Null);
    for (x, y) in first.iter_mut().zip(second.iter_mut()) {
        match (&*x, &*y) {
            (Value::Null, Value::Datetime(_)) => *x = y.clone(),
            (Value::Datetime(_), Value::Null) => *y = x.clone(),
            _ => {}
        }
    }
    if let Some(slot) = data.get_mut(a) {
        *slot = first;
    }
    if let Some(slot) = data.get_mut(b) {
        *slot = second;
    }
}

/// Where rows go while the text is read.
struct Sink<'s> {
    schema: &'s Schema,
    default_table: &'s str,
    /// Tables loaded before, whose columns and types new rows follow (appending).
    existing: Option<&'s HashMap<String, ColumnTable>>,
    tables: BTreeMap<String, TableBuilder>,
}

impl Sink<'_> {
    fn builder(&mut self, name: &str) -> &mut TableBuilder {
        let (schema, existing) = (self.schema, self.existing);
        self.tables.entry(name.to_string()).or_insert_with(|| {
            match existing.and_then(|tables| tables.get(name)) {
                Some(table) => TableBuilder::with_columns(table.columns().to_vec()),
                None => TableBuilder::new(name, schema),
            }
        })
    }

    /// Routes a row by `$table` (dropped) or `Type` (kept), else to `table`.
    fn add(&mut self, mut pairs: Vec<(Cow<'_, str>, Cell<'_>)>, table: Option<&str>) {
        let mut name = table.map(str::to_string);
        if name.is_none() {
            if let Some(i) = pairs.iter().position(|(k, _)| k == "$table") {
                let (_, cell) = pairs.remove(i);
                if let Cell::Str(s) = cell {
                    name = Some(s.into_owned());
                }
            }
        }
        if name.is_none() {
            name = pairs.iter().find_map(|(k, c)| match c {
                Cell::Str(s) if k == "Type" && !s.is_empty() => Some(s.to_string()),
                _ => None,
            });
        }
        let name = name.unwrap_or_else(|| self.default_table.to_string());
        self.builder(&name).push(&mut pairs);
    }
}

/// Reads one row object into pairs.
fn read_pairs<'de, A: MapAccess<'de>>(
    mut map: A,
) -> Result<Vec<(Cow<'de, str>, Cell<'de>)>, A::Error> {
    let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(16));
    while let Some(key) = map.next_key_seed(KeySeed)? {
        let cell = map.next_value_seed(CellSeed)?;
        pairs.push((key, cell));
    }
    Ok(pairs)
}

/// A top-level JSON value: an array of rows, a row, or `{"tables": {...}}`.
struct TopLevel<'a, 's> {
    sink: &'a mut Sink<'s>,
    first: bool,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object or an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(pairs) = seq.next_element_seed(RowSeed)? {
            match pairs {
                Some(pairs) => self.sink.add(pairs, None),
                None => {
                    return Err(de::Error::custom(format!(
                        "a row of `{}` is not a JSON object",
                        self.sink.default_table
                    )))
                }
            }
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let mut pairs = read_pairs(map)?;
        let is_tables = self.first
            && pairs.len() == 1
            && matches!(pairs.first(), Some((k, Cell::Nested(Json::Object(_)))) if k == "tables");
        if !is_tables {
            self.sink.add(pairs, None);
            return Ok(());
        }
        if let Some((_, Cell::Nested(Json::Object(named)))) = pairs.pop() {
            for (name, rows) in named {
                let Json::Array(rows) = rows else {
                    return Err(de::Error::custom(format!(
                        "`tables.{name}` is not an array of rows"
                    )));
                };
                for row in rows {
                    let Json::Object(object) = row else {
                        return Err(de::Error::custom(format!(
                            "a row of `{name}` is not a JSON object"
                        )));
                    };
                    let pairs = object
                        .into_iter()
                        .map(|(k, v)| (Cow::Owned(k), json_cell(v)))
                        .collect();
                    self.sink.add(pairs, Some(&name));
                }
            }
        }
        Ok(())
    }
}

fn json_cell(value: Json) -> Cell<'static> {
    match value {
        Json::Null => Cell::Null,
        Json::Bool(b) => Cell::Bool(b),
        Json::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Cell::Int(i),
            (None, Some(u)) => Cell::Uint(u),
            _ => Cell::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Json::String(s) => Cell::Str(Cow::Owned(s)),
        nested => Cell::Nested(nested),
    }
}

/// One element of a top-level array: a row object, or `None` for anything else.
struct RowSeed;

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = Option<Vec<(Cow<'de, str>, Cell<'de>)>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = Option<Vec<(Cow<'de, str>, Cell<'de>)>>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a row object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                read_pairs(map).map(Some)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let _: Json =
                    serde::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(None)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(None)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        d.deserialize_any(RowVisitor)
    }
}

/// Reads events text into typed tables (see `events.rs` for the formats and routing).
pub fn load(
    text: &str,
    schema: &Schema,
    default_table: &str,
) -> Result<HashMap<String, Table>, EventsError> {
    Ok(load_columns(text, schema, default_table)?
        .into_iter()
        .map(|(name, table)| (name, table.to_table()))
        .collect())
}

/// Reads events text into typed, column-stored tables (what a `Workspace` keeps).
pub fn load_columns(
    text: &str,
    schema: &Schema,
    default_table: &str,
) -> Result<HashMap<String, ColumnTable>, EventsError> {
    load_into(text, schema, default_table, None)
}

/// Reads more events for tables loaded before: rows of a table in `existing` keep its
/// columns and their types (values convert to them, as ingestion into an existing table
/// does); columns it lacks are added and inferred from the new rows. Returns only the new
/// rows, with each table's columns (the existing ones first).
pub fn load_more(
    text: &str,
    schema: &Schema,
    default_table: &str,
    existing: &HashMap<String, ColumnTable>,
) -> Result<HashMap<String, ColumnTable>, EventsError> {
    load_into(text, schema, default_table, Some(existing))
}

fn load_into(
    text: &str,
    schema: &Schema,
    default_table: &str,
    existing: Option<&HashMap<String, ColumnTable>>,
) -> Result<HashMap<String, ColumnTable>, EventsError> {
    let mut sink = Sink {
        schema,
        default_table,
        existing,
        tables: BTreeMap::new(),
    };
    // Top-level values are found first as raw slices (cheap, linear), then each is read
    // into rows. Probing for the end of input with `Deserializer::end` instead would
    // compute a line number on every call and make NDJSON quadratic.
    let values = serde_json::Deserializer::from_str(text).into_iter::<&RawValue>();
    for (index, raw) in values.enumerate() {
        let raw = raw.map_err(|e| EventsError {
            message: format!("events are not JSON (line {}): {e}", e.line()),
        })?;
        let mut deserializer = serde_json::Deserializer::from_str(raw.get());
        let seed = TopLevel {
            sink: &mut sink,
            first: index == 0,
        };
        if let Err(e) = seed.deserialize(&mut deserializer) {
            let message = e.to_string();
            let message = if message.contains("not a JSON object") {
                message
                    .split(" at line")
                    .next()
                    .unwrap_or(&message)
                    .to_string()
            } else {
                format!("event {} is not a JSON object", index + 1)
            };
            return Err(EventsError { message });
        }
    }
    Ok(sink
        .tables
        .into_iter()
        .map(|(name, builder)| (name, builder.finish()))
        .collect())
}
