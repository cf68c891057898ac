//! The built-in schemas: compact data files compiled in, indexed on first use of a profile
//! and parsed one table at a time on first lookup.
//!
//! A profile is assembled here the way `shared/tools/kusto-oracle/build_semantic_schemas.py`
//! gave Microsoft's analyzer its schemas, so that our verdicts and Kusto.Language's stay
//! comparable:
//! - `sentinel`: the Log Analytics tables, then the Sentinel CI's custom tables, then the
//!   Defender columns of the Defender tables Sentinel streams (so `DeviceProcessEvents` has
//!   both `Timestamp` and `TimeGenerated`), then the standard Log Analytics columns a table
//!   lacks. On a column listed by several sources, the first source's type wins.
//! - `defender`: the advanced-hunting tables, each also given `TimeGenerated` (the oracle
//!   did so; the unified Defender portal accepts it). Their time column stays `Timestamp`.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::types::from_code;
use super::{Column, FunctionParameter, Profile, Table, TabularFunction};
use crate::value::ScalarType;

const DEFENDER: &str = include_str!("../../../data/schemas/defender.tsv");
/// The full Log Analytics set is most of the schema bytes (see `log-analytics` in
/// core/Cargo.toml); without it the `sentinel` profile keeps the Sentinel CI tables, the
/// streamed Defender tables and the ASIM parsers.
#[cfg(feature = "log-analytics")]
const LOG_ANALYTICS: &str = include_str!("../../../data/schemas/log-analytics.tsv");
#[cfg(not(feature = "log-analytics"))]
const LOG_ANALYTICS: &str = "";
const SENTINEL_CUSTOM: &str = include_str!("../../../data/schemas/sentinel-custom.tsv");
const ASIM_FUNCTIONS: &str = include_str!("../../../data/schemas/asim-functions.tsv");
const ENVIRONMENT_FUNCTIONS: &str = include_str!("../../../data/schemas/environment-functions.tsv");

/// Azure Monitor Logs standard columns ("Standard columns in Azure Monitor Logs"), added to
/// every `sentinel` table that lacks them, as the oracle did: without them
/// `AuditLogs | project TenantId` or a join on `_ItemId` would be flagged.
const STANDARD_COLUMNS: [(&str, ScalarType); 9] = [
    ("TenantId", ScalarType::String),
    ("TimeGenerated", ScalarType::Datetime),
    ("_TimeReceived", ScalarType::Datetime),
    ("Type", ScalarType::String),
    ("_ItemId", ScalarType::String),
    ("_ResourceId", ScalarType::String),
    ("_SubscriptionId", ScalarType::String),
    ("_IsBillable", ScalarType::String),
    ("_BilledSize", ScalarType::Real),
];

#[derive(Debug)]
pub(super) struct Builtin {
    profile: Profile,
    tables: HashMap<&'static str, Entry>,
    functions: HashMap<&'static str, TabularFunction>,
}

#[derive(Debug)]
struct Entry {
    /// Column lists (the text after the tab), in source priority order.
    sources: Vec<&'static str>,
    parsed: OnceLock<Table>,
}

impl Builtin {
    pub(super) fn get(profile: Profile) -> Option<&'static Builtin> {
        static DEFENDER_SET: OnceLock<Builtin> = OnceLock::new();
        static SENTINEL_SET: OnceLock<Builtin> = OnceLock::new();
        match profile {
            Profile::Defender => Some(DEFENDER_SET.get_or_init(|| Builtin::build(profile))),
            Profile::Sentinel => Some(SENTINEL_SET.get_or_init(|| Builtin::build(profile))),
            Profile::None => None,
        }
    }

    fn build(profile: Profile) -> Builtin {
        let mut builtin = Builtin {
            profile,
            tables: HashMap::new(),
            functions: HashMap::new(),
        };
        match profile {
            Profile::Defender => builtin.add_sources(DEFENDER, |_| true),
            Profile::Sentinel => {
                builtin.add_sources(LOG_ANALYTICS, |_| true);
                builtin.add_sources(SENTINEL_CUSTOM, |_| true);
                let has_log_analytics = !LOG_ANALYTICS.is_empty();
                let known: Vec<&'static str> = builtin.tables.keys().copied().collect();
                builtin.add_sources(DEFENDER, |name| {
                    is_streamed_to_sentinel(name) && (!has_log_analytics || known.contains(&name))
                });
                for line in data_lines(ASIM_FUNCTIONS) {
                    if let Some(function) = parse_function(line, false) {
                        builtin.functions.insert(function.0, function.1);
                    }
                }
            }
            Profile::None => {}
        }
        for line in data_lines(ENVIRONMENT_FUNCTIONS) {
            if let Some((for_profile, rest)) = line.split_once('\t') {
                if for_profile == profile.name() {
                    if let Some(function) = parse_function(rest, true) {
                        builtin.functions.insert(function.0, function.1);
                    }
                }
            }
        }
        builtin
    }

    fn add_sources(&mut self, data: &'static str, include: impl Fn(&str) -> bool) {
        for line in data_lines(data) {
            let Some((name, columns)) = line.split_once('\t') else {
                continue;
            };
            if include(name) {
                let entry = self.tables.entry(name).or_insert_with(|| Entry {
                    sources: Vec::new(),
                    parsed: OnceLock::new(),
                });
                entry.sources.push(columns);
            }
        }
    }

    pub(super) fn table(&self, name: &str) -> Option<&Table> {
        let (name, entry) = self.tables.get_key_value(name)?;
        Some(
            entry
                .parsed
                .get_or_init(|| assemble(self.profile, name, &entry.sources)),
        )
    }

    pub(super) fn function(&self, name: &str) -> Option<&TabularFunction> {
        self.functions.get(name)
    }

    pub(super) fn table_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.tables.keys().copied()
    }

    pub(super) fn function_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.functions.keys().copied()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.functions.is_empty()
    }
}

/// The Defender XDR tables the Microsoft 365 Defender connector streams into Sentinel (the
/// oracle's rule: `Device*`, `Email*`, `Identity*`, `Alert*`, `CloudAppEvents`,
/// `UrlClickEvents`, when Log Analytics also lists the table).
fn is_streamed_to_sentinel(name: &str) -> bool {
    ["Device", "Email", "Identity", "Alert"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || name == "CloudAppEvents"
        || name == "UrlClickEvents"
}

fn data_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

/// `Name,Other:d,...`: a column without a type code is a string.
fn parse_columns(text: &str) -> impl Iterator<Item = Column> + '_ {
    text.split(',').filter(|c| !c.is_empty()).map(|item| {
        let (name, code) = item.split_once(':').unwrap_or((item, ""));
        // Our own generated data; an unknown code would be a generator bug, not a reason
        // to fail a lint run.
        Column::new(name, from_code(code).unwrap_or(ScalarType::Dynamic))
    })
}

fn assemble(profile: Profile, name: &str, sources: &[&str]) -> Table {
    let mut columns: Vec<Column> = Vec::new();
    for source in sources {
        for column in parse_columns(source) {
            if !columns.iter().any(|c| c.name == column.name) {
                columns.push(column);
            }
        }
    }
    match profile {
        // Sentinel records event time in TimeGenerated on every table, even one that also
        // has a Timestamp column, so the standard columns come first.
        Profile::Sentinel => {
            add_missing(&mut columns, &STANDARD_COLUMNS);
            Table::new(name, columns, profile)
        }
        // The time column is chosen before `TimeGenerated` is added: a Defender inventory
        // table (DeviceTvm*) has no event time even though it is given the column.
        Profile::Defender => {
            let mut table = Table::new(name, columns, profile);
            add_missing(
                &mut table.columns,
                &[("TimeGenerated", ScalarType::Datetime)],
            );
            table
        }
        Profile::None => Table::new(name, columns, profile),
    }
}

fn add_missing(columns: &mut Vec<Column>, extra: &[(&str, ScalarType)]) {
    for (name, ty) in extra {
        if !columns.iter().any(|c| c.name == *name) {
            columns.push(Column::new(*name, *ty));
        }
    }
}

/// `Name<TAB>param:type[?],...<TAB>[flags<TAB>]columns`.
fn parse_function(line: &str, has_flags: bool) -> Option<(&str, TabularFunction)> {
    let mut fields = line.split('\t');
    let name = fields.next()?;
    let parameters = fields.next().unwrap_or("");
    let flags = if has_flags {
        fields.next().unwrap_or("")
    } else {
        ""
    };
    let columns = fields.next().unwrap_or("");
    let parameters = parameters
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (p, is_optional) = match p.strip_suffix('?') {
                Some(p) => (p, true),
                None => (p, false),
            };
            let (name, code) = p.split_once(':').unwrap_or((p, ""));
            FunctionParameter {
                name: name.to_string(),
                ty: from_code(code).unwrap_or(ScalarType::Dynamic),
                is_optional,
            }
        })
        .collect();
    let flags: Vec<&str> = flags.split(',').collect();
    Some((
        name,
        TabularFunction {
            name: name.to_string(),
            parameters,
            columns: parse_columns(columns).collect(),
            is_invoked: flags.contains(&"invoke"),
            is_open: flags.contains(&"open"),
        },
    ))
}
