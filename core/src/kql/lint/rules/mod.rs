//! One KQL lint rule per file, named by its slug.

pub mod case_sensitive_match;
pub mod column_shadows_let;
pub mod constant_predicate;
pub mod cross_cluster;
pub mod deprecated_function;
pub mod duplicate_let;
pub mod empty_string_comparison;
pub mod has_ipv4;
pub mod has_short_term;
pub mod join_without_kind;
pub mod literal_wildcard;
pub mod lolbin_allow_list;
pub mod mv_expand_without_limit;
pub mod prefer_has;
pub mod redundant_json_round_trip;
pub mod regex_without_prefilter;
pub mod reversed_between;
pub mod single_value_has_any;
pub mod single_value_in;
pub mod sort_before_join;
pub mod string_names_column;
pub mod take_without_sort;
pub mod tolower_comparison;
pub mod union_wildcard;
pub mod unscoped_search;
pub mod unused_let;
