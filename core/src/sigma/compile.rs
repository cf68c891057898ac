//! Compiles parsed rules once into matchers: selections into OR-of-AND groups of field
//! tests, each test's values into one [`TextMatcher`] (or regex, CIDR, comparison ...),
//! conditions into small trees over selection indices (`1 of x*` expanded), filters into
//! extra conditions on the rules they name, and logsources into routes (taxonomy).

use std::collections::BTreeMap;

use ipnet::IpNet;
use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::sigma::ast::*;
use crate::sigma::codes;
use crate::sigma::condition::pattern_matches;
use crate::sigma::event::{FieldId, FieldTable};
use crate::sigma::matcher::TextMatcher;
use crate::sigma::modifiers::{
    self, base64, cidr, compare::Comparison, expand, re, time_part::TimePart, utf16, windash,
    Chain, Position, Transform, ValueType,
};
use crate::sigma::pattern::Pattern;
use crate::sigma::taxonomy::{self, EventSource};
use crate::source::Span;

/// Values one `expand` may produce.
pub const MAX_EXPANSION: usize = 10_000;

/// What compilation needs from the user.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct CompileOptions {
    /// Values of `%placeholders%` for the `expand` modifier.
    pub placeholders: BTreeMap<String, Vec<String>>,
    /// Report placeholders missing from the table (off when only checking a rule's shape).
    #[serde(skip)]
    pub check_placeholders: bool,
}

impl CompileOptions {
    pub fn with_placeholders(placeholders: BTreeMap<String, Vec<String>>) -> CompileOptions {
        CompileOptions {
            placeholders,
            check_placeholders: true,
        }
    }
}

/// One value test of a field.
#[derive(Debug)]
pub(crate) enum ValueTest {
    Text(TextMatcher),
    /// `null`: the field is missing or null.
    Null,
    Exists(bool),
    Regex(Regex),
    Cidr(IpNet),
    Compare(Comparison, f64),
    /// A date part equal to a number.
    Equals(f64),
    FieldRef {
        field: FieldId,
        position: Position,
        cased: bool,
    },
    /// Cannot match (an invalid value, already reported).
    Never,
}

/// `Field|modifiers: values`, compiled.
#[derive(Debug)]
pub(crate) struct Test {
    /// `None`: a keyword search over every value of the event.
    pub field: Option<FieldId>,
    pub label: String,
    pub modifiers: Vec<String>,
    pub time_part: Option<TimePart>,
    pub negate: bool,
    pub all: bool,
    pub values: Vec<ValueTest>,
    /// Lower-case literals one of which the field must contain for the test to hold
    /// (`None`: no such guarantee). Feeds the cross-rule prefilter.
    pub needles: Option<Vec<String>>,
}

/// A selection: groups OR-ed, tests in a group AND-ed.
#[derive(Debug)]
pub(crate) struct CompiledSelection {
    pub name: String,
    pub groups: Vec<Vec<Test>>,
}

/// A condition over selection indices.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cond {
    Selection(usize),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
    AtLeast(u32, Vec<usize>),
    Const(bool),
}

/// Which events a rule can apply to, from its logsource.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Route {
    Any,
    /// Windows event streams (channel / provider / event IDs, lower-cased).
    Sources(Vec<RouteSource>),
    /// A non-Windows product: never Windows event-log events.
    NotWindows,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RouteSource {
    pub channel: Option<String>,
    pub provider: Option<String>,
    pub event_ids: Vec<i64>,
}

/// A filter rule's selections and condition, applied to a rule.
#[derive(Debug)]
pub(crate) struct CompiledFilter {
    pub selections: Vec<CompiledSelection>,
    pub condition: Cond,
}

/// A detection rule ready to evaluate.
#[derive(Debug)]
pub struct CompiledRule {
    pub source: usize,
    pub document: usize,
    pub id: Option<String>,
    pub name: Option<String>,
    pub title: String,
    pub level: Option<String>,
    pub author: Option<String>,
    /// How results name the rule: id, else name, else title.
    pub reference: String,
    pub(crate) selections: Vec<CompiledSelection>,
    pub(crate) condition: Cond,
    pub(crate) filters: Vec<CompiledFilter>,
    pub(crate) route: Route,
    /// `(field, needle)` pairs one of which an event must contain for the rule to match;
    /// `None` when the rule has no such guarantee.
    pub(crate) prefilter: Option<Vec<(FieldId, String)>>,
    /// Referenced by a correlation without `generate: true`: no standalone matches.
    pub(crate) is_hidden: bool,
}

impl CompiledRule {
    pub fn is_named(&self, reference: &str) -> bool {
        self.id.as_deref() == Some(reference) || self.name.as_deref() == Some(reference)
    }
}

/// Compiles one detection (or filter) body. Diagnostics carry spans into the rule's file.
pub(crate) struct DetectionCompiler<'a> {
    pub fields: &'a mut FieldTable,
    pub options: &'a CompileOptions,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl DetectionCompiler<'_> {
    pub fn selections(&mut self, detection: &Detection) -> Vec<CompiledSelection> {
        detection
            .selections
            .iter()
            .map(|selection| CompiledSelection {
                name: selection.name.value.clone(),
                groups: self.selection(selection),
            })
            .collect()
    }

    fn selection(&mut self, selection: &Selection) -> Vec<Vec<Test>> {
        match &selection.body {
            SelectionBody::Map(group) => vec![self.group(group)],
            SelectionBody::List(items) => {
                let mut groups = Vec::new();
                let mut keywords = Vec::new();
                for item in items {
                    match item {
                        ListItem::Map(group) => groups.push(self.group(group)),
                        ListItem::Keyword(value) => keywords.push(value.clone()),
                    }
                }
                if !keywords.is_empty() {
                    let item = DetectionItem {
                        key: Spanned::new(String::new(), selection.name.span),
                        field: None,
                        modifiers: Vec::new(),
                        values: keywords,
                        is_list: true,
                        value_span: selection.span,
                    };
                    groups.push(vec![self.item(&item)]);
                }
                groups
            }
            SelectionBody::Invalid => Vec::new(),
        }
    }

    fn group(&mut self, group: &FieldGroup) -> Vec<Test> {
        group.items.iter().map(|item| self.item(item)).collect()
    }

    pub fn item(&mut self, item: &DetectionItem) -> Test {
        let chain = modifiers::analyze(&item.modifiers, self.diagnostics);
        let field_name = item.field.as_ref().map(|f| f.value.as_str());
        let mut test = Test {
            field: field_name.map(|f| self.fields.intern(f)),
            label: field_name.unwrap_or("keywords").to_string(),
            modifiers: item.modifiers.iter().map(|m| m.value.clone()).collect(),
            time_part: chain.time_part,
            negate: chain.negate,
            all: chain.all,
            values: Vec::new(),
            needles: None,
        };
        // Keywords search the whole event: a plain keyword is found anywhere in a value.
        let keyword = item.field.is_none();
        if item.values.len() > 1
            && item.values.iter().any(|v| v.value == ValueKind::Null)
            && item.values.iter().any(|v| v.value != ValueKind::Null)
        {
            if let Some(null) = item.values.iter().find(|v| v.value == ValueKind::Null) {
                self.diagnostics.push(
                    codes::NULL_IN_LIST
                        .at("`null` in a list of values", null.span)
                        .with_help(
                            "the specification does not allow `null` in a list: put \
                             `Field: null` in its own selection and combine them with `or` (or \
                             `1 of`)",
                        ),
                );
            }
        }
        match chain.value_type {
            ValueType::Pattern => self.patterns(item, &chain, keyword, &mut test),
            ValueType::Regex(flags) => {
                for value in &item.values {
                    let Some(text) = self.string_value(value, "re") else {
                        test.values.push(ValueTest::Never);
                        continue;
                    };
                    match re::compile(text, flags) {
                        Ok(regex) => test.values.push(ValueTest::Regex(regex)),
                        Err(message) => {
                            self.diagnostics
                                .push(codes::INVALID_REGEX.at(message, value.span));
                            test.values.push(ValueTest::Never);
                        }
                    }
                }
            }
            ValueType::Cidr => {
                for value in &item.values {
                    let parsed = value.value.text().map(cidr::parse);
                    match parsed {
                        Some(Ok(net)) => test.values.push(ValueTest::Cidr(net)),
                        Some(Err(message)) => {
                            self.diagnostics
                                .push(codes::INVALID_CIDR.at(message, value.span));
                            test.values.push(ValueTest::Never);
                        }
                        None => {
                            self.modifier_value(
                                value,
                                "`cidr` needs a network such as `10.0.0.0/8`",
                            );
                            test.values.push(ValueTest::Never);
                        }
                    }
                }
            }
            ValueType::Compare(comparison) => {
                for value in &item.values {
                    match value.value.number() {
                        Some(number) => test.values.push(ValueTest::Compare(comparison, number)),
                        None => {
                            self.modifier_value(
                                value,
                                &format!(
                                    "`{}` compares numbers; write a number",
                                    comparison.name()
                                ),
                            );
                            test.values.push(ValueTest::Never);
                        }
                    }
                }
            }
            ValueType::Exists => {
                for value in &item.values {
                    match value.value {
                        ValueKind::Bool(b) => test.values.push(ValueTest::Exists(b)),
                        _ => {
                            self.modifier_value(value, "`exists` takes `true` or `false`");
                            test.values.push(ValueTest::Never);
                        }
                    }
                }
            }
            ValueType::FieldRef => {
                for value in &item.values {
                    match &value.value {
                        ValueKind::String(name) if !name.is_empty() => {
                            test.values.push(ValueTest::FieldRef {
                                field: self.fields.intern(name),
                                position: chain.position(),
                                cased: chain.cased,
                            })
                        }
                        _ => {
                            self.modifier_value(
                                value,
                                "`fieldref` takes the name of another field",
                            );
                            test.values.push(ValueTest::Never);
                        }
                    }
                }
            }
        }
        if item.values.is_empty() {
            test.values.push(ValueTest::Never);
        }
        test
    }

    fn modifier_value(&mut self, value: &SigmaValue, message: &str) {
        self.diagnostics
            .push(codes::INVALID_MODIFIER_VALUE.at(message.to_string(), value.span));
    }

    fn string_value<'v>(&mut self, value: &'v SigmaValue, modifier: &str) -> Option<&'v str> {
        match &value.value {
            ValueKind::String(s) => Some(s),
            ValueKind::Int(_, s) | ValueKind::Float(_, s) => Some(s),
            _ => {
                self.modifier_value(value, &format!("`{modifier}` takes a string"));
                None
            }
        }
    }

    /// String values through the chain's transformations.
    fn patterns(&mut self, item: &DetectionItem, chain: &Chain, keyword: bool, test: &mut Test) {
        if let Some(part) = chain.time_part {
            // `Field|hour: 12`: equality with a number.
            for value in &item.values {
                match value.value.number() {
                    Some(n) => test.values.push(ValueTest::Equals(n)),
                    None => {
                        self.modifier_value(
                            value,
                            &format!("`{part:?}` yields a number; compare it with a number")
                                .to_lowercase(),
                        );
                        test.values.push(ValueTest::Never);
                    }
                }
            }
            return;
        }
        let has_base64offset = chain.transforms.contains(&Transform::Base64Offset);
        if has_base64offset && chain.position() != Position::Contains {
            if let Some(first) = item.modifiers.iter().find(|m| m.value == "base64offset") {
                self.diagnostics.push(
                    codes::INVALID_MODIFIER_COMBINATION
                        .with_severity(
                            crate::diagnostic::Severity::Warning,
                            "`base64offset` without `contains` only matches fields that are exactly the encoded fragment",
                            first.span,
                        )
                        .with_help("write `|base64offset|contains`"),
                );
            }
        }
        let mut groups: Vec<Vec<Pattern>> = Vec::new();
        for value in &item.values {
            let text = match &value.value {
                ValueKind::Null => {
                    test.values.push(ValueTest::Null);
                    continue;
                }
                other => other.text().unwrap_or(""),
            };
            let is_string = matches!(value.value, ValueKind::String(_));
            let raw_values = if chain.expand && is_string {
                match self.expand(text, value.span) {
                    Some(values) => values,
                    None => {
                        test.values.push(ValueTest::Never);
                        continue;
                    }
                }
            } else {
                vec![text.to_string()]
            };
            let mut variants = Vec::new();
            for raw in raw_values {
                // Numbers and booleans are compared as their text, wildcards and all.
                let mut pattern = if is_string {
                    Pattern::parse(&raw)
                } else {
                    Pattern::literal(&raw)
                };
                if keyword && chain.position() == Position::Exact {
                    pattern = pattern.contains();
                }
                variants.extend(self.transform(pattern, chain, value.span));
            }
            groups.push(variants);
        }
        let guaranteed = !chain.cased
            && !chain.negate
            && !keyword
            && !test
                .values
                .iter()
                .any(|v| matches!(v, ValueTest::Null | ValueTest::Never));
        if guaranteed {
            test.needles = crate::sigma::prefilter::test_needles(&groups, chain.all);
        }
        let mut push_matcher =
            |patterns: &[Pattern], this: &mut Self, span: Span| match TextMatcher::new(
                patterns,
                chain.cased,
            ) {
                Ok(matcher) => test.values.push(ValueTest::Text(matcher)),
                Err(error) => {
                    this.diagnostics
                        .push(codes::INVALID_MODIFIER_VALUE.at(error.0, span));
                    test.values.push(ValueTest::Never);
                }
            };
        if chain.all {
            for (variants, value) in groups
                .iter()
                .zip(item.values.iter().filter(|v| v.value != ValueKind::Null))
            {
                push_matcher(variants, self, value.span);
            }
        } else {
            let all: Vec<Pattern> = groups.into_iter().flatten().collect();
            if !all.is_empty() {
                push_matcher(&all, self, item.value_span);
            }
        }
    }

    fn expand(&mut self, text: &str, span: Span) -> Option<Vec<String>> {
        let placeholders = expand::placeholders(text);
        if placeholders.is_empty() {
            self.diagnostics.push(
                codes::INVALID_MODIFIER_VALUE
                    .with_severity(
                        crate::diagnostic::Severity::Warning,
                        "`expand` is used but the value has no `%placeholder%`",
                        span,
                    )
                    .with_help("remove `expand`, or write the placeholder as `%name%`"),
            );
            return Some(vec![text.replace("\\%", "%")]);
        }
        match expand::expand(text, &self.options.placeholders, MAX_EXPANSION) {
            Ok(values) => Some(values),
            Err(missing) => {
                if self.options.check_placeholders {
                    let names = missing
                        .iter()
                        .map(|m| format!("%{m}%"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    self.diagnostics.push(
                        codes::UNRESOLVED_PLACEHOLDER
                            .at(
                                format!("no values for {names}: this value never matches"),
                                span,
                            )
                            .with_help(
                                "supply a placeholder table (name → list of values, e.g. \
                                 `--placeholders placeholders.json`); the specification says a \
                                 tool that cannot resolve a placeholder must not evaluate it",
                            ),
                    );
                }
                None
            }
        }
    }

    /// Applies windash, encodings and positions in the order written.
    fn transform(&mut self, pattern: Pattern, chain: &Chain, span: Span) -> Vec<Pattern> {
        enum Stage {
            Text(Vec<Pattern>),
            Bytes(Vec<Vec<u8>>),
        }
        let mut stage = Stage::Text(vec![pattern]);
        for transform in &chain.transforms {
            stage = match (stage, transform) {
                (Stage::Text(patterns), Transform::Position(position)) => Stage::Text(
                    patterns
                        .into_iter()
                        .map(|p| match position {
                            Position::Contains => p.contains(),
                            Position::StartsWith => p.startswith(),
                            Position::EndsWith => p.endswith(),
                            Position::Exact => p,
                        })
                        .collect(),
                ),
                (Stage::Text(patterns), Transform::Windash) => {
                    Stage::Text(patterns.into_iter().map(windash::apply).collect())
                }
                (Stage::Text(patterns), encoding) => {
                    let mut bytes = Vec::new();
                    for p in &patterns {
                        let expanded = windash::variants(p, 3).unwrap_or_default();
                        for variant in expanded {
                            match variant.as_literal() {
                                Some(text) => bytes.push(text.into_bytes()),
                                None => {
                                    self.diagnostics.push(
                                        codes::INVALID_MODIFIER_VALUE
                                            .at(
                                                "a value with wildcards cannot be encoded",
                                                span,
                                            )
                                            .with_help(
                                                "escape `*` and `?` as `\\*` and `\\?`, or drop \
                                                 the wildcards and use `|contains` after the encoding",
                                            ),
                                    );
                                    return Vec::new();
                                }
                            }
                        }
                    }
                    encode(Stage::Bytes(bytes), encoding)
                }
                (Stage::Bytes(values), Transform::Position(position)) => {
                    let patterns = to_patterns(values);
                    Stage::Text(
                        patterns
                            .into_iter()
                            .map(|p| match position {
                                Position::Contains => p.contains(),
                                Position::StartsWith => p.startswith(),
                                Position::EndsWith => p.endswith(),
                                Position::Exact => p,
                            })
                            .collect(),
                    )
                }
                (Stage::Bytes(values), Transform::Windash) => Stage::Bytes(values),
                (bytes @ Stage::Bytes(_), encoding) => encode(bytes, encoding),
            };
        }

        fn encode(stage: Stage, encoding: &Transform) -> Stage {
            let Stage::Bytes(values) = stage else {
                return stage;
            };
            match encoding {
                Transform::Utf16(kind) => Stage::Bytes(
                    values
                        .iter()
                        .map(|v| utf16::encode(&String::from_utf8_lossy(v), *kind))
                        .collect(),
                ),
                Transform::Base64 => Stage::Text(
                    values
                        .iter()
                        .map(|v| Pattern::literal(&base64::encode(v)))
                        .collect(),
                ),
                Transform::Base64Offset => Stage::Text(
                    values
                        .iter()
                        .flat_map(|v| base64::offsets(v))
                        .map(|s| Pattern::literal(&s))
                        .collect(),
                ),
                _ => Stage::Bytes(values),
            }
        }

        fn to_patterns(values: Vec<Vec<u8>>) -> Vec<Pattern> {
            values
                .iter()
                .map(|v| Pattern::literal(&String::from_utf8_lossy(v)))
                .collect()
        }

        match stage {
            Stage::Text(patterns) => patterns,
            Stage::Bytes(values) => to_patterns(values),
        }
    }
}

/// Compiles a rule's conditions (a list is OR-ed) into one [`Cond`].
pub(crate) fn condition(detection: &Detection, selections: &[CompiledSelection]) -> Cond {
    let names: Vec<&str> = selections.iter().map(|s| s.name.as_str()).collect();
    let mut conditions: Vec<Cond> = detection
        .conditions
        .iter()
        .filter_map(|c| c.expr.as_ref())
        .map(|expr| condition_expr(expr, &names))
        .collect();
    match conditions.len() {
        0 => Cond::Const(false),
        1 => conditions.pop().unwrap_or(Cond::Const(false)),
        _ => Cond::Or(conditions),
    }
}

/// Compiles a condition over named operands (selections, or a correlation's rules).
pub(crate) fn condition_expr(expr: &ConditionExpr, names: &[&str]) -> Cond {
    match &expr.kind {
        ConditionKind::Or(items) => {
            Cond::Or(items.iter().map(|i| condition_expr(i, names)).collect())
        }
        ConditionKind::And(items) => {
            Cond::And(items.iter().map(|i| condition_expr(i, names)).collect())
        }
        ConditionKind::Not(inner) => Cond::Not(Box::new(condition_expr(inner, names))),
        ConditionKind::Identifier(name) => names
            .iter()
            .position(|s| *s == name)
            .map_or(Cond::Const(false), Cond::Selection),
        ConditionKind::Of { quantifier, target } => {
            let matching: Vec<usize> = names
                .iter()
                .enumerate()
                .filter(|(_, s)| match target {
                    OfTarget::Them => !s.starts_with('_'),
                    OfTarget::Pattern(p) => pattern_matches(p, s),
                })
                .map(|(i, _)| i)
                .collect();
            if matching.is_empty() {
                return Cond::Const(false);
            }
            match quantifier {
                Quantifier::One => Cond::Or(matching.into_iter().map(Cond::Selection).collect()),
                Quantifier::All => Cond::And(matching.into_iter().map(Cond::Selection).collect()),
                Quantifier::AtLeast(n) => Cond::AtLeast(*n, matching),
            }
        }
        ConditionKind::Error => Cond::Const(false),
    }
}

/// The route of a logsource from the taxonomy.
pub(crate) fn route(logsource: Option<&Logsource>) -> Route {
    let Some(logsource) = logsource else {
        return Route::Any;
    };
    let taxonomy = taxonomy::taxonomy();
    match logsource.product() {
        Some("windows") => {}
        Some(_) => return Route::NotWindows,
        None => {
            // Without a product, a category or service the Windows taxonomy does not know
            // (`database`, `proxy`, `webserver`, `firewall` ...) is not a Windows event log.
            let windows = taxonomy.products.get("windows");
            let knows_category = logsource.category.is_empty()
                || logsource
                    .category
                    .iter()
                    .any(|c| windows.is_some_and(|w| w.category.contains_key(c.value.as_str())));
            let knows_service = logsource.service.is_empty()
                || logsource
                    .service
                    .iter()
                    .any(|s| windows.is_some_and(|w| w.service.contains_key(s.value.as_str())));
            if !knows_category || !knows_service {
                return Route::NotWindows;
            }
        }
    }
    let Some(source) = taxonomy.resolve(logsource) else {
        return Route::Any;
    };
    if source.events.is_empty() {
        return Route::Any;
    }
    Route::Sources(
        source
            .events
            .iter()
            .map(|e: &EventSource| RouteSource {
                channel: e.channel.as_ref().map(|c| c.to_lowercase()),
                provider: e.provider.as_ref().map(|p| p.to_lowercase()),
                event_ids: e.event_ids.clone(),
            })
            .collect(),
    )
}

/// Whether a filter's logsource covers a rule's (each attribute the filter sets must be
/// the rule's), as pySigma applies filters.
pub(crate) fn logsource_covers(filter: Option<&Logsource>, rule: Option<&Logsource>) -> bool {
    let Some(filter) = filter else {
        return true;
    };
    let empty = Logsource::default();
    let rule = rule.unwrap_or(&empty);
    let covers = |wanted: &[Spanned<String>], have: &[Spanned<String>]| {
        wanted.is_empty()
            || wanted
                .iter()
                .all(|w| have.iter().any(|h| h.value.eq_ignore_ascii_case(&w.value)))
    };
    covers(&filter.product, &rule.product)
        && covers(&filter.category, &rule.category)
        && covers(&filter.service, &rule.service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_from_the_taxonomy() {
        let s = |t: &str| Spanned::new(t.to_string(), Span::default());
        let pc = Logsource {
            product: vec![s("windows")],
            category: vec![s("process_creation")],
            ..Logsource::default()
        };
        let Route::Sources(sources) = route(Some(&pc)) else {
            panic!("no route")
        };
        assert!(sources.iter().any(|r| r.event_ids == [1]));
        let linux = Logsource {
            product: vec![s("linux")],
            ..Logsource::default()
        };
        assert_eq!(route(Some(&linux)), Route::NotWindows);
        let unknown = Logsource {
            product: vec![s("windows")],
            category: vec![s("antivirus")],
            ..Logsource::default()
        };
        assert_eq!(route(Some(&unknown)), Route::Any);
        let database = Logsource {
            category: vec![s("database")],
            ..Logsource::default()
        };
        assert_eq!(route(Some(&database)), Route::NotWindows);
        assert!(logsource_covers(
            Some(&Logsource {
                product: vec![s("windows")],
                ..Logsource::default()
            }),
            Some(&pc)
        ));
        assert!(!logsource_covers(Some(&linux), Some(&pc)));
    }
}
