//! The cross-rule prefilter. Most rules cannot match most events, and most rules say so
//! with a literal: `Image|endswith: '\whoami.exe'` needs `\whoami.exe` in `Image`. For each
//! rule, a set of `(field, literal)` pairs one of which any matching event must contain is
//! derived from its condition (conservatively: `and` takes its most selective operand, `or`
//! the union, `not` gives up). All literals of a field go into one Aho-Corasick automaton;
//! one scan of each field per event finds the rules worth evaluating. Rules without such a
//! guarantee are always evaluated.
//!
//! The literals are taken from the same lower-cased patterns the matchers use, so the
//! prefilter never skips a rule that would match.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use crate::sigma::compile::{CompiledRule, CompiledSelection, Cond, Test};
use crate::sigma::event::{EventView, FieldId};
use crate::sigma::pattern::{Part, Pattern};

/// Alternatives beyond this many make a constraint too weak to be worth it.
const MAX_ALTERNATIVES: usize = 64;

/// The literals one of which a test's field must contain (`values` are the patterns of
/// each rule value, already through the modifiers; `all` AND-s the values).
pub(crate) fn test_needles(values: &[Vec<Pattern>], all: bool) -> Option<Vec<String>> {
    let per_value: Vec<Option<Vec<String>>> = values
        .iter()
        .map(|variants| {
            if variants.is_empty() {
                return None;
            }
            variants
                .iter()
                .map(|p| longest_literal(&p.lowercase()))
                .collect::<Option<Vec<String>>>()
        })
        .collect();
    if per_value.is_empty() {
        return None;
    }
    if all {
        // Every value must hold: any one value's literals are necessary.
        per_value.into_iter().flatten().max_by_key(|n| score(n))
    } else {
        let mut union = Vec::new();
        for needles in per_value {
            union.extend(needles?);
        }
        union.sort();
        union.dedup();
        (union.len() <= MAX_ALTERNATIVES).then_some(union)
    }
}

/// The longest literal piece of a pattern (what any match must contain), if not empty.
fn longest_literal(pattern: &Pattern) -> Option<String> {
    pattern
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Literal(s) => Some(s),
            _ => None,
        })
        .max_by_key(|s| s.len())
        .filter(|s| !s.is_empty())
        .cloned()
}

/// Higher is more selective: long literals, few alternatives.
fn score(needles: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = needles.iter().map(String::len).min().unwrap_or(0);
    (shortest.min(16), std::cmp::Reverse(needles.len()))
}

type Constraint = Vec<(FieldId, String)>;

fn constraint_score(c: &Constraint) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = c.iter().map(|(_, n)| n.len()).min().unwrap_or(0);
    (shortest.min(16), std::cmp::Reverse(c.len()))
}

/// The constraint of a rule, from its condition.
pub(crate) fn rule_needles(rule: &CompiledRule) -> Option<Constraint> {
    let constraint = necessary(&rule.condition, &rule.selections, 0)?;
    (!constraint.is_empty() && constraint.len() <= MAX_ALTERNATIVES).then_some(constraint)
}

fn necessary(cond: &Cond, selections: &[CompiledSelection], depth: usize) -> Option<Constraint> {
    if depth > 64 {
        return None;
    }
    match cond {
        Cond::Selection(i) => selection_needles(selections.get(*i)?),
        Cond::And(items) => items
            .iter()
            .filter_map(|c| necessary(c, selections, depth + 1))
            .max_by_key(constraint_score),
        Cond::Or(items) => union(items.iter().map(|c| necessary(c, selections, depth + 1))),
        Cond::AtLeast(n, items) if *n >= 1 => union(
            items
                .iter()
                .map(|i| selections.get(*i).and_then(selection_needles)),
        ),
        Cond::AtLeast(..) | Cond::Not(_) | Cond::Const(_) => None,
    }
}

fn union(parts: impl Iterator<Item = Option<Constraint>>) -> Option<Constraint> {
    let mut out = Vec::new();
    for part in parts {
        out.extend(part?);
        if out.len() > MAX_ALTERNATIVES {
            return None;
        }
    }
    Some(out)
}

/// A selection holds when one of its groups does; a group when all its tests do.
fn selection_needles(selection: &CompiledSelection) -> Option<Constraint> {
    if selection.groups.is_empty() {
        return None;
    }
    union(selection.groups.iter().map(|group| {
        group
            .iter()
            .filter_map(test_constraint)
            .max_by_key(constraint_score)
    }))
}

fn test_constraint(test: &Test) -> Option<Constraint> {
    let field = test.field?;
    let needles = test.needles.as_ref()?;
    Some(needles.iter().map(|n| (field, n.clone())).collect())
}

/// The automata of all rules' constraints, per field.
#[derive(Debug, Default)]
pub(crate) struct Prefilter {
    fields: Vec<FieldAutomaton>,
    /// Rules with a constraint (the others are always evaluated).
    pub constrained: Vec<bool>,
}

#[derive(Debug)]
struct FieldAutomaton {
    field: FieldId,
    automaton: AhoCorasick,
    /// Per needle: the rules it lets through.
    rules: Vec<Vec<u32>>,
}

impl Prefilter {
    pub(crate) fn build(rules: &[CompiledRule]) -> Prefilter {
        let mut by_field: HashMap<FieldId, HashMap<String, Vec<u32>>> = HashMap::new();
        let mut constrained = vec![false; rules.len()];
        for (r, rule) in rules.iter().enumerate() {
            let Some(constraint) = &rule.prefilter else {
                continue;
            };
            if let Some(flag) = constrained.get_mut(r) {
                *flag = true;
            }
            for (field, needle) in constraint {
                let list = by_field
                    .entry(*field)
                    .or_default()
                    .entry(needle.clone())
                    .or_default();
                if list.last() != Some(&(r as u32)) {
                    list.push(r as u32);
                }
            }
        }
        let mut fields = Vec::new();
        let mut entries: Vec<_> = by_field.into_iter().collect();
        entries.sort_by_key(|(f, _)| *f);
        for (field, needles) in entries {
            let mut needles: Vec<(String, Vec<u32>)> = needles.into_iter().collect();
            needles.sort();
            // A contiguous NFA: a fraction of a DFA's memory, nearly its speed here.
            let built = AhoCorasickBuilder::new()
                .kind(Some(AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::Standard)
                .build(needles.iter().map(|(n, _)| n.as_bytes()));
            match built {
                Ok(automaton) => fields.push(FieldAutomaton {
                    field,
                    automaton,
                    rules: needles.into_iter().map(|(_, r)| r).collect(),
                }),
                Err(_) => {
                    // Without an automaton the rules of this field cannot be filtered.
                    for (_, rs) in needles {
                        for r in rs {
                            if let Some(flag) = constrained.get_mut(r as usize) {
                                *flag = false;
                            }
                        }
                    }
                }
            }
        }
        Prefilter {
            fields,
            constrained,
        }
    }

    /// Marks in `passed` (one bit per rule) the constrained rules whose literals the event
    /// contains.
    pub(crate) fn scan(&self, view: &EventView<'_, '_>, passed: &mut [u64]) {
        for field in &self.fields {
            let Some(slot) = view.field(field.field) else {
                continue;
            };
            for text in slot.texts() {
                for found in field.automaton.find_overlapping_iter(text.lower.as_ref()) {
                    let Some(rules) = field.rules.get(found.pattern().as_usize()) else {
                        continue;
                    };
                    for &r in rules {
                        if let Some(word) = passed.get_mut(r as usize / 64) {
                            *word |= 1 << (r % 64);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patterns(values: &[&[&str]]) -> Vec<Vec<Pattern>> {
        values
            .iter()
            .map(|v| v.iter().map(|p| Pattern::parse(p)).collect())
            .collect()
    }

    #[test]
    fn needles_of_tests() {
        // OR of values: every value's literal.
        assert_eq!(
            test_needles(&patterns(&[&["*\\Whoami.exe"], &["*\\cmd.exe"]]), false),
            Some(vec!["\\cmd.exe".to_string(), "\\whoami.exe".to_string()])
        );
        // AND of values: the most selective one.
        assert_eq!(
            test_needles(&patterns(&[&["* /u*"], &["*privilege*"]]), true),
            Some(vec!["privilege".to_string()])
        );
        // A value that matches anything gives no guarantee.
        assert_eq!(test_needles(&patterns(&[&["*"], &["x"]]), false), None);
        // Wildcards inside: the longest literal piece.
        assert_eq!(
            test_needles(&patterns(&[&["*tasklist*|*find*"]]), false),
            Some(vec!["tasklist".to_string()])
        );
    }
}
