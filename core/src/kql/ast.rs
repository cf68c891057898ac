//! The KQL syntax tree. Every node carries its byte span; the tree keeps everything the
//! formatter needs to print the query back (`parse(format(ast)) == ast`, spans ignored).
//!
//! Scalar and tabular expressions share one [`Expr`] type, as in Kusto: `T`, `T | where x`,
//! `(T | count)` and `a + b` are all expressions; binding decides which are tables.

use serde::Serialize;

use crate::source::Span;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Query {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum StatementKind {
    /// `let name = expr` or `let f = (params) { body }`.
    Let { name: Ident, value: LetValue },
    /// `set name [= value]`.
    Set { name: Ident, value: Option<Expr> },
    /// `declare query_parameters (name:type [= default], ...)`.
    DeclareQueryParameters { parameters: Vec<Parameter> },
    /// `alias database name = cluster(...).database(...)`.
    Alias { name: Ident, value: Expr },
    /// `declare pattern name [= (params) { ... }]`: parsed, kept as written.
    Pattern { text: String },
    /// `restrict access to (a, b)`.
    RestrictAccess { names: Vec<Expr> },
    /// A tabular (or scalar) expression statement: the query itself.
    Expr(Expr),
    /// Text that could not be parsed; its diagnostics say why.
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LetValue {
    Expr(Expr),
    Function(FunctionDef),
}

/// A user function or view: `(a:string, T:(x:long)) { let y = 1; T | where x > y }`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionDef {
    pub is_view: bool,
    pub parameters: Vec<Parameter>,
    pub body: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Parameter {
    pub name: Ident,
    pub ty: ParameterType,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParameterType {
    Scalar {
        name: Ident,
    },
    /// `(x:long, y:string)`, `(*)`, `(x:long, *)`.
    Tabular {
        columns: Vec<ColumnDecl>,
        has_wildcard: bool,
    },
}

/// `name:type`, in datatable, externaldata, parse-kv, tabular parameters, scan declare.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnDecl {
    pub name: Ident,
    pub ty: Ident,
    pub span: Span,
}

/// A name as written, with its value after unquoting `['...']`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    /// Written as `['...']` / `["..."]`.
    pub is_quoted: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Nesting depth of the expression tree under this node (1 for a leaf); a function of
    /// the structure, bounded by the parser so that recursive passes stay shallow.
    #[serde(skip)]
    pub depth: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ExprKind {
    Literal(Literal),
    Name(Ident),
    /// `*` as an argument (`arg_max(t, *)`, `count(*)`) or a column/table pattern such as
    /// `Device*`, `*1` (kept as written).
    Wildcard {
        pattern: String,
    },
    Paren(Box<Expr>),
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `a and b and c`, `a or b`: one node per chain, so long generated chains stay flat and
    /// a `where` reads as a list of predicates.
    Logical {
        op: LogicalOp,
        operands: Vec<Expr>,
    },
    /// `x in (a, b)`, `x !in~ (T | project y)`, `x has_any (list)`.
    InList {
        op: ListOp,
        left: Box<Expr>,
        list: Vec<Expr>,
    },
    /// `x between (lo .. hi)`.
    Between {
        is_negated: bool,
        left: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    /// `a.b`, `$left.X`, `cluster("c").database("d")`.
    Member {
        target: Box<Expr>,
        name: Ident,
    },
    /// `a[0]`, `a["key"]`.
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// `typeof(long)`.
    TypeOf {
        types: Vec<Ident>,
    },
    /// A comma list as a parameter value: `render timechart with (ycolumns=a, b)`.
    List(Vec<Expr>),
    /// `source | op | op ...`.
    Pipeline {
        source: Box<Expr>,
        operators: Vec<Operator>,
    },
    /// An operator that produces a table on its own: `range`, `print`, `datatable`,
    /// `union`, `search`, `find`, `evaluate`, `externaldata`...
    Source(Box<Operator>),
    /// `(a, b)` as the target of a tuple assignment is handled by [`Assignment`]; this is
    /// the parse of something that is not an expression.
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Literal {
    Bool(bool),
    Long(i64),
    Real(f64),
    /// Adjacent string literals concatenate; `raw` keeps each part as written.
    String {
        value: String,
        raw: Vec<String>,
    },
    /// `5m`, `1.5h` as written.
    Timespan(String),
    /// `datetime(...)`, `timespan(...)`, `guid(...)`, `long(null)`...: type and text inside
    /// the parentheses, as written.
    Typed {
        ty: String,
        text: String,
    },
    /// `dynamic(...)`.
    Dynamic(DynamicValue),
}

/// The JSON-like value inside `dynamic(...)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum DynamicValue {
    Null,
    Bool(bool),
    Long(i64),
    Real(f64),
    String(String),
    /// A typed literal (datetime(...) inside dynamic) or timespan, as written.
    Scalar(Box<Literal>),
    Array(Vec<DynamicValue>),
    Object(Vec<(String, DynamicValue)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnaryOp {
    Neg,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogicalOp {
    And,
    Or,
}

impl LogicalOp {
    pub fn text(self) -> &'static str {
        match self {
            LogicalOp::And => "and",
            LogicalOp::Or => "or",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    EqCi,
    NotEqCi,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    MatchesRegex,
    /// A single `=` where a predicate is expected (`where A = 1`): Kusto parses it and
    /// rejects it as not boolean; rulelab reports it with a fix to `==`.
    Assign,
    /// `Column:"term"` in `search`: the column has the term.
    SearchHas,
    /// `has`, `!contains_cs`, ...: the string operator as written.
    String(StringOp),
}

/// The string operators of KQL with a scalar right-hand side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct StringOp {
    pub kind: StringOpKind,
    pub is_negated: bool,
    pub is_case_sensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StringOpKind {
    Has,
    HasPrefix,
    HasSuffix,
    Contains,
    StartsWith,
    EndsWith,
    /// The legacy `like` family.
    Like,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ListOp {
    In,
    NotIn,
    InCi,
    NotInCi,
    HasAny,
    HasAll,
}

/// A call argument: positional, or `name = value`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}

/// `Name = expr`, `(A, B) = expr`, or a bare `expr` (project, extend, summarize...).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assignment {
    pub names: Vec<Ident>,
    pub value: Expr,
    pub span: Span,
}

/// `name=value` before an operator's arguments: `kind=inner`, `hint.strategy=broadcast`,
/// `isfuzzy=true`, `withsource=T`, `with_itemindex=i`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    Asc,
    Desc,
    GrannyAsc,
    GrannyDesc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NullsPlacement {
    First,
    Last,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SortKey {
    pub expr: Expr,
    pub order: Option<SortOrder>,
    pub nulls: Option<NullsPlacement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Operator {
    pub kind: OperatorKind,
    pub span: Span,
}

/// One tabular operator. Keywords with aliases keep the spelling used (`filter`/`where`,
/// `order`/`sort`, `limit`/`take`, `mvexpand`/`mv-expand`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OperatorKind {
    Where {
        keyword: String,
        predicate: Expr,
    },
    Project {
        columns: Vec<Assignment>,
    },
    ProjectAway {
        columns: Vec<Expr>,
    },
    ProjectKeep {
        columns: Vec<Expr>,
    },
    ProjectRename {
        renames: Vec<Assignment>,
    },
    ProjectReorder {
        columns: Vec<SortKey>,
    },
    ProjectSmart {
        columns: Vec<Assignment>,
    },
    ProjectByNames {
        columns: Vec<Expr>,
    },
    Extend {
        columns: Vec<Assignment>,
    },
    Summarize {
        params: Vec<Param>,
        aggregates: Vec<Assignment>,
        by: Vec<Assignment>,
    },
    Join {
        params: Vec<Param>,
        right: Expr,
        on: Vec<Expr>,
    },
    Lookup {
        params: Vec<Param>,
        right: Expr,
        on: Vec<Expr>,
    },
    Union {
        params: Vec<Param>,
        tables: Vec<Expr>,
    },
    Distinct {
        columns: Vec<Expr>,
    },
    Sort {
        keyword: String,
        params: Vec<Param>,
        keys: Vec<SortKey>,
    },
    Top {
        count: Expr,
        key: SortKey,
    },
    TopNested {
        levels: Vec<TopNestedLevel>,
    },
    TopHitters {
        count: Expr,
        of: Expr,
        by: Option<Expr>,
    },
    Take {
        keyword: String,
        count: Expr,
    },
    Count,
    MvExpand {
        keyword: String,
        params: Vec<Param>,
        items: Vec<MvExpandItem>,
        limit: Option<Expr>,
    },
    MvApply {
        params: Vec<Param>,
        items: Vec<MvExpandItem>,
        limit: Option<Expr>,
        subquery: Vec<Operator>,
    },
    Parse {
        keyword: String,
        params: Vec<Param>,
        source: Expr,
        pattern: Vec<ParsePart>,
    },
    ParseKv {
        source: Expr,
        columns: Vec<ColumnDecl>,
        with: Vec<Param>,
    },
    MakeSeries {
        params: Vec<Param>,
        aggregates: Vec<MakeSeriesAggregate>,
        on: Expr,
        range: MakeSeriesRange,
        by: Vec<Assignment>,
    },
    Evaluate {
        params: Vec<Param>,
        call: Expr,
        output_schema: Option<Vec<ColumnDecl>>,
    },
    Invoke {
        call: Expr,
    },
    Render {
        chart: Ident,
        with: Vec<Param>,
    },
    As {
        params: Vec<Param>,
        name: Ident,
    },
    Serialize {
        columns: Vec<Assignment>,
    },
    Getschema,
    Range {
        column: Ident,
        from: Expr,
        to: Expr,
        step: Expr,
    },
    Print {
        columns: Vec<Assignment>,
    },
    Datatable {
        columns: Vec<ColumnDecl>,
        values: Vec<Expr>,
    },
    Externaldata {
        columns: Vec<ColumnDecl>,
        uris: Vec<Expr>,
        with: Vec<Param>,
    },
    Search {
        params: Vec<Param>,
        tables: Option<Vec<Expr>>,
        predicate: Expr,
    },
    Find {
        params: Vec<Param>,
        tables: Option<Vec<Expr>>,
        predicate: Expr,
        project: Option<FindProject>,
    },
    Sample {
        count: Expr,
    },
    SampleDistinct {
        count: Expr,
        column: Expr,
    },
    Scan {
        params: Vec<Param>,
        order_by: Vec<SortKey>,
        partition_by: Vec<Expr>,
        declare: Vec<Parameter>,
        steps: Vec<ScanStep>,
    },
    Partition {
        params: Vec<Param>,
        by: Expr,
        body: PartitionBody,
    },
    Fork {
        branches: Vec<ForkBranch>,
    },
    Facet {
        columns: Vec<Expr>,
        with: Option<Vec<Operator>>,
    },
    Consume {
        params: Vec<Param>,
    },
    Reduce {
        params: Vec<Param>,
        by: Expr,
        with: Vec<Param>,
    },
    /// An operator rulelab parses only loosely (graph operators, assert-schema): the
    /// keyword and the raw text of its arguments.
    Raw {
        keyword: String,
        text: String,
    },
    /// Text after `|` that could not be parsed.
    Error,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopNestedLevel {
    pub count: Option<Expr>,
    pub of: Assignment,
    pub others: Option<Expr>,
    pub by: Assignment,
    pub order: Option<SortOrder>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MvExpandItem {
    pub assignment: Assignment,
    pub to_type: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ParsePart {
    /// A string literal that must appear in the text.
    Literal { value: Expr },
    /// `*`: skip anything.
    Skip,
    /// A column to capture, with an optional type.
    Column { name: Ident, ty: Option<Ident> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MakeSeriesAggregate {
    pub assignment: Assignment,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MakeSeriesRange {
    /// `[from start] [to end] step s`.
    FromTo {
        from: Option<Expr>,
        to: Option<Expr>,
        step: Expr,
    },
    /// `in range(start, stop, step)`.
    InRange { args: Vec<Expr> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FindProject {
    pub is_smart: bool,
    pub columns: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScanStep {
    pub name: Ident,
    pub is_optional: bool,
    pub output: Option<Ident>,
    pub condition: Expr,
    pub assignments: Vec<Assignment>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PartitionBody {
    /// `( operators applied to each partition )`.
    Subquery { operators: Vec<Operator> },
    /// `{ a query that refers to the partition as `as` name }`.
    Query { expr: Box<Expr> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ForkBranch {
    pub name: Option<Ident>,
    pub operators: Vec<Operator>,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let depth = super::visit::expr_kind_depth(&kind);
        Expr { kind, span, depth }
    }

    pub fn error(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
            depth: 1,
        }
    }

    /// The name when the expression is a plain column or table name.
    pub fn as_name(&self) -> Option<&Ident> {
        match &self.kind {
            ExprKind::Name(ident) => Some(ident),
            _ => None,
        }
    }
}

impl Ident {
    pub fn new(name: impl Into<String>, span: Span) -> Ident {
        Ident {
            name: name.into(),
            is_quoted: false,
            span,
        }
    }
}

impl StringOp {
    /// The operator as KQL writes it, e.g. `!hasprefix_cs`.
    pub fn text(self) -> String {
        let base = match self.kind {
            StringOpKind::Has => "has",
            StringOpKind::HasPrefix => "hasprefix",
            StringOpKind::HasSuffix => "hassuffix",
            StringOpKind::Contains => "contains",
            StringOpKind::StartsWith => "startswith",
            StringOpKind::EndsWith => "endswith",
            StringOpKind::Like => "like",
        };
        let mut out = String::new();
        if self.is_negated {
            out.push('!');
        }
        out.push_str(base);
        if self.is_case_sensitive {
            out.push_str(if self.kind == StringOpKind::Like {
                "cs"
            } else {
                "_cs"
            });
        }
        out
    }

    /// Reads a string operator token, including legacy spellings (`notcontains`, `likecs`).
    pub fn from_text(text: &str) -> Option<StringOp> {
        let (is_negated, rest) = match text.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => match text.strip_prefix("not") {
                Some(rest) => (true, rest),
                None => (false, text),
            },
        };
        let (is_case_sensitive, base) = match rest.strip_suffix("_cs") {
            Some(base) => (true, base),
            None => match rest.strip_suffix("cs") {
                Some(base) if base == "like" || base == "contains" => (true, base),
                _ => (false, rest),
            },
        };
        let kind = match base {
            "has" => StringOpKind::Has,
            "hasprefix" => StringOpKind::HasPrefix,
            "hassuffix" => StringOpKind::HasSuffix,
            "contains" => StringOpKind::Contains,
            "startswith" => StringOpKind::StartsWith,
            "endswith" => StringOpKind::EndsWith,
            "like" => StringOpKind::Like,
            _ => return None,
        };
        Some(StringOp {
            kind,
            is_negated,
            is_case_sensitive,
        })
    }
}

impl BinaryOp {
    /// The operator as KQL writes it.
    pub fn text(self) -> String {
        match self {
            BinaryOp::Eq => "==".into(),
            BinaryOp::NotEq => "!=".into(),
            BinaryOp::Lt => "<".into(),
            BinaryOp::Le => "<=".into(),
            BinaryOp::Gt => ">".into(),
            BinaryOp::Ge => ">=".into(),
            BinaryOp::EqCi => "=~".into(),
            BinaryOp::NotEqCi => "!~".into(),
            BinaryOp::Add => "+".into(),
            BinaryOp::Sub => "-".into(),
            BinaryOp::Mul => "*".into(),
            BinaryOp::Div => "/".into(),
            BinaryOp::Mod => "%".into(),
            BinaryOp::MatchesRegex => "matches regex".into(),
            BinaryOp::SearchHas => ":".into(),
            BinaryOp::Assign => "=".into(),
            BinaryOp::String(op) => op.text(),
        }
    }
}

impl ListOp {
    pub fn text(self) -> &'static str {
        match self {
            ListOp::In => "in",
            ListOp::NotIn => "!in",
            ListOp::InCi => "in~",
            ListOp::NotInCi => "!in~",
            ListOp::HasAny => "has_any",
            ListOp::HasAll => "has_all",
        }
    }
}

impl OperatorKind {
    /// The operator's keyword as the user wrote it (for stage titles and messages).
    pub fn keyword(&self) -> &str {
        match self {
            OperatorKind::Where { keyword, .. }
            | OperatorKind::Sort { keyword, .. }
            | OperatorKind::Take { keyword, .. }
            | OperatorKind::MvExpand { keyword, .. }
            | OperatorKind::Parse { keyword, .. }
            | OperatorKind::Raw { keyword, .. } => keyword,
            OperatorKind::Project { .. } => "project",
            OperatorKind::ProjectAway { .. } => "project-away",
            OperatorKind::ProjectKeep { .. } => "project-keep",
            OperatorKind::ProjectRename { .. } => "project-rename",
            OperatorKind::ProjectReorder { .. } => "project-reorder",
            OperatorKind::ProjectSmart { .. } => "project-smart",
            OperatorKind::ProjectByNames { .. } => "project-by-names",
            OperatorKind::Extend { .. } => "extend",
            OperatorKind::Summarize { .. } => "summarize",
            OperatorKind::Join { .. } => "join",
            OperatorKind::Lookup { .. } => "lookup",
            OperatorKind::Union { .. } => "union",
            OperatorKind::Distinct { .. } => "distinct",
            OperatorKind::Top { .. } => "top",
            OperatorKind::TopNested { .. } => "top-nested",
            OperatorKind::TopHitters { .. } => "top-hitters",
            OperatorKind::Count => "count",
            OperatorKind::MvApply { .. } => "mv-apply",
            OperatorKind::ParseKv { .. } => "parse-kv",
            OperatorKind::MakeSeries { .. } => "make-series",
            OperatorKind::Evaluate { .. } => "evaluate",
            OperatorKind::Invoke { .. } => "invoke",
            OperatorKind::Render { .. } => "render",
            OperatorKind::As { .. } => "as",
            OperatorKind::Serialize { .. } => "serialize",
            OperatorKind::Getschema => "getschema",
            OperatorKind::Range { .. } => "range",
            OperatorKind::Print { .. } => "print",
            OperatorKind::Datatable { .. } => "datatable",
            OperatorKind::Externaldata { .. } => "externaldata",
            OperatorKind::Search { .. } => "search",
            OperatorKind::Find { .. } => "find",
            OperatorKind::Sample { .. } => "sample",
            OperatorKind::SampleDistinct { .. } => "sample-distinct",
            OperatorKind::Scan { .. } => "scan",
            OperatorKind::Partition { .. } => "partition",
            OperatorKind::Fork { .. } => "fork",
            OperatorKind::Facet { .. } => "facet",
            OperatorKind::Consume { .. } => "consume",
            OperatorKind::Reduce { .. } => "reduce",
            OperatorKind::Error => "<error>",
        }
    }
}
