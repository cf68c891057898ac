//! Signatures: parameter types, how arguments map onto parameters (optional and repeated
//! parameters), and the rules that give a call's result type.

use serde::Serialize;

use crate::value::ScalarType;

/// What a parameter accepts: one of these alternatives (`string|dynamic`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParamType {
    pub alternatives: Vec<TypeClass>,
}

/// A type or a class of types, as Kusto.Language describes parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeClass {
    Exact(ScalarType),
    /// Any scalar, `dynamic` included.
    Scalar,
    /// int, long, real, decimal.
    Number,
    /// int, long.
    Integer,
    /// Numbers, timespan and datetime (`sum`, `range`).
    Summable,
    /// Values that sort: numbers, string, datetime, timespan, bool.
    Orderable,
    /// A dynamic array.
    Array,
    /// A dynamic property bag.
    Bag,
    NotDynamic,
    NotRealOrBool,
    /// A tabular expression (`toscalar(T | ...)`, plugin inputs).
    Table,
    Any,
    /// A type literal: `typeof(long)` in `extract(..., typeof(long))`.
    TypeLiteral,
    /// Must share one type with the other `common` arguments (`coalesce`, `max_of`).
    Common,
    /// As `Common`, and dynamic is allowed (`iff`, `case`).
    CommonOrDynamic,
    /// As `Common`, among orderable types.
    CommonOrderable,
}

/// The form an argument must take beyond its type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgForm {
    #[default]
    Expression,
    /// A constant expression (a literal or a `let` of one).
    Constant,
    Literal,
    NonEmptyLiteral,
    /// A column reference.
    Column,
    /// May be `*` (`arg_max(t, *)`).
    StarAllowed,
    /// Must be `*`.
    StarOnly,
    Aggregate,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Parameter {
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: ParamType,
    pub form: ArgForm,
    /// How many arguments this parameter takes: `[x]` is 0..=1, `x{1,}` is 1..=unbounded.
    pub min: u16,
    /// `None`: unbounded.
    pub max: Option<u16>,
}

impl Parameter {
    pub fn is_optional(&self) -> bool {
        self.min == 0
    }

    pub fn is_repeated(&self) -> bool {
        self.max != Some(1)
    }
}

/// How a call's result type follows from its arguments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", content = "value", rename_all = "snake_case")]
pub enum ReturnRule {
    Fixed(ScalarType),
    /// The type of argument N (0-based).
    Argument(usize),
    /// The type named by the type literal at argument N (0-based).
    TypeLiteral(usize),
    /// The common type of the arguments of `common` parameters (`iff`, `case`, `coalesce`).
    Common,
    /// The widest numeric type among the arguments (`bin` on numbers).
    Widest,
    /// The argument's type with int promoted to long (`sum`).
    Promoted(usize),
    /// A table (plugins, `table()`, `materialize()`).
    Table,
    /// Several columns taken from the arguments (`arg_max(t, *)`, `percentiles(x, 50, 95)`);
    /// one argument gives that argument's type.
    Tuple,
    /// Several named columns (`series_stats`: min, min_idx, max, ...).
    Columns(Vec<(&'static str, ScalarType)>),
    /// `toscalar(T)`: the type of the subquery's first column.
    Subquery,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Signature {
    pub parameters: Vec<Parameter>,
    pub returns: ReturnRule,
}

impl TypeClass {
    fn accepts(self, ty: ScalarType) -> bool {
        use ScalarType::*;
        match self {
            TypeClass::Exact(expected) => {
                expected == ty
                    // Widening numeric conversions are implicit (int -> long -> real -> decimal).
                    || (numeric_rank(ty).is_some() && numeric_rank(ty) <= numeric_rank(expected))
            }
            TypeClass::Scalar | TypeClass::Any | TypeClass::Common | TypeClass::CommonOrDynamic => {
                true
            }
            TypeClass::Number => numeric_rank(ty).is_some(),
            TypeClass::Integer => matches!(ty, Int | Long),
            TypeClass::Summable => numeric_rank(ty).is_some() || matches!(ty, Timespan | Datetime),
            TypeClass::Orderable | TypeClass::CommonOrderable => {
                numeric_rank(ty).is_some() || matches!(ty, String | Datetime | Timespan | Bool)
            }
            TypeClass::Array | TypeClass::Bag => ty == Dynamic,
            TypeClass::NotDynamic => ty != Dynamic,
            TypeClass::NotRealOrBool => !matches!(ty, Real | Bool),
            // A scalar is never a table; a type literal's argument has no scalar type.
            TypeClass::Table | TypeClass::TypeLiteral => false,
        }
    }

    fn is_common(self) -> bool {
        matches!(
            self,
            TypeClass::Common | TypeClass::CommonOrDynamic | TypeClass::CommonOrderable
        )
    }
}

impl ParamType {
    /// Whether an argument of type `ty` fits (`None`: the argument's type is unknown).
    pub fn accepts(&self, ty: Option<ScalarType>) -> bool {
        match ty {
            None => true,
            Some(ty) => self.alternatives.iter().any(|class| class.accepts(ty)),
        }
    }

    pub fn is_common(&self) -> bool {
        self.alternatives.iter().any(|class| class.is_common())
    }
}

fn numeric_rank(ty: ScalarType) -> Option<u8> {
    match ty {
        ScalarType::Int => Some(0),
        ScalarType::Long => Some(1),
        ScalarType::Real => Some(2),
        ScalarType::Decimal => Some(3),
        _ => None,
    }
}

/// The type that values of `a` and `b` both convert to, if any.
fn common(a: ScalarType, b: ScalarType) -> Option<ScalarType> {
    if a == b {
        return Some(a);
    }
    match (numeric_rank(a), numeric_rank(b)) {
        (Some(x), Some(y)) => Some(if x >= y { a } else { b }),
        _ => None,
    }
}

impl Signature {
    /// The fewest and most arguments this signature takes (`None`: unbounded).
    pub fn arity(&self) -> (usize, Option<usize>) {
        let min = self.parameters.iter().map(|p| usize::from(p.min)).sum();
        let max = self
            .parameters
            .iter()
            .try_fold(0usize, |sum, p| p.max.map(|m| sum + usize::from(m)));
        (min, max)
    }

    /// The parameter each of `count` arguments binds to, or `None` when no assignment of
    /// optional and repeated parameters takes exactly `count` arguments. Consecutive
    /// repeated parameters with the same counts repeat together: `case(predicate, then){1,},
    /// else`.
    pub fn bind(&self, count: usize) -> Option<Vec<&Parameter>> {
        let items = self.items();
        let mut out = Vec::with_capacity(count);
        if bind_items(&items, count, &mut out) {
            Some(out)
        } else {
            None
        }
    }

    /// Groups the parameters: a single parameter, or a run of repeated ones with the same
    /// counts (`case`'s predicate/then pairs); differing counts repeat independently
    /// (`sequence_detect(..., Expr{1,}, Dimension{0,})`).
    fn items(&self) -> Vec<&[Parameter]> {
        let mut items = Vec::new();
        let mut rest = self.parameters.as_slice();
        while let Some(first) = rest.first() {
            let len = if first.is_repeated() {
                rest.iter()
                    .take_while(|p| p.is_repeated() && (p.min, p.max) == (first.min, first.max))
                    .count()
            } else {
                1
            };
            // `len` is at least 1 and at most `rest.len()`: `first` itself is counted.
            let (item, tail) = rest.split_at(len.clamp(1, rest.len()));
            items.push(item);
            rest = tail;
        }
        items
    }

    /// Whether arguments of these types fit this signature (unknown types fit anything).
    pub fn accepts(&self, args: &[Option<ScalarType>]) -> bool {
        match self.bind(args.len()) {
            Some(params) => params.iter().zip(args).all(|(p, ty)| p.ty.accepts(*ty)),
            None => false,
        }
    }

    /// The result type for arguments of these types; `None` when it depends on something
    /// other than the argument types (a table, several columns) or is unknown.
    pub fn return_type(&self, args: &[Option<ScalarType>]) -> Option<ScalarType> {
        let arg = |i: usize| args.get(i).copied().flatten();
        match &self.returns {
            ReturnRule::Fixed(ty) => Some(*ty),
            ReturnRule::Argument(i) | ReturnRule::TypeLiteral(i) => arg(*i),
            ReturnRule::Promoted(i) => arg(*i).map(|ty| match ty {
                ScalarType::Int => ScalarType::Long,
                other => other,
            }),
            ReturnRule::Common => {
                let params = self.bind(args.len())?;
                let mut types = params
                    .iter()
                    .zip(args)
                    .filter(|(p, _)| p.ty.is_common())
                    .filter_map(|(_, ty)| *ty)
                    .collect::<Vec<_>>();
                // `iff(c, dynamic_value, "x")`: the non-dynamic branch decides, as in Kusto.
                if types.iter().any(|t| *t != ScalarType::Dynamic) {
                    types.retain(|t| *t != ScalarType::Dynamic);
                }
                let first = *types.first()?;
                types.into_iter().try_fold(first, common)
            }
            ReturnRule::Widest => {
                let first = arg(0)?;
                args.iter().flatten().try_fold(first, |a, b| common(a, *b))
            }
            ReturnRule::Tuple => match args {
                [only] => *only,
                _ => None,
            },
            ReturnRule::Table | ReturnRule::Columns(_) | ReturnRule::Subquery => None,
        }
    }
}

fn bind_items<'a>(
    items: &[&'a [Parameter]],
    remaining: usize,
    out: &mut Vec<&'a Parameter>,
) -> bool {
    let Some((first, rest)) = items.split_first() else {
        return remaining == 0;
    };
    let rest_min: usize = rest.iter().map(|item| item_bounds(item).0).sum();
    let rest_max: Option<usize> = rest
        .iter()
        .try_fold(0usize, |sum, item| item_bounds(item).1.map(|m| sum + m));
    let width = first.len();
    let (lo, hi) = match first {
        [] => (0, 0),
        [single] if !single.is_repeated() => (usize::from(single.min), 1),
        [p, ..] => {
            let most = remaining / width.max(1);
            (
                usize::from(p.min),
                p.max.map_or(most, |m| usize::from(m).min(most)),
            )
        }
    };
    // Try the largest count first: earlier parameters take arguments before later optional
    // ones, as positional binding does.
    for times in (lo..=hi).rev() {
        let used = times * width;
        if used > remaining {
            continue;
        }
        let left = remaining - used;
        if left < rest_min || rest_max.is_some_and(|max| left > max) {
            continue;
        }
        let mark = out.len();
        for _ in 0..times {
            out.extend(first.iter());
        }
        if bind_items(rest, left, out) {
            return true;
        }
        out.truncate(mark);
    }
    false
}

/// The fewest and most arguments a parameter item takes.
fn item_bounds(item: &[Parameter]) -> (usize, Option<usize>) {
    let width = item.len();
    match item.first() {
        Some(p) => (
            usize::from(p.min) * width,
            p.max.map(|m| usize::from(m) * width),
        ),
        None => (0, Some(0)),
    }
}
