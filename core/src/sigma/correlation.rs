//! Correlation rules over timestamped event streams: `event_count`, `value_count`,
//! `temporal`, `temporal_ordered`, `value_sum`, `value_avg`, `value_percentile` and
//! `value_median`, with `group-by`, `timespan`, conditions, field `aliases` and chaining
//! (a correlation of correlations).
//!
//! Windows slide: each hit closes a window of `timespan` before it (inclusive), per group.
//! When the condition holds, a match is reported with the window's events, and the group
//! starts over after that hit, so one burst of activity is one match (pySigma's matcher
//! reports every hit while the condition holds; SIEM alerting deduplicates them).

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use serde_json::Value as Json;

use crate::sigma::ast::{CompareOp, CorrelationType, SigmaRule};
use crate::sigma::compile::Cond;
use crate::sigma::event::scalar_text;

/// What a member of a correlation refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    Rule(usize),
    Correlation(usize),
}

#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub reference: String,
    pub target: Target,
}

/// A correlation rule ready to evaluate.
#[derive(Debug)]
pub struct CompiledCorrelation {
    pub source: usize,
    pub document: usize,
    pub id: Option<String>,
    pub name: Option<String>,
    pub title: String,
    pub level: Option<String>,
    pub reference: String,
    pub kind: CorrelationType,
    pub(crate) members: Vec<Member>,
    pub(crate) group_by: Vec<String>,
    /// alias → (member index → field).
    pub(crate) aliases: BTreeMap<String, BTreeMap<usize, String>>,
    pub(crate) timespan_micros: i64,
    pub(crate) comparisons: Vec<(CompareOp, f64)>,
    pub(crate) fields: Vec<String>,
    pub(crate) percentile: f64,
    pub(crate) expression: Option<Cond>,
    /// Referenced by another correlation without `generate: true`: reported through it.
    pub(crate) is_hidden: bool,
}

impl CompiledCorrelation {
    pub(crate) fn new(
        rule: &SigmaRule,
        source: usize,
        kind: CorrelationType,
    ) -> CompiledCorrelation {
        let correlation = rule.correlation.clone().unwrap_or_default();
        let condition = correlation.condition.clone().unwrap_or_default();
        CompiledCorrelation {
            source,
            document: rule.document,
            id: rule.id.as_ref().map(|s| s.value.clone()),
            name: rule.name.as_ref().map(|s| s.value.clone()),
            title: rule.title_text().to_string(),
            level: rule.level.as_ref().map(|s| s.value.clone()),
            reference: rule.reference(),
            kind,
            members: Vec::new(),
            group_by: correlation
                .group_by
                .iter()
                .map(|g| g.value.clone())
                .collect(),
            aliases: BTreeMap::new(),
            timespan_micros: correlation.timespan.map_or(i64::MAX, |t| {
                i64::try_from(t.value)
                    .unwrap_or(i64::MAX / 1_000_000)
                    .saturating_mul(1_000_000)
            }),
            comparisons: condition
                .comparisons
                .iter()
                .map(|(op, value)| (*op, value.value))
                .collect(),
            fields: condition.field.iter().map(|f| f.value.clone()).collect(),
            percentile: condition.percentile.map_or(95.0, |p| p.value),
            expression: None,
            is_hidden: false,
        }
    }

    pub fn is_named(&self, reference: &str) -> bool {
        self.id.as_deref() == Some(reference) || self.name.as_deref() == Some(reference)
    }

    /// The field a member's events carry for a group-by or aggregated field (aliases
    /// resolved).
    pub(crate) fn field_for(&self, member: usize, field: &str) -> String {
        self.aliases
            .get(field)
            .and_then(|m| m.get(&member))
            .cloned()
            .unwrap_or_else(|| field.to_string())
    }

    fn holds(&self, value: f64) -> bool {
        self.comparisons
            .iter()
            .all(|(op, threshold)| op.holds(value, *threshold))
    }
}

/// One event (or inner correlation match) seen by a correlation.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Hit {
    pub member: usize,
    pub time: i64,
    /// Indices of the events behind the hit.
    pub events: Vec<usize>,
    pub group: Vec<Option<String>>,
    /// Values of the condition's `field`(s).
    pub values: Vec<Option<String>>,
}

/// A correlation that fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CorrelationMatch {
    /// The correlation rule's id (or name, or title).
    pub rule: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(rename = "type")]
    pub kind: CorrelationType,
    /// The group-by fields and the values the events share.
    pub group: BTreeMap<String, Option<String>>,
    /// Microseconds since the Unix epoch of the first and last event.
    #[serde(skip)]
    pub first_micros: i64,
    #[serde(skip)]
    pub last_micros: i64,
    pub first: String,
    pub last: String,
    /// Indices of the events that make up the match.
    pub events: Vec<usize>,
    /// Which referenced rules contributed, in order of appearance.
    pub rules: Vec<String>,
    /// The aggregate the condition compared: the count, distinct values, sum, average,
    /// percentile or median; for temporal types the number of rules seen.
    pub value: f64,
}

/// A field of an event by name: a flat key first, then a dotted path into nested objects.
pub fn field_text(event: &Json, field: &str) -> Option<String> {
    if let Some(value) = event.get(field) {
        return scalar_text(value).map(|t| t.into_owned());
    }
    let mut current = event;
    for part in field.split('.') {
        current = current.get(part)?;
    }
    scalar_text(current).map(|t| t.into_owned())
}

/// Runs one correlation over its hits.
pub(crate) fn evaluate(
    correlation: &CompiledCorrelation,
    mut hits: Vec<Hit>,
) -> Vec<CorrelationMatch> {
    hits.sort_by(|a, b| (a.time, &a.events).cmp(&(b.time, &b.events)));
    let mut groups: HashMap<Vec<Option<String>>, Vec<Hit>> = HashMap::new();
    let mut order: Vec<Vec<Option<String>>> = Vec::new();
    for hit in hits {
        if !groups.contains_key(&hit.group) {
            order.push(hit.group.clone());
        }
        groups.entry(hit.group.clone()).or_default().push(hit);
    }
    let mut matches = Vec::new();
    for key in order {
        let Some(group) = groups.get(&key) else {
            continue;
        };
        let mut start = 0usize;
        for end in 0..group.len() {
            let Some(closing) = group.get(end) else { break };
            let earliest = closing.time.saturating_sub(correlation.timespan_micros);
            while group.get(start).is_some_and(|h| h.time < earliest) && start < end {
                start += 1;
            }
            let Some(window) = group.get(start..=end) else {
                continue;
            };
            if let Some(value) = aggregate(correlation, window) {
                matches.push(report(correlation, &key, window, value));
                start = end + 1;
            }
        }
    }
    matches.sort_by_key(|m| (m.last_micros, m.first_micros));
    matches
}

/// The aggregate of a window when the correlation's condition holds on it.
fn aggregate(correlation: &CompiledCorrelation, window: &[Hit]) -> Option<f64> {
    let members = correlation.members.len();
    match correlation.kind {
        CorrelationType::EventCount => {
            let count = window.len() as f64;
            correlation.holds(count).then_some(count)
        }
        CorrelationType::ValueCount => {
            let distinct: HashSet<&Vec<Option<String>>> = window
                .iter()
                .filter(|h| h.values.iter().all(Option::is_some))
                .map(|h| &h.values)
                .collect();
            let count = distinct.len() as f64;
            correlation.holds(count).then_some(count)
        }
        CorrelationType::Temporal | CorrelationType::TemporalOrdered => {
            let seen: HashSet<usize> = window.iter().map(|h| h.member).collect();
            let count = seen.len() as f64;
            let holds = if let Some(expression) = &correlation.expression {
                eval_members(expression, &seen)
            } else if !correlation.comparisons.is_empty() {
                correlation.holds(count)
            } else {
                seen.len() == members && members > 0
            };
            if !holds {
                return None;
            }
            if correlation.kind == CorrelationType::TemporalOrdered && !in_order(window, members) {
                return None;
            }
            Some(count)
        }
        CorrelationType::ValueSum
        | CorrelationType::ValueAvg
        | CorrelationType::ValueMedian
        | CorrelationType::ValuePercentile => {
            let mut numbers: Vec<f64> = window
                .iter()
                .filter_map(|h| h.values.first().cloned().flatten())
                .filter_map(|t| t.trim().parse::<f64>().ok())
                .filter(|n| n.is_finite())
                .collect();
            if numbers.is_empty() {
                return None;
            }
            let value = match correlation.kind {
                CorrelationType::ValueSum => numbers.iter().sum(),
                CorrelationType::ValueAvg => numbers.iter().sum::<f64>() / numbers.len() as f64,
                CorrelationType::ValueMedian => {
                    numbers.sort_by(f64::total_cmp);
                    let mid = numbers.len() / 2;
                    if numbers.len().is_multiple_of(2) {
                        (numbers.get(mid - 1).copied().unwrap_or(0.0)
                            + numbers.get(mid).copied().unwrap_or(0.0))
                            / 2.0
                    } else {
                        numbers.get(mid).copied().unwrap_or(0.0)
                    }
                }
                _ => {
                    // pySigma: the value at index ⌊n·p/100⌋ of the sorted values.
                    numbers.sort_by(f64::total_cmp);
                    let index = ((numbers.len() as f64 * correlation.percentile / 100.0) as usize)
                        .min(numbers.len() - 1);
                    numbers.get(index).copied().unwrap_or(0.0)
                }
            };
            correlation.holds(value).then_some(value)
        }
    }
}

/// Whether the members appear in their listed order inside the window.
fn in_order(window: &[Hit], members: usize) -> bool {
    let mut next = 0usize;
    for hit in window {
        if hit.member == next {
            next += 1;
            if next == members {
                return true;
            }
        }
    }
    members == 0
}

fn eval_members(cond: &Cond, seen: &HashSet<usize>) -> bool {
    match cond {
        Cond::Selection(i) => seen.contains(i),
        Cond::Not(inner) => !eval_members(inner, seen),
        Cond::And(items) => items.iter().all(|c| eval_members(c, seen)),
        Cond::Or(items) => items.iter().any(|c| eval_members(c, seen)),
        Cond::AtLeast(n, items) => items.iter().filter(|i| seen.contains(i)).count() >= *n as usize,
        Cond::Const(b) => *b,
    }
}

fn report(
    correlation: &CompiledCorrelation,
    key: &[Option<String>],
    window: &[Hit],
    value: f64,
) -> CorrelationMatch {
    let mut events: Vec<usize> = window
        .iter()
        .flat_map(|h| h.events.iter().copied())
        .collect();
    events.sort_unstable();
    events.dedup();
    let mut rules = Vec::new();
    for hit in window {
        if let Some(member) = correlation.members.get(hit.member) {
            if !rules.contains(&member.reference) {
                rules.push(member.reference.clone());
            }
        }
    }
    let first = window.first().map_or(0, |h| h.time);
    let last = window.last().map_or(0, |h| h.time);
    CorrelationMatch {
        rule: correlation.reference.clone(),
        title: correlation.title.clone(),
        level: correlation.level.clone(),
        kind: correlation.kind,
        group: correlation
            .group_by
            .iter()
            .cloned()
            .zip(key.iter().cloned())
            .collect(),
        first_micros: first,
        last_micros: last,
        first: format_micros(first),
        last: format_micros(last),
        events,
        rules,
        value,
    }
}

/// ISO 8601 in UTC, as results print datetimes.
pub fn format_micros(micros: i64) -> String {
    crate::value::format_datetime(micros.saturating_mul(10))
}

/// A timestamp as microseconds since the Unix epoch: ISO 8601 text, or a number of
/// seconds, milliseconds or microseconds since the epoch.
pub fn timestamp(value: &Json) -> Option<i64> {
    match value {
        Json::String(text) => {
            crate::sigma::datetime::DateTime::parse(text).map(|d| d.unix_micros())
        }
        Json::Number(n) => {
            let f = n.as_f64()?;
            if !f.is_finite() || f < 0.0 {
                return None;
            }
            let micros = if f < 1e11 {
                f * 1e6
            } else if f < 1e14 {
                f * 1e3
            } else {
                f
            };
            Some(micros as i64)
        }
        _ => None,
    }
}

/// Field names tried, in order, for an event's time when none is configured.
pub const TIMESTAMP_FIELDS: &[&str] = &[
    "@timestamp",
    "timestamp",
    "Timestamp",
    "TimeCreated",
    "UtcTime",
    "TimeGenerated",
    "EventTime",
    "time",
    "_time",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigma::ast::CompareOp;

    fn correlation(kind: CorrelationType, members: usize, timespan_s: i64) -> CompiledCorrelation {
        CompiledCorrelation {
            source: 0,
            document: 0,
            id: None,
            name: Some("c".into()),
            title: "c".into(),
            level: None,
            reference: "c".into(),
            kind,
            members: (0..members)
                .map(|i| Member {
                    reference: format!("r{i}"),
                    target: Target::Rule(i),
                })
                .collect(),
            group_by: vec!["User".into()],
            aliases: BTreeMap::new(),
            timespan_micros: timespan_s * 1_000_000,
            comparisons: Vec::new(),
            fields: Vec::new(),
            percentile: 95.0,
            expression: None,
            is_hidden: false,
        }
    }

    fn hit(member: usize, second: i64, event: usize, user: &str, value: Option<&str>) -> Hit {
        Hit {
            member,
            time: second * 1_000_000,
            events: vec![event],
            group: vec![Some(user.to_string())],
            values: vec![value.map(str::to_string)],
        }
    }

    #[test]
    fn event_count_slides_and_starts_over_after_a_match() {
        let mut c = correlation(CorrelationType::EventCount, 1, 60);
        c.comparisons = vec![(CompareOp::Gte, 3.0)];
        let hits = vec![
            hit(0, 0, 0, "alice", None),
            hit(0, 10, 1, "alice", None),
            hit(0, 100, 2, "alice", None), // the first two fell out of the window
            hit(0, 110, 3, "alice", None),
            hit(0, 120, 4, "alice", None), // 3 within 60 s: match
            hit(0, 121, 5, "alice", None), // starts over: 1
            hit(0, 5, 6, "bob", None),
        ];
        let matches = evaluate(&c, hits);
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].events, [2, 3, 4]);
        assert_eq!(matches[0].value, 3.0);
        assert_eq!(matches[0].group["User"].as_deref(), Some("alice"));
        assert_eq!(matches[0].first, "1970-01-01T00:01:40Z");
    }

    #[test]
    fn ranges_are_and_ed() {
        let mut c = correlation(CorrelationType::EventCount, 1, 3600);
        c.comparisons = vec![(CompareOp::Gt, 1.0), (CompareOp::Lte, 2.0)];
        let hits = (0..5).map(|i| hit(0, i, i as usize, "u", None)).collect();
        let matches = evaluate(&c, hits);
        // 2 events satisfy "more than 1, at most 2"; then it starts over.
        assert_eq!(matches.len(), 2);
        assert!(matches.iter().all(|m| m.value == 2.0));
    }

    #[test]
    fn value_count_counts_distinct_values() {
        let mut c = correlation(CorrelationType::ValueCount, 1, 3600);
        c.comparisons = vec![(CompareOp::Gte, 3.0)];
        let hits = vec![
            hit(0, 1, 0, "host", Some("a")),
            hit(0, 2, 1, "host", Some("a")),
            hit(0, 3, 2, "host", Some("b")),
            hit(0, 4, 3, "host", None),
            hit(0, 5, 4, "host", Some("c")),
        ];
        let matches = evaluate(&c, hits);
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].value, 3.0);
        assert_eq!(matches[0].events.last(), Some(&4));
    }

    #[test]
    fn temporal_needs_every_rule_in_the_window() {
        let c = correlation(CorrelationType::Temporal, 3, 300);
        let hits = vec![
            hit(2, 0, 0, "u", None),
            hit(0, 100, 1, "u", None),
            hit(1, 200, 2, "u", None), // all three within 300 s
            hit(0, 1000, 3, "u", None),
            hit(1, 1400, 4, "u", None), // r2 missing
        ];
        let matches = evaluate(&c, hits);
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].events, [0, 1, 2]);
        assert_eq!(matches[0].rules, ["r2", "r0", "r1"]);
    }

    #[test]
    fn temporal_ordered_needs_the_listed_order() {
        let c = correlation(CorrelationType::TemporalOrdered, 2, 600);
        let wrong_order = vec![hit(1, 0, 0, "u", None), hit(0, 10, 1, "u", None)];
        assert!(evaluate(&c, wrong_order).is_empty());
        let right_order = vec![
            hit(1, 0, 0, "u", None),
            hit(0, 10, 1, "u", None),
            hit(1, 20, 2, "u", None),
        ];
        let matches = evaluate(&c, right_order);
        assert_eq!(matches.len(), 1);
        assert_eq!(matches[0].events, [0, 1, 2]);
        // Same order but too far apart.
        let far = vec![hit(0, 0, 0, "u", None), hit(1, 700, 1, "u", None)];
        assert!(evaluate(&c, far).is_empty());
    }

    #[test]
    fn temporal_with_an_expression() {
        let mut c = correlation(CorrelationType::Temporal, 2, 60);
        c.expression = Some(Cond::And(vec![
            Cond::Selection(0),
            Cond::Not(Box::new(Cond::Selection(1))),
        ]));
        let matches = evaluate(&c, vec![hit(0, 0, 0, "u", None)]);
        assert_eq!(matches.len(), 1);
        let none = evaluate(&c, vec![hit(1, 0, 0, "u", None), hit(0, 1, 1, "u", None)]);
        assert!(none.is_empty());
    }

    #[test]
    fn value_aggregates() {
        let values = ["100", "200", "300", "1000"];
        let hits = |c: &CompiledCorrelation| {
            let _ = c;
            values
                .iter()
                .enumerate()
                .map(|(i, v)| hit(0, i as i64, i, "u", Some(v)))
                .collect::<Vec<_>>()
        };
        let mut sum = correlation(CorrelationType::ValueSum, 1, 3600);
        sum.comparisons = vec![(CompareOp::Gt, 1500.0)];
        let m = evaluate(&sum, hits(&sum));
        assert_eq!((m.len(), m[0].value), (1, 1600.0));

        let mut avg = correlation(CorrelationType::ValueAvg, 1, 3600);
        avg.comparisons = vec![(CompareOp::Gte, 200.0)];
        let m = evaluate(&avg, hits(&avg));
        // Averages: 100, 150, 200 → fires at the third value; then 1000 alone.
        assert_eq!((m.len(), m[0].value, m[0].events.len()), (2, 200.0, 3));

        let mut median = correlation(CorrelationType::ValueMedian, 1, 3600);
        median.comparisons = vec![(CompareOp::Eq, 250.0)];
        let m = evaluate(&median, hits(&median));
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].events.len(), 4);

        let mut percentile = correlation(CorrelationType::ValuePercentile, 1, 3600);
        percentile.percentile = 50.0;
        percentile.comparisons = vec![(CompareOp::Gte, 300.0)];
        let m = evaluate(&percentile, hits(&percentile));
        // Sorted [100, 200, 300, 1000]: index ⌊4·0.5⌋ = 2 → 300.
        assert_eq!((m.len(), m[0].value), (1, 300.0));
    }

    #[test]
    fn timestamps_and_fields() {
        let event = serde_json::json!({"a": {"b": 5}, "t": "2024-01-01T00:00:01Z", "x.y": "flat"});
        assert_eq!(field_text(&event, "a.b").as_deref(), Some("5"));
        assert_eq!(field_text(&event, "x.y").as_deref(), Some("flat"));
        assert_eq!(timestamp(&event["t"]), Some(1_704_067_201_000_000));
        assert_eq!(
            timestamp(&serde_json::json!(1_704_067_201)),
            Some(1_704_067_201_000_000)
        );
        assert_eq!(
            timestamp(&serde_json::json!(1_704_067_201_000i64)),
            Some(1_704_067_201_000_000)
        );
        assert_eq!(timestamp(&serde_json::json!("soon")), None);
    }
}
