use super::*;
use crate::value::ScalarType::{self, *};

fn ret(name: &str, args: &[ScalarType]) -> Option<ScalarType> {
    let args: Vec<Option<ScalarType>> = args.iter().copied().map(Some).collect();
    lookup(name)
        .unwrap_or_else(|| panic!("{name} not in the catalog"))
        .return_type(&args)
}

#[test]
fn every_line_of_the_data_parses() {
    assert!(data_errors().is_empty(), "{:?}", data_errors());
    assert!(all().len() > 450, "{} functions", all().len());
    // Sorted and unique: lookups by name are unambiguous.
    assert!(all().windows(2).all(|w| w[0].name < w[1].name));
    for f in all() {
        assert!(!f.signatures.is_empty(), "{}", f.name);
        assert!(!f.description.is_empty(), "{} has no description", f.name);
    }
}

#[test]
fn lookup_is_case_sensitive_and_resolves_aliases() {
    assert_eq!(lookup("tolower").unwrap().name, "tolower");
    assert!(lookup("ToLower").is_none());
    assert!(lookup("no_such_function").is_none());
    for (alias, canonical, is_deprecated) in [
        ("makeset", "make_set", true),
        ("makelist", "make_list", true),
        ("columnifexists", "column_ifexists", true),
        ("parsejson", "parse_json", true),
        ("todynamic", "parse_json", false),
        ("toobject", "parse_json", true),
        ("iif", "iff", false),
        ("floor", "bin", false),
        ("any", "take_any", true),
        ("argmax", "arg_max", true),
        ("pack", "bag_pack", true),
        ("notempty", "isnotempty", true),
        ("arraylength", "array_length", true),
        ("replace", "replace_regex", true),
        ("make_dictionary", "make_bag", true),
        ("todouble", "toreal", false),
        ("toboolean", "tobool", false),
    ] {
        let info = lookup(alias).unwrap_or_else(|| panic!("{alias}"));
        assert_eq!(info.name, canonical, "{alias}");
        let a = alias_of(alias);
        assert_eq!(a.canonical, canonical);
        assert_eq!(a.is_deprecated, is_deprecated, "{alias}");
    }
    assert!(super::alias("make_set").is_none());
    // toint and tolong are functions of their own, not aliases.
    assert_eq!(lookup("toint").unwrap().name, "toint");
    assert_eq!(lookup("tolong").unwrap().name, "tolong");
    assert_eq!(ret("toint", &[String]), Some(Int));
    assert_eq!(ret("tolong", &[String]), Some(Long));
}

fn alias_of(name: &str) -> Alias {
    super::alias(name).unwrap_or_else(|| panic!("{name} is not an alias"))
}

#[test]
fn kinds() {
    assert_eq!(lookup("count").unwrap().kind, FunctionKind::Aggregate);
    assert_eq!(lookup("dcountif").unwrap().kind, FunctionKind::Aggregate);
    assert_eq!(lookup("strlen").unwrap().kind, FunctionKind::Scalar);
    assert_eq!(lookup("prev").unwrap().kind, FunctionKind::Window);
    assert_eq!(lookup("row_number").unwrap().kind, FunctionKind::Window);
    assert_eq!(lookup("bag_unpack").unwrap().kind, FunctionKind::Plugin);
    assert_eq!(lookup("materialize").unwrap().kind, FunctionKind::Tabular);
    assert_eq!(lookup("toscalar").unwrap().kind, FunctionKind::Scalar);
    let hll_merge = lookup("hll_merge").unwrap();
    assert_eq!(hll_merge.kind, FunctionKind::Aggregate);
    assert!(hll_merge.is_also_scalar);
}

#[test]
fn return_types_of_common_functions() {
    assert_eq!(ret("tostring", &[Long]), Some(String));
    assert_eq!(ret("tostring", &[Dynamic]), Some(String));
    assert_eq!(ret("count", &[]), Some(Long));
    assert_eq!(ret("countif", &[Bool]), Some(Long));
    assert_eq!(ret("dcount", &[String]), Some(Long));
    assert_eq!(ret("make_set", &[String]), Some(Dynamic));
    assert_eq!(ret("make_set", &[String, Long]), Some(Dynamic));
    assert_eq!(ret("make_list", &[Datetime]), Some(Dynamic));
    assert_eq!(ret("bin", &[Datetime, Timespan]), Some(Datetime));
    assert_eq!(ret("bin", &[Timespan, Timespan]), Some(Timespan));
    assert_eq!(ret("bin", &[Long, Int]), Some(Long));
    assert_eq!(ret("bin", &[Int, Real]), Some(Real));
    assert_eq!(ret("floor", &[Datetime, Timespan]), Some(Datetime));
    assert_eq!(ret("iff", &[Bool, String, String]), Some(String));
    assert_eq!(ret("iff", &[Bool, Long, Long]), Some(Long));
    assert_eq!(ret("iff", &[Bool, Int, Real]), Some(Real));
    assert_eq!(ret("iif", &[Bool, Datetime, Datetime]), Some(Datetime));
    assert_eq!(
        ret("case", &[Bool, String, Bool, String, String]),
        Some(String)
    );
    assert_eq!(ret("coalesce", &[String, String, String]), Some(String));
    assert_eq!(ret("max_of", &[Long, Real]), Some(Real));
    assert_eq!(ret("ago", &[Timespan]), Some(Datetime));
    assert_eq!(ret("now", &[]), Some(Datetime));
    assert_eq!(ret("strlen", &[String]), Some(Long));
    assert_eq!(ret("strcat", &[String, Long, String]), Some(String));
    assert_eq!(ret("parse_json", &[String]), Some(Dynamic));
    assert_eq!(ret("todynamic", &[Dynamic]), Some(Dynamic));
    assert_eq!(ret("todatetime", &[String]), Some(Datetime));
    assert_eq!(ret("sum", &[Int]), Some(Long));
    assert_eq!(ret("sum", &[Real]), Some(Real));
    assert_eq!(ret("sum", &[Timespan]), Some(Timespan));
    assert_eq!(ret("avg", &[Long]), Some(Real));
    assert_eq!(ret("min", &[Datetime]), Some(Datetime));
    assert_eq!(ret("max", &[String]), Some(String));
    assert_eq!(ret("arg_max", &[Datetime]), Some(Datetime));
    assert_eq!(ret("arg_max", &[Datetime, String]), None);
    assert_eq!(ret("take_any", &[String]), Some(String));
    assert_eq!(ret("column_ifexists", &[String, String]), Some(String));
    assert_eq!(ret("column_ifexists", &[String, Long]), Some(Long));
    assert_eq!(
        ret("datetime_diff", &[String, Datetime, Datetime]),
        Some(Long)
    );
    assert_eq!(ret("extract", &[String, Long, String]), Some(String));
    // A type literal argument: the caller passes the type it names.
    assert_eq!(ret("extract", &[String, Long, String, Long]), Some(Long));
    assert_eq!(ret("split", &[String, String]), Some(Dynamic));
    assert_eq!(ret("array_length", &[Dynamic]), Some(Long));
    assert_eq!(ret("ipv4_is_private", &[String]), Some(Bool));
    assert_eq!(ret("isnotempty", &[String]), Some(Bool));
    assert_eq!(ret("row_number", &[]), Some(Long));
    assert_eq!(ret("prev", &[String]), Some(String));
    assert_eq!(ret("percentile", &[Long, Long]), Some(Long));
    assert_eq!(ret("bag_unpack", &[Dynamic]), None);
    assert_eq!(ret("series_stats", &[Dynamic]), None);
    let unknown = lookup("iff")
        .unwrap()
        .return_type(&[Some(Bool), None, Some(String)]);
    assert_eq!(unknown, Some(String));
    assert_eq!(
        lookup("tostring").unwrap().return_type(&[None]),
        Some(String)
    );
}

#[test]
fn arity_and_binding() {
    assert_eq!(lookup("count").unwrap().arity(), (0, Some(0)));
    assert_eq!(lookup("strcat").unwrap().arity(), (1, Some(64)));
    assert_eq!(lookup("make_set").unwrap().arity(), (1, Some(2)));
    assert_eq!(lookup("case").unwrap().arity(), (3, None));
    assert_eq!(lookup("arg_max").unwrap().arity(), (1, None));
    let case = &lookup("case").unwrap().signatures[0];
    // case(predicate, then, [predicate, then]..., else): pairs repeat together.
    assert!(case.bind(2).is_none());
    assert!(case.bind(4).is_none());
    let names: Vec<&str> = case.bind(5).unwrap().iter().map(|p| p.name).collect();
    assert_eq!(names, ["predicate", "then", "predicate", "then", "else"]);
    let substring = lookup("substring").unwrap();
    assert!(substring
        .signature_for(&[Some(String), Some(Long)])
        .is_some());
    assert!(substring.signature_for(&[Some(String)]).is_none());
    // Wrong types still find a signature by count, so analysis can report the type.
    let strlen = lookup("strlen").unwrap();
    assert!(!strlen.signatures[0].accepts(&[Some(Long)]));
    assert!(strlen.signature_for(&[Some(Long)]).is_some());
    let arg_max = &lookup("arg_max").unwrap().signatures[0];
    assert_eq!(arg_max.parameters[1].form, ArgForm::StarAllowed);
}

#[test]
fn default_column_names() {
    let name =
        |f: &str, arg: Option<&str>, n: usize| lookup(f).unwrap().default_column_name(arg, n);
    assert_eq!(name("count", None, 0).as_deref(), Some("count_"));
    assert_eq!(
        name("dcount", Some("Account"), 1).as_deref(),
        Some("dcount_Account")
    );
    assert_eq!(
        name("make_set", Some("FileName"), 1).as_deref(),
        Some("set_FileName")
    );
    assert_eq!(name("make_list", Some("X"), 2).as_deref(), Some("list_X"));
    assert_eq!(name("makeset", Some("X"), 1).as_deref(), Some("set_X"));
    assert_eq!(
        name("bin", Some("Timestamp"), 2).as_deref(),
        Some("Timestamp")
    );
    assert_eq!(
        name("strlen", Some("Name"), 1).as_deref(),
        Some("strlen_Name")
    );
    assert_eq!(name("strcat", Some("A"), 2), None);
    assert_eq!(name("countif", None, 1).as_deref(), Some("countif_"));
}

#[test]
fn did_you_mean() {
    assert_eq!(closest("tolowr"), Some("tolower"));
    assert_eq!(closest("ToLower"), Some("tolower"));
    assert_eq!(closest("make_sett"), Some("make_set"));
    assert_eq!(closest("zzzzzzzzzzzzzzz"), None);
    assert_eq!(
        closest_matching("bag_unpak", |f| f.kind == FunctionKind::Plugin),
        Some("bag_unpack")
    );
    // Deprecated names are never suggested.
    assert_ne!(closest("makesett"), Some("makeset"));
}

#[test]
fn docs_urls() {
    let url = |name: &str| lookup(name).unwrap().docs_url();
    assert_eq!(
        url("tostring"),
        "https://learn.microsoft.com/kusto/query/tostring-function"
    );
    assert_eq!(
        url("parse_json"),
        "https://learn.microsoft.com/kusto/query/parse-json-function"
    );
    assert_eq!(
        url("make_set"),
        "https://learn.microsoft.com/kusto/query/make-set-aggregation-function"
    );
    assert_eq!(
        url("bag_unpack"),
        "https://learn.microsoft.com/kusto/query/bag-unpack-plugin"
    );
    assert_eq!(
        url("percentiles_array"),
        "https://learn.microsoft.com/kusto/query/percentiles-aggregation-function"
    );
    assert_eq!(url("iif"), url("iff"));
}

#[test]
fn binding_never_exceeds_the_arity() {
    for f in all() {
        for s in &f.signatures {
            let (min, max) = s.arity();
            for n in 0..80 {
                if let Some(params) = s.bind(n) {
                    assert_eq!(params.len(), n, "{}", f.name);
                    assert!(n >= min && max.is_none_or(|m| n <= m), "{} {n}", f.name);
                }
            }
            assert!(s.bind(min).is_some(), "{} takes {min} arguments", f.name);
        }
    }
}
