//! Reference data the Sigma lint rules check against, embedded at build time:
//!
//! - `data/attack.tsv`: MITRE ATT&CK Enterprise tactics and techniques (v18.1 from
//!   `mitre/cti`, plus the v19 additions), with revoked and deprecated ids and their
//!   successors (generated from `../shared/attack/`; ATT&CK® terms of use apply);
//! - `data/logsource_fields.json`: SigmaHQ's field names per logsource
//!   (`tests/logsource.json` of SigmaHQ/sigma, DRL 1.1).

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

const ATTACK: &str = include_str!("data/attack.tsv");
const LOGSOURCE_FIELDS: &str = include_str!("data/logsource_fields.json");

/// An ATT&CK id's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttackStatus {
    Active,
    Deprecated,
    /// Revoked, with the successor's id when known.
    Revoked(Option<&'static str>),
    /// In v18.1 but no longer in v19.
    Retired,
}

pub struct Attack {
    pub tactics: BTreeSet<&'static str>,
    pub techniques: HashMap<&'static str, AttackStatus>,
}

pub fn attack() -> &'static Attack {
    static ATTACK_DATA: OnceLock<Attack> = OnceLock::new();
    ATTACK_DATA.get_or_init(|| {
        let mut tactics = BTreeSet::new();
        let mut techniques = HashMap::new();
        for line in ATTACK.lines().filter(|l| !l.starts_with('#')) {
            let mut parts = line.split('\t');
            let (Some(kind), Some(id), Some(status)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let replacement = parts.next().filter(|r| !r.is_empty());
            match kind {
                "tactic" => {
                    tactics.insert(id);
                }
                _ => {
                    let status = match status {
                        "revoked" => AttackStatus::Revoked(replacement),
                        "deprecated" => AttackStatus::Deprecated,
                        "retired-v19" => AttackStatus::Retired,
                        _ => AttackStatus::Active,
                    };
                    techniques.insert(id, status);
                }
            }
        }
        Attack {
            tactics,
            techniques,
        }
    })
}

/// SigmaHQ's field lists: `product -> (common, category -> fields, service -> fields)`.
pub struct LogsourceFields {
    value: serde_json::Value,
}

pub fn logsource_fields() -> &'static LogsourceFields {
    static FIELDS: OnceLock<LogsourceFields> = OnceLock::new();
    FIELDS.get_or_init(|| LogsourceFields {
        value: serde_json::from_str(LOGSOURCE_FIELDS).unwrap_or(serde_json::Value::Null),
    })
}

impl LogsourceFields {
    /// The field names SigmaHQ allows for a logsource, or `None` when it has no list for it
    /// (then every field is accepted).
    ///
    /// With several categories (a list, which the specification does not allow but rules
    /// carry), the fields of all of them, and no check if one of them has no list.
    pub fn allowed(
        &self,
        product: Option<&str>,
        categories: &[&str],
        service: Option<&str>,
    ) -> Option<BTreeSet<&str>> {
        let product_key = product.unwrap_or("empty");
        let legit = self.value.get("legit").and_then(|r| r.get(product_key))?;
        let listed = |kind: &str, name: &str| {
            legit
                .get(kind)
                .and_then(|m| m.get(name))
                .and_then(|l| l.as_array())
                .is_some_and(|l| !l.is_empty())
        };
        if categories.is_empty() && service.is_none() {
            return None;
        }
        if !categories.iter().all(|c| listed("category", c))
            || service.is_some_and(|s| !listed("service", s))
        {
            return None;
        }
        let mut out = BTreeSet::new();
        for root in ["legit", "addon"] {
            let Some(entry) = self.value.get(root).and_then(|r| r.get(product_key)) else {
                continue;
            };
            let lists = categories
                .iter()
                .filter_map(|c| entry.get("category").and_then(|m| m.get(*c)))
                .chain(service.and_then(|s| entry.get("service").and_then(|m| m.get(s))));
            for list in lists {
                if let Some(items) = list.as_array() {
                    out.extend(items.iter().filter_map(|v| v.as_str()));
                }
            }
            if let Some(common) = entry.get("common").and_then(|c| c.as_array()) {
                out.extend(common.iter().filter_map(|v| v.as_str()));
            }
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attack_and_fields_load() {
        let attack = attack();
        assert!(attack.tactics.contains("execution"));
        assert!(attack.tactics.contains("stealth"));
        assert_eq!(
            attack.techniques.get("t1059.001"),
            Some(&AttackStatus::Active)
        );
        assert!(matches!(
            attack.techniques.get("t1086"),
            Some(AttackStatus::Revoked(Some("t1059.001")))
        ));
        let fields = logsource_fields()
            .allowed(Some("windows"), &["process_creation"], None)
            .unwrap_or_default();
        assert!(fields.contains("CommandLine") && fields.contains("EventID"));
        assert!(logsource_fields()
            .allowed(Some("aws"), &[], Some("cloudtrail"))
            .is_none());
    }
}
