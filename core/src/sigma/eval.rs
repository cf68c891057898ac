//! Evaluates compiled rules on events: routing by logsource, selection tests with memoized
//! results per rule, filters, and the reasons for every match (the selections that matched
//! and the field values that made them match). Correlations run over the matches at the end.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::diagnostic::Diagnostic;
use crate::sigma::codes;
use crate::sigma::compile::{CompiledSelection, Cond, Route, Test, ValueTest};
use crate::sigma::correlation::{
    self, field_text, timestamp, CorrelationMatch, Hit, Target, TIMESTAMP_FIELDS,
};
use crate::sigma::event::{EventView, Scratch, Text};
use crate::sigma::modifiers::{cidr, compare, fieldref};
use crate::sigma::ruleset::{RuleSet, SourceDiagnostic};
use crate::source::Span;

/// How to evaluate.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EvalOptions {
    /// Check an event only against rules whose logsource can produce it (Windows channel
    /// and event ID from the taxonomy). Events without `Channel`/`EventID` reach every rule.
    pub route_by_logsource: bool,
    /// The field holding each event's time, for correlations; by default the first of
    /// `@timestamp`, `timestamp`, `TimeCreated`, `UtcTime`, ... that the event has.
    pub timestamp_field: Option<String>,
    /// Stop reporting matches after this many (a diagnostic says so).
    pub max_matches: usize,
    /// Report the field values behind each match.
    pub explain: bool,
    /// Skip rules whose required literals the event lacks (`prefilter.rs`); off only to
    /// check that it changes nothing.
    pub prefilter: bool,
}

impl Default for EvalOptions {
    fn default() -> EvalOptions {
        EvalOptions {
            route_by_logsource: true,
            timestamp_field: None,
            max_matches: 1_000_000,
            explain: true,
            prefilter: true,
        }
    }
}

/// A rule that matched an event, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// 0-based index of the event.
    pub event: usize,
    /// The rule's id (or name, or title).
    pub rule: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The rule author, which the Detection Rule License asks alerts to carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The selections that matched.
    pub selections: Vec<String>,
    /// The field tests of those selections, with the event's values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldMatch>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldMatch {
    pub selection: String,
    /// The field, or `keywords` for a keyword search.
    pub field: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modifiers: Vec<String>,
    /// The event's value that matched (absent for `null`, `exists` and negated tests).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A Sigma evaluation, as `rulelab eval` and the playground report it.
#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    pub language: &'static str,
    /// How many events were evaluated.
    pub events: usize,
    /// How many detection and correlation rules took part.
    pub rules: usize,
    pub matches: Vec<Match>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub correlations: Vec<CorrelationMatch>,
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics of the rule files, when several were evaluated together.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rule_diagnostics: Vec<SourceDiagnostic>,
}

type RouteKey = (Option<String>, Option<String>, Option<i64>);

/// Evaluates events one at a time (for streams), then the correlations.
pub struct Evaluator<'r> {
    set: &'r RuleSet,
    options: EvalOptions,
    scratch: Scratch,
    memo: Vec<u8>,
    routes: HashMap<RouteKey, Vec<u32>>,
    all_rules: Vec<u32>,
    /// One bit per rule: its prefilter literals were found in the current event.
    passed: Vec<u64>,
    hits: Vec<Vec<Hit>>,
    /// Correlations fed by each detection rule.
    feeds: Vec<Vec<usize>>,
    events: usize,
    matches: usize,
    without_time: usize,
    truncated: bool,
}

const UNKNOWN: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;

impl<'r> Evaluator<'r> {
    pub fn new(set: &'r RuleSet, options: EvalOptions) -> Evaluator<'r> {
        let mut feeds = vec![Vec::new(); set.rules.len()];
        for (c, correlation) in set.correlations.iter().enumerate() {
            for member in &correlation.members {
                if let Target::Rule(r) = member.target {
                    if let Some(feed) = feeds.get_mut(r) {
                        if !feed.contains(&c) {
                            feed.push(c);
                        }
                    }
                }
            }
        }
        Evaluator {
            set,
            options,
            scratch: Scratch::new(&set.fields),
            memo: Vec::new(),
            routes: HashMap::new(),
            all_rules: (0..set.rules.len() as u32).collect(),
            passed: vec![0; set.rules.len().div_ceil(64)],
            hits: vec![Vec::new(); set.correlations.len()],
            feeds,
            events: 0,
            matches: 0,
            without_time: 0,
            truncated: false,
        }
    }

    /// Evaluates the next event; returns the matches to report.
    pub fn push(&mut self, event: &Json) -> Vec<Match> {
        let index = self.events;
        self.events += 1;
        let set = self.set;
        let view = EventView::new(event, &set.fields, &mut self.scratch);
        let candidates: &[u32] = if self.options.route_by_logsource {
            let key = route_key(set, &view);
            self.routes
                .entry(key)
                .or_insert_with_key(|key| candidates(set, key))
        } else {
            &self.all_rules
        };
        let use_prefilter = self.options.prefilter;
        if use_prefilter {
            self.passed.iter_mut().for_each(|w| *w = 0);
            set.prefilter.scan(&view, &mut self.passed);
        }
        let mut matched_rules = Vec::new();
        for &r in candidates {
            let index = r as usize;
            let constrained = set
                .prefilter
                .constrained
                .get(index)
                .copied()
                .unwrap_or(false);
            let passed = self
                .passed
                .get(index / 64)
                .is_some_and(|w| w & (1 << (index % 64)) != 0);
            if use_prefilter && constrained && !passed {
                continue;
            }
            let Some(rule) = set.rules.get(index) else {
                continue;
            };
            if rule_matches(rule, &view, &mut self.memo) {
                matched_rules.push(r as usize);
            }
        }
        let mut out = Vec::new();
        for r in matched_rules {
            let Some(rule) = set.rules.get(r) else {
                continue;
            };
            if let Some(feeds) = self.feeds.get(r) {
                for &c in feeds {
                    let Some(correlation) = set.correlations.get(c) else {
                        continue;
                    };
                    let Some(member) = correlation
                        .members
                        .iter()
                        .position(|m| m.target == Target::Rule(r))
                    else {
                        continue;
                    };
                    let Some(time) = event_time(event, self.options.timestamp_field.as_deref())
                    else {
                        self.without_time += 1;
                        continue;
                    };
                    let group = correlation
                        .group_by
                        .iter()
                        .map(|g| field_text(event, &correlation.field_for(member, g)))
                        .collect();
                    let values = correlation
                        .fields
                        .iter()
                        .map(|f| field_text(event, &correlation.field_for(member, f)))
                        .collect();
                    if let Some(hits) = self.hits.get_mut(c) {
                        hits.push(Hit {
                            member,
                            time,
                            events: vec![index],
                            group,
                            values,
                        });
                    }
                }
            }
            if rule.is_hidden {
                continue;
            }
            if self.matches >= self.options.max_matches {
                self.truncated = true;
                continue;
            }
            self.matches += 1;
            out.push(explain(
                rule,
                index,
                &view,
                &mut self.memo,
                self.options.explain,
            ));
        }
        drop(view);
        out
    }

    pub fn events_seen(&self) -> usize {
        self.events
    }

    /// Runs the correlations over what was seen; returns their matches and any
    /// evaluation diagnostics.
    pub fn finish(self) -> (Vec<CorrelationMatch>, Vec<Diagnostic>) {
        let set = self.set;
        let mut hits = self.hits;
        let mut produced: Vec<Vec<CorrelationMatch>> = vec![Vec::new(); set.correlations.len()];
        for c in set.correlation_order() {
            let Some(correlation) = set.correlations.get(c) else {
                continue;
            };
            // Matches of inner correlations become hits of this one.
            for (member_index, member) in correlation.members.iter().enumerate() {
                let Target::Correlation(inner) = member.target else {
                    continue;
                };
                let Some(inner_matches) = produced.get(inner) else {
                    continue;
                };
                let new_hits: Vec<Hit> = inner_matches
                    .iter()
                    .map(|m| Hit {
                        member: member_index,
                        time: m.last_micros,
                        events: m.events.clone(),
                        group: correlation
                            .group_by
                            .iter()
                            .map(|g| {
                                let field = correlation.field_for(member_index, g);
                                m.group.get(&field).cloned().flatten()
                            })
                            .collect(),
                        values: correlation
                            .fields
                            .iter()
                            .map(|f| m.group.get(f).cloned().flatten())
                            .collect(),
                    })
                    .collect();
                if let Some(h) = hits.get_mut(c) {
                    h.extend(new_hits);
                }
            }
            let own = hits.get_mut(c).map(std::mem::take).unwrap_or_default();
            if let Some(slot) = produced.get_mut(c) {
                *slot = correlation::evaluate(correlation, own);
            }
        }
        let mut out = Vec::new();
        for (c, matches) in produced.into_iter().enumerate() {
            if set.correlations.get(c).is_some_and(|c| !c.is_hidden) {
                out.extend(matches);
            }
        }
        out.sort_by_key(|m| (m.last_micros, m.first_micros));
        let mut diagnostics = Vec::new();
        if self.without_time > 0 {
            let fields = self
                .options
                .timestamp_field
                .clone()
                .unwrap_or_else(|| TIMESTAMP_FIELDS.join(", "));
            diagnostics.push(
                codes::EVALUATION_LIMIT
                    .at(
                        format!(
                            "{} matches had no readable timestamp and were left out of \
                             correlations (looked at: {fields})",
                            self.without_time
                        ),
                        Span::default(),
                    )
                    .with_help("give events an ISO 8601 time field, or name it with the timestamp field option"),
            );
        }
        if self.truncated {
            diagnostics.push(
                codes::EVALUATION_LIMIT
                    .at(
                        format!(
                            "stopped reporting after {} matches (max_matches)",
                            self.options.max_matches
                        ),
                        Span::default(),
                    )
                    .with_help("raise the limit with the max_matches option"),
            );
        }
        (out, diagnostics)
    }
}

impl RuleSet {
    /// Evaluates events with these rules.
    pub fn evaluate(&self, events: &[Json], options: &EvalOptions) -> Evaluation {
        let mut evaluator = Evaluator::new(self, options.clone());
        let mut matches = Vec::new();
        for event in events {
            matches.extend(evaluator.push(event));
        }
        let (correlations, diagnostics) = evaluator.finish();
        Evaluation {
            language: "sigma",
            events: events.len(),
            rules: self.rules.len() + self.correlations.len(),
            matches,
            correlations,
            diagnostics,
            rule_diagnostics: self.diagnostics.clone(),
        }
    }
}

fn event_time(event: &Json, field: Option<&str>) -> Option<i64> {
    match field {
        Some(field) => event
            .get(field)
            .and_then(timestamp)
            .or_else(|| field_text(event, field).and_then(|t| timestamp(&Json::String(t)))),
        None => TIMESTAMP_FIELDS
            .iter()
            .find_map(|f| event.get(*f).and_then(timestamp)),
    }
}

fn route_key(set: &RuleSet, view: &EventView<'_, '_>) -> RouteKey {
    let text = |id| {
        view.field(id)
            .and_then(|slot| slot.texts().first().map(|t: &Text<'_>| t.lower.to_string()))
    };
    let event_id = view.field(set.event_id_field).and_then(|slot| {
        slot.texts()
            .first()
            .and_then(|t| t.raw.trim().parse::<i64>().ok())
    });
    (text(set.channel_field), text(set.provider_field), event_id)
}

/// The rules an event with this channel / provider / event ID can reach.
fn candidates(set: &RuleSet, key: &RouteKey) -> Vec<u32> {
    let (channel, provider, event_id) = key;
    let is_windows = channel
        .as_ref()
        .is_some_and(|c| set.windows_channels.contains(c));
    set.rules
        .iter()
        .enumerate()
        .filter(|(_, rule)| match &rule.route {
            Route::Any => true,
            Route::NotWindows => !is_windows,
            Route::Sources(sources) => sources.iter().any(|s| {
                let channel_ok = match (&s.channel, channel) {
                    (Some(want), Some(have)) => want == have,
                    _ => true,
                };
                let provider_ok = s.channel.is_some()
                    || match (&s.provider, provider) {
                        (Some(want), Some(have)) => want == have,
                        _ => true,
                    };
                let id_ok =
                    s.event_ids.is_empty() || event_id.is_none_or(|id| s.event_ids.contains(&id));
                channel_ok && provider_ok && id_ok
            }),
        })
        .map(|(i, _)| i as u32)
        .collect()
}

fn rule_matches(
    rule: &crate::sigma::compile::CompiledRule,
    view: &EventView<'_, '_>,
    memo: &mut Vec<u8>,
) -> bool {
    memo.clear();
    memo.resize(rule.selections.len(), UNKNOWN);
    if !eval_cond(&rule.condition, &rule.selections, view, memo, 0) {
        return false;
    }
    for filter in &rule.filters {
        memo.clear();
        memo.resize(filter.selections.len(), UNKNOWN);
        if !eval_cond(&filter.condition, &filter.selections, view, memo, 0) {
            return false;
        }
    }
    true
}

fn eval_cond(
    cond: &Cond,
    selections: &[CompiledSelection],
    view: &EventView<'_, '_>,
    memo: &mut [u8],
    depth: usize,
) -> bool {
    if depth > 256 {
        return false;
    }
    match cond {
        Cond::Selection(i) => selection(*i, selections, view, memo),
        Cond::Not(inner) => !eval_cond(inner, selections, view, memo, depth + 1),
        Cond::And(items) => items
            .iter()
            .all(|c| eval_cond(c, selections, view, memo, depth + 1)),
        Cond::Or(items) => items
            .iter()
            .any(|c| eval_cond(c, selections, view, memo, depth + 1)),
        Cond::AtLeast(n, items) => {
            let mut count = 0u32;
            for i in items {
                if selection(*i, selections, view, memo) {
                    count += 1;
                    if count >= *n {
                        return true;
                    }
                }
            }
            false
        }
        Cond::Const(b) => *b,
    }
}

fn selection(
    i: usize,
    selections: &[CompiledSelection],
    view: &EventView<'_, '_>,
    memo: &mut [u8],
) -> bool {
    match memo.get(i) {
        Some(&TRUE) => return true,
        Some(&FALSE) => return false,
        _ => {}
    }
    let result = selections.get(i).is_some_and(|s| {
        s.groups
            .iter()
            .any(|g| g.iter().all(|t| test(t, view).is_some()))
    });
    if let Some(slot) = memo.get_mut(i) {
        *slot = if result { TRUE } else { FALSE };
    }
    result
}

/// Where a test found its match: in one of the field's texts, or without a value (`null`,
/// `exists`, negated tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Found {
    Text(usize),
    NoValue,
}

/// The texts a test reads: the field's, or every value of the event for keywords.
fn texts_of<'v>(test: &Test, view: &'v EventView<'_, '_>) -> Option<&'v [Text<'v>]> {
    match test.field {
        None => Some(view.all_texts()),
        Some(id) => view.field(id).filter(|s| !s.is_null()).map(|s| s.texts()),
    }
}

/// Whether a test holds, and where.
fn test(test: &Test, view: &EventView<'_, '_>) -> Option<Found> {
    let texts: &[Text<'_>] = match test.field {
        None => view.all_texts(),
        Some(id) => match view.field(id) {
            None => {
                let holds = absent(test, true);
                return (holds != test.negate).then_some(Found::NoValue);
            }
            Some(slot) if slot.is_null() => {
                let holds = absent(test, false);
                return (holds != test.negate).then_some(Found::NoValue);
            }
            Some(slot) => slot.texts(),
        },
    };
    let mut found: Option<Found> = None;
    let mut check = |value: &ValueTest| -> bool {
        match value_test(test, value, texts, view) {
            Some(at) => {
                if found.is_none() || found == Some(Found::NoValue) {
                    found = Some(at);
                }
                true
            }
            None => false,
        }
    };
    let holds = if test.all {
        test.values.iter().all(&mut check)
    } else {
        test.values.iter().any(&mut check)
    };
    if test.negate {
        (!holds).then_some(Found::NoValue)
    } else if holds {
        Some(found.unwrap_or(Found::NoValue))
    } else {
        None
    }
}

/// A missing (`missing`) or null field: only `null` and `exists` tests can hold.
fn absent(test: &Test, missing: bool) -> bool {
    let check = |v: &ValueTest| match v {
        ValueTest::Null => true,
        ValueTest::Exists(wanted) => *wanted != missing,
        _ => false,
    };
    if test.all {
        test.values.iter().all(check)
    } else {
        test.values.iter().any(check)
    }
}

/// One value against a field's texts: where it holds, if it does.
fn value_test(
    test: &Test,
    value: &ValueTest,
    texts: &[Text<'_>],
    view: &EventView<'_, '_>,
) -> Option<Found> {
    let position = |f: &dyn Fn(&Text<'_>) -> bool| texts.iter().position(f).map(Found::Text);
    match value {
        ValueTest::Text(matcher) => position(&|t| matcher.is_match(t.get(matcher.cased))),
        ValueTest::Null => None,
        ValueTest::Exists(wanted) => wanted.then_some(Found::NoValue),
        ValueTest::Regex(regex) => position(&|t| regex.is_match(&t.raw)),
        ValueTest::Cidr(net) => position(&|t| cidr::contains(net, &t.raw)),
        ValueTest::Compare(comparison, number) => position(&|t| {
            let field = match test.time_part {
                Some(part) => part.extract(&t.raw).map(|n| n as f64),
                None => compare::number(&t.raw),
            };
            field.is_some_and(|f| comparison.holds(f, *number))
        }),
        ValueTest::Equals(number) => position(&|t| {
            let field = match test.time_part {
                Some(part) => part.extract(&t.raw).map(|n| n as f64),
                None => compare::number(&t.raw),
            };
            field == Some(*number)
        }),
        ValueTest::FieldRef {
            field,
            position: where_,
            cased,
        } => {
            let other = view.field(*field)?;
            let other_texts = other.texts();
            position(&|t| {
                other_texts
                    .iter()
                    .any(|o| fieldref::matches(t.get(*cased), o.get(*cased), *where_))
            })
        }
        ValueTest::Never => None,
    }
}

/// The reasons for a match: the selections that hold and the tests behind them.
fn explain(
    rule: &crate::sigma::compile::CompiledRule,
    event: usize,
    view: &EventView<'_, '_>,
    memo: &mut Vec<u8>,
    with_fields: bool,
) -> Match {
    memo.clear();
    memo.resize(rule.selections.len(), UNKNOWN);
    let mut selections = Vec::new();
    let mut fields = Vec::new();
    for (i, s) in rule.selections.iter().enumerate() {
        if !selection(i, &rule.selections, view, memo) {
            continue;
        }
        selections.push(s.name.clone());
        if !with_fields {
            continue;
        }
        let Some(group) = s
            .groups
            .iter()
            .find(|g| g.iter().all(|t| self::test(t, view).is_some()))
        else {
            continue;
        };
        for t in group {
            let value = match self::test(t, view) {
                Some(Found::Text(i)) => texts_of(t, view)
                    .and_then(|texts| texts.get(i))
                    .map(|text| text.raw.to_string()),
                _ => None,
            };
            fields.push(FieldMatch {
                selection: s.name.clone(),
                field: t.label.clone(),
                modifiers: t.modifiers.clone(),
                value,
            });
        }
    }
    Match {
        event,
        rule: rule.reference.clone(),
        title: rule.title.clone(),
        level: rule.level.clone(),
        author: rule.author.clone(),
        selections,
        fields,
    }
}
