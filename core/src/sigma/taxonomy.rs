//! The logsource taxonomy as data (`core/data/sigma_taxonomy.json`): what events a
//! `product`/`category`/`service` means (Windows channel, provider, event IDs) and which
//! Defender XDR / Sentinel tables hold them. Sysmon `category` rules carry no `EventID`, so
//! the evaluator routes events with it (`process_creation` → Sysmon 1 or Security 4688);
//! explain and conversion to KQL read the tables.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::sigma::ast::Logsource;

const DATA: &str = include_str!("../../data/sigma_taxonomy.json");

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Taxonomy {
    pub version: String,
    pub products: BTreeMap<String, Product>,
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Product {
    #[serde(default)]
    pub category: BTreeMap<String, Source>,
    #[serde(default)]
    pub service: BTreeMap<String, Source>,
}

/// What one category or service means.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct Source {
    /// The event streams that carry it; empty when the taxonomy does not say.
    #[serde(default)]
    pub events: Vec<EventSource>,
    #[serde(default)]
    pub tables: Vec<Table>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct EventSource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Empty: any event of the channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_ids: Vec<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Table {
    /// `defender` (Defender XDR advanced hunting) or `sentinel`.
    pub product: String,
    pub table: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub event_ids: Vec<i64>,
}

/// The taxonomy shipped with rulelab, read once.
pub fn taxonomy() -> &'static Taxonomy {
    static TAXONOMY: OnceLock<Taxonomy> = OnceLock::new();
    TAXONOMY.get_or_init(|| serde_json::from_str(DATA).unwrap_or_default())
}

impl Taxonomy {
    /// What a rule's logsource means: the category's entry, else the service's. With
    /// several categories (an error, but kept) their sources are joined.
    pub fn resolve(&self, logsource: &Logsource) -> Option<Source> {
        let product_name = logsource.product().unwrap_or("windows");
        let product = self.products.get(product_name)?;
        let mut found: Option<Source> = None;
        for category in &logsource.category {
            if let Some(source) = product.category.get(category.value.as_str()) {
                let entry = found.get_or_insert_with(Source::default);
                entry.events.extend(source.events.iter().cloned());
                entry.tables.extend(source.tables.iter().cloned());
            }
        }
        if found.is_some() {
            return found;
        }
        let service = logsource.service()?;
        product.service.get(service).cloned()
    }

    /// Every channel the Windows part of the taxonomy names, lower-cased.
    pub fn windows_channels(&self) -> Vec<String> {
        let mut channels: Vec<String> = self
            .products
            .get("windows")
            .into_iter()
            .flat_map(|p| p.category.values().chain(p.service.values()))
            .flat_map(|s| s.events.iter())
            .filter_map(|e| e.channel.as_ref().map(|c| c.to_lowercase()))
            .collect();
        channels.sort();
        channels.dedup();
        channels
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::ast::Spanned;
    use crate::source::Span;

    fn logsource(product: &str, category: &[&str], service: Option<&str>) -> Logsource {
        let s = |t: &str| Spanned::new(t.to_string(), Span::default());
        Logsource {
            product: vec![s(product)],
            category: category.iter().map(|c| s(c)).collect(),
            service: service.map(s).into_iter().collect(),
            ..Logsource::default()
        }
    }

    #[test]
    fn the_data_loads_and_maps_the_main_categories() {
        let t = taxonomy();
        assert!(
            !t.products.is_empty(),
            "core/data/sigma_taxonomy.json did not load"
        );
        let pc = t
            .resolve(&logsource("windows", &["process_creation"], None))
            .unwrap();
        assert!(pc.events.iter().any(|e| e.event_ids == [1]
            && e.channel.as_deref() == Some("Microsoft-Windows-Sysmon/Operational")));
        assert!(pc.events.iter().any(|e| e.event_ids == [4688]));
        assert!(pc.tables.iter().any(|t| t.table == "DeviceProcessEvents"));
        let net = t
            .resolve(&logsource("windows", &["network_connection"], None))
            .unwrap();
        assert!(net.events.iter().any(|e| e.event_ids == [3]));
        let script = t
            .resolve(&logsource("windows", &["ps_script"], None))
            .unwrap();
        assert!(script.events.iter().all(|e| e.event_ids == [4104]));
        let module = t
            .resolve(&logsource("windows", &["ps_module"], None))
            .unwrap();
        assert!(module.events.iter().all(|e| e.event_ids == [4103]));
        let classic = t
            .resolve(&logsource("windows", &["ps_classic_start"], None))
            .unwrap();
        assert_eq!(classic.events[0].event_ids, [400]);
        let security = t
            .resolve(&logsource("windows", &[], Some("security")))
            .unwrap();
        assert_eq!(security.events[0].channel.as_deref(), Some("Security"));
        // Several categories (seed 004) join their sources.
        let joined = t
            .resolve(&logsource(
                "windows",
                &["ps_module", "ps_classic_script", "ps_script"],
                None,
            ))
            .unwrap();
        let ids: Vec<i64> = joined
            .events
            .iter()
            .flat_map(|e| e.event_ids.clone())
            .collect();
        assert!(ids.contains(&4103) && ids.contains(&800) && ids.contains(&4104));
        assert!(t.windows_channels().contains(&"security".to_string()));
    }
}
