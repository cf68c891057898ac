use super::*;
use crate::value::ScalarType;

fn columns(table: &Table) -> Vec<&str> {
    table.columns.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn profiles_parse_and_serialize_lowercase() {
    assert_eq!(Profile::parse("Sentinel"), Some(Profile::Sentinel));
    assert_eq!(Profile::parse("none"), Some(Profile::None));
    assert_eq!(Profile::parse("splunk"), None);
    assert_eq!(
        serde_json::to_string(&Profile::Defender).unwrap(),
        "\"defender\""
    );
    let p: Profile = serde_json::from_str("\"sentinel\"").unwrap();
    assert_eq!(p, Profile::Sentinel);
}

#[test]
fn defender_tables_use_timestamp() {
    let schema = Schema::for_profile(Profile::Defender);
    let table = schema.table("DeviceProcessEvents").unwrap();
    assert_eq!(table.time_column().unwrap().name, "Timestamp");
    assert_eq!(columns(table)[0], "Timestamp");
    let command_line = table.column("ProcessCommandLine").unwrap();
    assert_eq!(command_line.ty, ScalarType::String);
    assert_eq!(
        table.column("ProcessId").unwrap().ty,
        ScalarType::Long,
        "{:?}",
        table.column("ProcessId")
    );
    // The oracle gave every Defender table TimeGenerated; we do the same to stay comparable.
    assert_eq!(
        table.column("TimeGenerated").unwrap().ty,
        ScalarType::Datetime
    );
    // ... but no Log Analytics columns.
    assert!(table.column("TenantId").is_none());
    assert!(table.column("_ResourceId").is_none());
    // Sentinel-only tables are unknown here.
    assert!(schema.table("SigninLogs").is_none());
    assert!(schema.table("SecurityEvent").is_none());
    // Inventory tables have no event time even though they are given TimeGenerated.
    let inventory = schema.table("DeviceTvmSoftwareInventory").unwrap();
    assert!(inventory.time_column().is_none());
    assert!(inventory.column("TimeGenerated").is_some());
}

// Needs the Log Analytics set (cargo feature `log-analytics`, on by default).
#[cfg(feature = "log-analytics")]
#[test]
fn sentinel_merges_defender_columns_into_streamed_tables() {
    let schema = Schema::for_profile(Profile::Sentinel);
    let table = schema.table("DeviceProcessEvents").unwrap();
    for name in [
        "Timestamp",
        "TimeGenerated",
        "ProcessCommandLine",
        "TenantId",
        "Type",
        "_ResourceId",
        "SourceSystem",
        "_ItemId",
        "_BilledSize",
    ] {
        assert!(table.column(name).is_some(), "DeviceProcessEvents.{name}");
    }
    assert_eq!(table.time_column().unwrap().name, "TimeGenerated");
    // No duplicates after the merge.
    let mut names = columns(table);
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len());
}

// Needs the Log Analytics set (cargo feature `log-analytics`, on by default).
#[cfg(feature = "log-analytics")]
#[test]
fn sentinel_native_tables_have_no_timestamp() {
    let schema = Schema::for_profile(Profile::Sentinel);
    let signin = schema.table("SigninLogs").unwrap();
    assert!(signin.column("Timestamp").is_none());
    assert_eq!(signin.time_column().unwrap().name, "TimeGenerated");
    assert!(signin.column("UserPrincipalName").is_some());
    let security_event = schema.table("SecurityEvent").unwrap();
    assert_eq!(
        security_event.column("EventID").unwrap().ty,
        ScalarType::Int
    );
    for name in [
        "TenantId",
        "TimeGenerated",
        "Type",
        "_ResourceId",
        "_IsBillable",
    ] {
        assert!(
            security_event.column(name).is_some(),
            "SecurityEvent.{name}"
        );
    }
}

#[test]
fn sentinel_has_custom_tables_and_asim_functions() {
    let schema = Schema::for_profile(Profile::Sentinel);
    // A Sentinel CI custom table; an ASIM parser declared as a table.
    assert!(schema.table("imAuthentication").is_some());
    let im = schema.tabular("imProcessCreate").unwrap();
    assert!(matches!(im, Tabular::Table(_)));
    let dns = schema.function("_Im_Dns").unwrap();
    assert_eq!(dns.min_arguments(), 0);
    assert!(dns.parameters.iter().any(|p| p.name == "starttime"));
    assert!(dns.column("DnsQuery").is_some());
    assert!(matches!(
        schema.tabular("_Im_NetworkSession"),
        Some(Tabular::Function(_))
    ));
    let watchlist = schema.function("_GetWatchlist").unwrap();
    assert!(watchlist.is_open);
    assert_eq!(watchlist.min_arguments(), 1);
    // Defender-only functions are not there.
    assert!(schema.function("FileProfile").is_none());
    let defender = Schema::for_profile(Profile::Defender);
    let file_profile = defender.function("FileProfile").unwrap();
    assert!(file_profile.is_invoked);
    assert_eq!(
        file_profile.column("GlobalPrevalence").unwrap().ty,
        ScalarType::Long
    );
    assert!(defender.function("_Im_Dns").is_none());
}

#[test]
fn lookup_is_case_sensitive_with_did_you_mean() {
    let schema = Schema::for_profile(Profile::Defender);
    assert!(schema.table("deviceprocessevents").is_none());
    assert_eq!(
        schema.closest_tabular("deviceprocessevents"),
        Some("DeviceProcessEvents")
    );
    assert_eq!(
        schema.closest_tabular("DeviceProcesEvents"),
        Some("DeviceProcessEvents")
    );
    let table = schema.table("DeviceProcessEvents").unwrap();
    assert!(table.column("processcommandline").is_none());
    assert_eq!(
        table.closest_column("ProcesCommandLine"),
        Some("ProcessCommandLine")
    );
    assert_eq!(
        table.closest_column("processcommandline"),
        Some("ProcessCommandLine")
    );
    assert_eq!(table.closest_column("Zzzzzzzz"), None);
}

#[test]
fn profile_none_is_empty() {
    let schema = Schema::for_profile(Profile::None);
    assert!(schema.is_empty());
    assert!(schema.table("SigninLogs").is_none());
    assert_eq!(schema.table_names().count(), 0);
    assert!(!Schema::for_profile(Profile::Defender).is_empty());
}

#[test]
fn every_builtin_table_parses() {
    for profile in [Profile::Defender, Profile::Sentinel] {
        let schema = Schema::for_profile(profile);
        let names: Vec<String> = schema.table_names().map(str::to_string).collect();
        assert!(names.len() > 50, "{profile}: {} tables", names.len());
        for name in &names {
            let table = schema.table(name).unwrap();
            assert!(!table.columns.is_empty(), "{profile} {name}");
            if profile == Profile::Sentinel {
                assert!(table.column("TimeGenerated").is_some(), "{name}");
            }
        }
    }
}

#[cfg(feature = "log-analytics")]
#[test]
fn sentinel_has_the_full_log_analytics_set() {
    let schema = Schema::for_profile(Profile::Sentinel);
    // 682 Log Analytics tables + the Sentinel CI's own (14 of its 194 also in Log Analytics).
    assert_eq!(schema.table_names().count(), 682 + 194 - 14);
    assert!(schema.table("AzureDiagnostics").is_some());
    assert!(schema.table("SecurityAlert").is_some());
}

#[test]
fn custom_table_files_and_arrays() {
    let json = r#"[
        {"table": "MyLogs_CL", "columns": [
            {"name": "TimeGenerated", "type": "datetime"},
            {"name": "Computer", "type": "String"},
            {"name": "Count", "type": "Int64"},
            {"name": "Ok", "type": "boolean"},
            {"name": "Weird", "type": "hyperloglog"}
        ]},
        {"Name": "Other_CL", "Properties": [{"name": "Msg", "type": "string "}]}
    ]"#;
    let custom = parse_custom(json, Profile::Sentinel).unwrap();
    assert_eq!(custom.tables.len(), 2);
    let t = &custom.tables[0];
    assert_eq!(t.column("Count").unwrap().ty, ScalarType::Long);
    assert_eq!(t.column("Ok").unwrap().ty, ScalarType::Bool);
    assert_eq!(t.column("Weird").unwrap().ty, ScalarType::Dynamic);
    assert_eq!(t.time_column().unwrap().name, "TimeGenerated");
    assert_eq!(custom.warnings.len(), 1, "{:?}", custom.warnings);
    assert!(custom.warnings[0].contains("hyperloglog"));

    let schema = Schema::for_profile(Profile::None)
        .with_custom(json)
        .unwrap();
    assert!(!schema.is_empty());
    assert!(schema.table("Other_CL").unwrap().column("Msg").is_some());
    assert_eq!(schema.closest_tabular("mylogs_cl"), Some("MyLogs_CL"));
}

#[test]
fn show_schema_as_json_document() {
    let json = r#"{"Plugins": [], "Databases": {"SecurityDb": {
        "Name": "SecurityDb",
        "Tables": {"Events": {"Name": "Events", "OrderedColumns": [
            {"Name": "Timestamp", "Type": "System.DateTime", "CslType": "datetime"},
            {"Name": "Host", "Type": "System.String", "CslType": "string"},
            {"Name": "Bytes", "Type": "System.Int64"},
            {"Name": "Id", "Type": "System.Guid", "CslType": "guid"},
            {"Name": "Took", "Type": "System.TimeSpan", "CslType": "timespan"},
            {"Name": "Props", "Type": "System.Object", "CslType": "dynamic"}
        ]}},
        "MaterializedViews": {"EventsByHost": {"Name": "EventsByHost", "OrderedColumns": [
            {"Name": "Host", "Type": "System.String", "CslType": "string"}
        ]}},
        "Functions": {"RecentEvents": {"Name": "RecentEvents",
            "InputParameters": [{"Name": "lookback", "Type": "System.TimeSpan", "CslType": "timespan", "CslDefaultValue": "1d"}],
            "Body": "{ Events | where Timestamp > ago(lookback) }", "OutputColumns": []}}
    }}}"#;
    let schema = Schema::for_profile(Profile::Defender)
        .with_custom(json)
        .unwrap();
    let events = schema.table("Events").unwrap();
    assert_eq!(
        events
            .columns
            .iter()
            .map(|c| (c.name.as_str(), c.ty))
            .collect::<Vec<_>>(),
        vec![
            ("Timestamp", ScalarType::Datetime),
            ("Host", ScalarType::String),
            ("Bytes", ScalarType::Long),
            ("Id", ScalarType::Guid),
            ("Took", ScalarType::Timespan),
            ("Props", ScalarType::Dynamic),
        ]
    );
    assert_eq!(events.time_column().unwrap().name, "Timestamp");
    assert!(schema.table("EventsByHost").is_some());
    let recent = schema.function("RecentEvents").unwrap();
    assert_eq!(recent.min_arguments(), 0);
    assert!(recent.is_open);
    // Built-in tables are still there.
    assert!(schema.table("DeviceProcessEvents").is_some());
    // One database on its own works too.
    let db = r#"{"Tables": {"T": {"OrderedColumns": [{"Name": "x", "CslType": "long"}]}}}"#;
    let custom = parse_custom(db, Profile::None).unwrap();
    assert_eq!(custom.tables[0].name, "T");
}

#[test]
fn sentinel_function_files() {
    let json = r#"{"FunctionName": "_Im_Custom", "FunctionParameters": [
        {"Name": "starttime", "Type": "datetime", "IsRequired": false},
        {"Name": "needle", "Type": "String", "IsRequired": true}],
        "FunctionResultColumns": [{"Name": "EventCount", "Type": "int"}]}"#;
    let schema = Schema::for_profile(Profile::None)
        .with_custom(json)
        .unwrap();
    let f = schema.function("_Im_Custom").unwrap();
    assert_eq!(f.min_arguments(), 1);
    assert_eq!(f.column("EventCount").unwrap().ty, ScalarType::Int);
}

#[test]
fn custom_table_merges_into_builtin() {
    // A workspace newer than our data: DeviceProcessEvents gained a column.
    let json = r#"{"table": "DeviceProcessEvents", "columns": [
        {"name": "ProcessUniqueId", "type": "string"},
        {"name": "BrandNewColumn", "type": "long"},
        {"name": "ProcessId", "type": "int"}]}"#;
    let schema = Schema::for_profile(Profile::Defender)
        .with_custom(json)
        .unwrap();
    let table = schema.table("DeviceProcessEvents").unwrap();
    assert!(table.column("ProcessCommandLine").is_some());
    assert_eq!(table.column("BrandNewColumn").unwrap().ty, ScalarType::Long);
    // The custom type wins: it describes the user's workspace.
    assert_eq!(table.column("ProcessId").unwrap().ty, ScalarType::Int);
    assert_eq!(table.time_column().unwrap().name, "Timestamp");
    // The built-in data is not changed for other schemas.
    let plain = Schema::for_profile(Profile::Defender);
    assert!(plain
        .table("DeviceProcessEvents")
        .unwrap()
        .column("BrandNewColumn")
        .is_none());
    assert_eq!(
        schema
            .table_names()
            .filter(|n| *n == "DeviceProcessEvents")
            .count(),
        1
    );
}

#[test]
fn bad_custom_schemas_are_errors_not_panics() {
    for json in [
        "",
        "{",
        "42",
        "{\"hello\": 1}",
        "{\"Databases\": 3}",
        "[1, 2]",
    ] {
        assert!(
            parse_custom(json, Profile::None).is_err(),
            "{json:?} should be rejected"
        );
    }
    // Odd but readable: skipped parts become warnings.
    let custom = parse_custom(
        r#"{"table": "T", "columns": [{"type": "string"}, 5, {"name": "x"}]}"#,
        Profile::None,
    )
    .unwrap();
    assert_eq!(custom.tables[0].columns.len(), 1);
    assert_eq!(custom.tables[0].columns[0].ty, ScalarType::Dynamic);
    assert_eq!(custom.warnings.len(), 1);
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(parse_custom(&deep, Profile::None).is_err());
}

#[cfg(not(feature = "log-analytics"))]
#[test]
fn sentinel_without_log_analytics_keeps_streamed_and_custom_tables() {
    let schema = Schema::for_profile(Profile::Sentinel);
    let table = schema.table("DeviceProcessEvents").unwrap();
    assert!(table.column("Timestamp").is_some());
    assert_eq!(table.time_column().unwrap().name, "TimeGenerated");
    assert!(schema.table("imAuthentication").is_some());
    assert!(schema.function("_Im_Dns").is_some());
    assert!(schema.table("SigninLogs").is_none());
}
