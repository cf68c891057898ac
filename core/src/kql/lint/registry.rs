//! Every KQL lint rule, in code order. Adding a rule means adding it here; the docs test
//! (`docs/rules.md`) and the fixture test iterate this list.

use super::rules::*;
use super::KqlRule;

pub static RULES: &[&dyn KqlRule] = &[
    &prefer_has::PreferHas,
    &join_without_kind::JoinWithoutKind,
    &deprecated_function::DeprecatedFunction,
    &has_short_term::HasShortTerm,
    &unscoped_search::UnscopedSearch,
    &union_wildcard::UnionWildcard,
    &mv_expand_without_limit::MvExpandWithoutLimit,
    &redundant_json_round_trip::RedundantJsonRoundTrip,
    &sort_before_join::SortBeforeJoin,
    &unused_let::UnusedLet,
    &duplicate_let::DuplicateLet,
    &case_sensitive_match::CaseSensitiveMatch,
    &cross_cluster::CrossCluster,
    &empty_string_comparison::EmptyStringComparison,
    &has_ipv4::HasIpv4,
    &tolower_comparison::TolowerComparison,
    &single_value_in::SingleValueIn,
    &lolbin_allow_list::LolbinAllowList,
    &string_names_column::StringNamesColumn,
    &literal_wildcard::LiteralWildcard,
    &take_without_sort::TakeWithoutSort,
    &reversed_between::ReversedBetween,
    &regex_without_prefilter::RegexWithoutPrefilter,
    &single_value_has_any::SingleValueHasAny,
    &constant_predicate::ConstantPredicate,
    &column_shadows_let::ColumnShadowsLet,
];
