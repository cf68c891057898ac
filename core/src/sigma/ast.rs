//! The typed form of a Sigma document: detection rules, correlation rules and filter rules.
//! Every key and value keeps its byte span in the text given to [`crate::sigma::parse`].

use serde::Serialize;

use crate::source::Span;

/// A value and where it is written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

/// What a YAML document of a Sigma file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// A rule with `logsource` and `detection`.
    Detection,
    /// A meta rule with `correlation`.
    Correlation,
    /// A meta rule with `filter`.
    Filter,
    /// Neither: a fragment, or not a Sigma rule at all.
    Unknown,
}

/// One Sigma rule (one YAML document of a file).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SigmaRule {
    pub kind: RuleKind,
    /// 0-based index of the YAML document in the file.
    pub document: usize,
    pub span: Span,
    pub title: Option<Spanned<String>>,
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub taxonomy: Option<Spanned<String>>,
    pub status: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub license: Option<Spanned<String>>,
    pub author: Option<Spanned<String>>,
    pub date: Option<Spanned<String>>,
    pub modified: Option<Spanned<String>>,
    pub level: Option<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub falsepositives: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    pub logsource: Option<Logsource>,
    pub detection: Option<Detection>,
    pub correlation: Option<Correlation>,
    pub filter: Option<Filter>,
    /// Keys the specification does not define (allowed: "arbitrary custom fields").
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_keys: Vec<Spanned<String>>,
}

impl SigmaRule {
    pub(crate) fn empty(document: usize, span: Span) -> SigmaRule {
        SigmaRule {
            kind: RuleKind::Unknown,
            document,
            span,
            title: None,
            id: None,
            name: None,
            taxonomy: None,
            status: None,
            description: None,
            license: None,
            author: None,
            date: None,
            modified: None,
            level: None,
            references: Vec::new(),
            tags: Vec::new(),
            fields: Vec::new(),
            falsepositives: Vec::new(),
            scope: Vec::new(),
            related: Vec::new(),
            logsource: None,
            detection: None,
            correlation: None,
            filter: None,
            custom_keys: Vec::new(),
        }
    }

    /// The text of an optional string attribute.
    pub fn title_text(&self) -> &str {
        self.title.as_ref().map_or("", |t| t.value.as_str())
    }

    /// How results name this rule: its `id`, else its `name`, else its title (else
    /// `#<document>`). Other rules refer to it by `id` or `name` only.
    pub fn reference(&self) -> String {
        self.id
            .as_ref()
            .or(self.name.as_ref())
            .or(self.title.as_ref())
            .map_or_else(|| format!("#{}", self.document), |s| s.value.clone())
    }

    /// Whether `reference` (an id or a name) names this rule.
    pub fn is_named(&self, reference: &str) -> bool {
        self.id.as_ref().is_some_and(|id| id.value == reference)
            || self
                .name
                .as_ref()
                .is_some_and(|name| name.value == reference)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Related {
    pub span: Span,
    pub id: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
}

/// `logsource`. Each attribute should be one string; lists are kept (and reported) so that
/// routing can still use every value.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Logsource {
    pub span: Span,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub category: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub product: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub service: Vec<Spanned<String>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub definition: Vec<Spanned<String>>,
    /// Other attributes (`custom_attribute: value`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom: Vec<(Spanned<String>, Spanned<String>)>,
}

impl Logsource {
    pub fn category(&self) -> Option<&str> {
        self.category.first().map(|s| s.value.as_str())
    }
    pub fn product(&self) -> Option<&str> {
        self.product.first().map(|s| s.value.as_str())
    }
    pub fn service(&self) -> Option<&str> {
        self.service.first().map(|s| s.value.as_str())
    }
}

/// `detection`: named selections and the condition that combines them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Detection {
    pub span: Span,
    pub selections: Vec<Selection>,
    /// One entry per condition; a YAML list of conditions is OR-ed.
    pub conditions: Vec<ConditionText>,
    /// Sigma 1.0 `timeframe`, kept to report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeframe: Option<Spanned<String>>,
}

impl Detection {
    pub fn selection(&self, name: &str) -> Option<&Selection> {
        self.selections.iter().find(|s| s.name.value == name)
    }
}

/// A search identifier and what it searches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Selection {
    pub name: Spanned<String>,
    /// The value's span (the map or list).
    pub span: Span,
    pub body: SelectionBody,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "items", rename_all = "snake_case")]
pub enum SelectionBody {
    /// `field: value` pairs, AND-ed.
    Map(FieldGroup),
    /// Items OR-ed: keywords (plain values searched in the whole event) and maps.
    List(Vec<ListItem>),
    /// Nothing usable (null, or a value of the wrong type, already reported).
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ListItem {
    Keyword(SigmaValue),
    Map(FieldGroup),
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FieldGroup {
    pub span: Span,
    pub items: Vec<DetectionItem>,
}

/// `Field|mod1|mod2: value(s)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DetectionItem {
    /// The whole key as written.
    pub key: Spanned<String>,
    /// `None` for a keyword search with modifiers (`'|all': [...]`).
    pub field: Option<Spanned<String>>,
    /// Modifier names as written, each with its span in the key.
    pub modifiers: Vec<Spanned<String>>,
    pub values: Vec<SigmaValue>,
    /// The value was a YAML list (even of one item).
    pub is_list: bool,
    pub value_span: Span,
}

/// A scalar value from a detection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SigmaValue {
    pub value: ValueKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ValueKind {
    String(String),
    /// An integer, with its text as written (matched as text too).
    Int(i64, String),
    Float(f64, String),
    Bool(bool),
    Null,
}

impl ValueKind {
    /// The value as Sigma compares it as text.
    pub fn text(&self) -> Option<&str> {
        match self {
            ValueKind::String(s) | ValueKind::Int(_, s) | ValueKind::Float(_, s) => Some(s),
            ValueKind::Bool(true) => Some("true"),
            ValueKind::Bool(false) => Some("false"),
            ValueKind::Null => None,
        }
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            ValueKind::Int(n, _) => Some(*n as f64),
            ValueKind::Float(f, _) => Some(*f),
            ValueKind::String(s) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
    }
}

/// One condition string, parsed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConditionText {
    pub text: String,
    /// The YAML value's span.
    pub span: Span,
    /// `None` when the condition could not be parsed at all (reported).
    pub expr: Option<ConditionExpr>,
    /// A Sigma 1.0 aggregation after `|` (`count() by x > 5`, `near`), kept to report it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<Spanned<String>>,
}

/// A condition expression; spans point into the file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConditionExpr {
    pub kind: ConditionKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionKind {
    Or(Vec<ConditionExpr>),
    And(Vec<ConditionExpr>),
    Not(Box<ConditionExpr>),
    /// A search identifier (may hold `*` wildcards, which only make sense after `of`).
    Identifier(String),
    /// `1 of x*`, `all of them`, ...
    Of {
        quantifier: Quantifier,
        target: OfTarget,
    },
    /// A part that did not parse (reported).
    Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Quantifier {
    /// `1 of`, `any of`.
    One,
    All,
    /// `N of` with N > 1: not in the specification, evaluated as "at least N".
    AtLeast(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfTarget {
    Them,
    Pattern(String),
}

/// `correlation:` of a correlation rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Correlation {
    pub span: Span,
    pub kind: Option<Spanned<CorrelationType>>,
    pub rules: Vec<Spanned<String>>,
    pub group_by: Vec<Spanned<String>>,
    /// Seconds.
    pub timespan: Option<Spanned<u64>>,
    pub condition: Option<CorrelationCondition>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<FieldAlias>,
    pub generate: Option<Spanned<bool>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationType {
    EventCount,
    ValueCount,
    Temporal,
    TemporalOrdered,
    ValueSum,
    ValueAvg,
    ValuePercentile,
    ValueMedian,
}

impl CorrelationType {
    pub const ALL: [(&'static str, CorrelationType); 8] = [
        ("event_count", CorrelationType::EventCount),
        ("value_count", CorrelationType::ValueCount),
        ("temporal", CorrelationType::Temporal),
        ("temporal_ordered", CorrelationType::TemporalOrdered),
        ("value_sum", CorrelationType::ValueSum),
        ("value_avg", CorrelationType::ValueAvg),
        ("value_percentile", CorrelationType::ValuePercentile),
        ("value_median", CorrelationType::ValueMedian),
    ];

    pub fn parse(text: &str) -> Option<CorrelationType> {
        Self::ALL.iter().find(|(n, _)| *n == text).map(|(_, t)| *t)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, t)| *t == self)
            .map_or("", |(n, _)| n)
    }

    /// Types whose condition aggregates a `field`.
    pub fn needs_field(self) -> bool {
        matches!(
            self,
            CorrelationType::ValueCount
                | CorrelationType::ValueSum
                | CorrelationType::ValueAvg
                | CorrelationType::ValuePercentile
                | CorrelationType::ValueMedian
        )
    }

    pub fn is_temporal(self) -> bool {
        matches!(
            self,
            CorrelationType::Temporal | CorrelationType::TemporalOrdered
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompareOp {
    Gt,
    Gte,
    Lt,
    Lte,
    Eq,
    Neq,
}

impl CompareOp {
    pub fn parse(text: &str) -> Option<CompareOp> {
        Some(match text {
            "gt" => CompareOp::Gt,
            "gte" => CompareOp::Gte,
            "lt" => CompareOp::Lt,
            "lte" => CompareOp::Lte,
            "eq" => CompareOp::Eq,
            "neq" => CompareOp::Neq,
            _ => return None,
        })
    }

    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            CompareOp::Gt => value > threshold,
            CompareOp::Gte => value >= threshold,
            CompareOp::Lt => value < threshold,
            CompareOp::Lte => value <= threshold,
            CompareOp::Eq => value == threshold,
            CompareOp::Neq => value != threshold,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CorrelationCondition {
    pub span: Span,
    /// AND-ed (`gt: 100` and `lte: 200` make a range).
    pub comparisons: Vec<(CompareOp, Spanned<f64>)>,
    /// The field(s) of `value_*` types.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub field: Vec<Spanned<String>>,
    /// `percentile: N` for `value_percentile` (pySigma's extension; default 95).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub percentile: Option<Spanned<f64>>,
    /// An extended condition over rule names (`a and not b`) for temporal types.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expression: Option<ConditionText>,
}

/// `aliases: {alias: {rule: field}}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldAlias {
    pub alias: Spanned<String>,
    pub mapping: Vec<(Spanned<String>, Spanned<String>)>,
}

/// `filter:` of a filter rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Filter {
    pub span: Span,
    /// Rule ids or names; empty with `applies_to_all`.
    pub rules: Vec<Spanned<String>>,
    /// `rules: any` / `all` (pySigma's extension): every rule of the logsource.
    pub applies_to_all: bool,
    /// The filter's selections and condition.
    pub detection: Detection,
}
