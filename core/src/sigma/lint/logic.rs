//! Conditions as boolean formulas over their selections, for the rules about conditions
//! that can never (or always) be true and selections that cannot change the result.
//!
//! Each search identifier is a variable; `1 of x*` / `all of x*` / `them` expand to the
//! identifiers they cover. Two selections that require different exact values of the same
//! field cannot both be true, so assignments where both are true are left out. With at most
//! [`MAX_VARIABLES`] identifiers every assignment is tried.

use crate::sigma::ast::*;
use crate::sigma::condition::pattern_matches;
use crate::sigma::lint::has_modifier;
use crate::source::Span;

pub const MAX_VARIABLES: usize = 12;

/// The most expression nodes visited for one condition (assignments x flips x nodes); a
/// bigger table is skipped rather than slowing an editor down.
pub const MAX_WORK: usize = 4_000_000;

fn node_count(expr: &ConditionExpr) -> usize {
    match &expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            1 + items.iter().map(node_count).sum::<usize>()
        }
        ConditionKind::Not(inner) => 1 + node_count(inner),
        _ => 1,
    }
}

/// What the truth table says about one condition.
pub struct Analysis {
    pub satisfiable: bool,
    pub tautology: bool,
    /// Identifiers the condition names but whose value never changes the result, with the
    /// span of their first mention.
    pub irrelevant: Vec<(String, Span)>,
}

fn covered<'a>(names: &'a [&'a str], target: &OfTarget) -> Vec<usize> {
    names
        .iter()
        .enumerate()
        .filter(|(_, n)| match target {
            OfTarget::Them => !n.starts_with('_'),
            OfTarget::Pattern(p) => pattern_matches(p, n),
        })
        .map(|(i, _)| i)
        .collect()
}

/// Every identifier index an expression mentions, with the span of the mention; `None` if
/// the expression has parse errors or names an undefined identifier.
fn mentions(expr: &ConditionExpr, names: &[&str], out: &mut Vec<(usize, Span)>) -> Option<()> {
    match &expr.kind {
        ConditionKind::Or(items) | ConditionKind::And(items) => {
            for item in items {
                mentions(item, names, out)?;
            }
        }
        ConditionKind::Not(inner) => mentions(inner, names, out)?,
        ConditionKind::Identifier(name) => {
            let index = names.iter().position(|n| n == name)?;
            out.push((index, expr.span));
        }
        ConditionKind::Of { target, .. } => {
            for index in covered(names, target) {
                out.push((index, expr.span));
            }
        }
        ConditionKind::Error => return None,
    }
    Some(())
}

fn eval(expr: &ConditionExpr, names: &[&str], values: &[bool]) -> bool {
    match &expr.kind {
        ConditionKind::Or(items) => items.iter().any(|i| eval(i, names, values)),
        ConditionKind::And(items) => items.iter().all(|i| eval(i, names, values)),
        ConditionKind::Not(inner) => !eval(inner, names, values),
        ConditionKind::Identifier(name) => names
            .iter()
            .position(|n| n == name)
            .and_then(|i| values.get(i).copied())
            .unwrap_or(false),
        ConditionKind::Of { quantifier, target } => {
            let indices = covered(names, target);
            let count = indices
                .iter()
                .filter(|&&i| values.get(i).copied().unwrap_or(false))
                .count();
            match quantifier {
                Quantifier::One => count >= 1,
                Quantifier::All => count == indices.len(),
                Quantifier::AtLeast(n) => count >= *n as usize,
            }
        }
        ConditionKind::Error => false,
    }
}

/// Exact values a selection requires of a field: `Field: value(s)` without modifiers,
/// wildcards or nulls, lower-cased.
fn exact_fields(selection: &Selection) -> Vec<(&str, Vec<String>)> {
    let SelectionBody::Map(group) = &selection.body else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in &group.items {
        let Some(field) = &item.field else { continue };
        if !item.modifiers.is_empty()
            || item.values.is_empty()
            || has_modifier(item, crate::sigma::modifiers::Modifier::All)
        {
            continue;
        }
        let mut values = Vec::new();
        for value in &item.values {
            match value.value.text() {
                Some(text) if !text.contains(['*', '?', '\\']) => values.push(text.to_lowercase()),
                _ => {
                    values.clear();
                    break;
                }
            }
        }
        if !values.is_empty() {
            out.push((field.value.as_str(), values));
        }
    }
    out
}

/// Pairs of selections that cannot both match one event.
pub fn conflicts(detection: &Detection, names: &[&str]) -> Vec<(usize, usize)> {
    let fields: Vec<_> = names
        .iter()
        .map(|n| detection.selection(n).map(exact_fields).unwrap_or_default())
        .collect();
    let mut out = Vec::new();
    for (i, a) in fields.iter().enumerate() {
        for (j, b) in fields.iter().enumerate().skip(i + 1) {
            let disjoint = a.iter().any(|(field, values)| {
                b.iter().any(|(other, others)| {
                    field == other && !values.iter().any(|v| others.contains(v))
                })
            });
            if disjoint {
                out.push((i, j));
            }
        }
    }
    out
}

/// The truth table of one condition, or `None` when it is too big or has errors.
pub fn analyze(detection: &Detection, expr: &ConditionExpr) -> Option<Analysis> {
    let names: Vec<&str> = detection
        .selections
        .iter()
        .map(|s| s.name.value.as_str())
        .collect();
    let mut found = Vec::new();
    mentions(expr, &names, &mut found)?;
    let mut used: Vec<usize> = found.iter().map(|(i, _)| *i).collect();
    used.sort_unstable();
    used.dedup();
    if used.is_empty() || used.len() > MAX_VARIABLES {
        return None;
    }
    let work = (1usize << used.len()) * (used.len() + 1) * (node_count(expr) + names.len());
    if work > MAX_WORK {
        return None;
    }
    let conflicts = conflicts(detection, &names);
    let consistent = |values: &[bool]| {
        !conflicts
            .iter()
            .any(|(a, b)| values.get(*a) == Some(&true) && values.get(*b) == Some(&true))
    };
    let mut values = vec![false; names.len()];
    let assign = |bits: u32, values: &mut Vec<bool>| {
        for (k, &index) in used.iter().enumerate() {
            if let Some(slot) = values.get_mut(index) {
                *slot = bits & (1 << k) != 0;
            }
        }
    };
    let mut satisfiable = false;
    let mut tautology = true;
    let mut relevant = vec![false; used.len()];
    for bits in 0..(1u32 << used.len()) {
        assign(bits, &mut values);
        if !consistent(&values) {
            continue;
        }
        let result = eval(expr, &names, &values);
        satisfiable |= result;
        tautology &= result;
        for (k, seen) in relevant.iter_mut().enumerate() {
            if *seen || bits & (1 << k) != 0 {
                continue;
            }
            let mut flipped = values.clone();
            if let Some(&index) = used.get(k) {
                if let Some(slot) = flipped.get_mut(index) {
                    *slot = true;
                }
            }
            if consistent(&flipped) && eval(expr, &names, &flipped) != result {
                *seen = true;
            }
        }
    }
    let irrelevant = used
        .iter()
        .zip(&relevant)
        .filter(|(_, r)| !**r)
        .filter_map(|(&index, _)| {
            let span = found.iter().find(|(i, _)| *i == index)?.1;
            Some((names.get(index)?.to_string(), span))
        })
        .collect();
    Some(Analysis {
        satisfiable,
        tautology,
        irrelevant,
    })
}
