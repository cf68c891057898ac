//! Sigma evaluation end to end: one small rule per behaviour, with events that should and
//! should not match. Semantics per the specification in `../shared/spec/sigma/`.

use rulelab::sigma::{self, EvaluateOptions, RuleSource};
use serde_json::{json, Value};

/// The indices of the events the rule (a detection with `sel` and the given condition)
/// matches.
fn matching(rule: &str, events: &[Value]) -> Vec<usize> {
    matching_with(rule, events, &EvaluateOptions::default())
}

fn matching_with(rule: &str, events: &[Value], options: &EvaluateOptions) -> Vec<usize> {
    let evaluation = sigma::evaluate(rule, events, options);
    let errors: Vec<_> = evaluation
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{} {}", d.code, d.message))
        .collect();
    assert!(errors.is_empty(), "{rule}\n{errors:?}");
    evaluation.matches.iter().map(|m| m.event).collect()
}

fn rule(detection: &str) -> String {
    format!("title: t\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nlogsource:\n    product: test\ndetection:\n{detection}\n")
}

#[test]
fn plain_values_are_case_insensitive_and_exact() {
    let r =
        rule("    sel:\n        Image: 'C:\\Windows\\System32\\whoami.exe'\n    condition: sel");
    let events = [
        json!({"Image": "C:\\Windows\\System32\\whoami.exe"}),
        json!({"Image": "c:\\windows\\system32\\WHOAMI.EXE"}),
        json!({"Image": "C:\\Windows\\System32\\whoami.exe.bak"}),
        json!({"Other": "C:\\Windows\\System32\\whoami.exe"}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
}

#[test]
fn lists_are_or_and_maps_are_and() {
    let r = rule("    sel:\n        EventLog: Security\n        EventID:\n            - 517\n            - 1102\n    condition: sel");
    let events = [
        json!({"EventLog": "Security", "EventID": 517}),
        json!({"EventLog": "security", "EventID": "1102"}),
        json!({"EventLog": "Security", "EventID": 4624}),
        json!({"EventID": 517}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
}

#[test]
fn list_of_maps_is_or() {
    let r = rule("    sel:\n        - Image|endswith: '\\example.exe'\n        - Description|contains: 'Test executable'\n    condition: sel");
    let events = [
        json!({"Image": "C:\\x\\EXAMPLE.exe"}),
        json!({"Description": "a test executable here"}),
        json!({"Image": "example.exe"}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
}

#[test]
fn wildcards_and_escapes() {
    let r = rule("    sel:\n        - A: 'prog?.exe'\n        - B: 'antivirus_V*.exe'\n        - C: 'a\\*b'\n        - D: '\\\\\\\\server\\share*'\n        - E: 'C:\\\\*'\n    condition: sel");
    let events = [
        json!({"A": "progA.exe"}),
        json!({"A": "prog.exe"}),
        json!({"B": "antivirus_V21.2.1.exe"}),
        json!({"C": "a*b"}),
        json!({"C": "axb"}),
        json!({"D": "\\\\server\\share\\x"}),
        json!({"E": "C:\\anything"}),
    ];
    assert_eq!(matching(&r, &events), [0, 2, 3, 5, 6]);
}

#[test]
fn contains_startswith_endswith_and_all() {
    let r = rule("    sel:\n        CommandLine|contains|all:\n            - ' -nop '\n            - ' -w hidden '\n        Image|startswith: 'C:\\Windows\\'\n        ParentImage|endswith: '\\explorer.exe'\n    condition: sel");
    let base = json!({"Image": "C:\\Windows\\System32\\powershell.exe", "ParentImage": "C:\\Windows\\Explorer.EXE"});
    let mut both = base.clone();
    both["CommandLine"] = json!("powershell -NOP -W Hidden -enc x");
    let mut one = base.clone();
    one["CommandLine"] = json!("powershell -nop -enc x");
    assert_eq!(matching(&r, &[both, one]), [0]);
}

#[test]
fn null_empty_and_exists() {
    let r = rule("    sel:\n        EventID: 4738\n    filter:\n        PasswordLastSet: null\n    condition: sel and not filter");
    let events = [
        json!({"EventID": 4738, "PasswordLastSet": "2024-01-01"}),
        json!({"EventID": 4738, "PasswordLastSet": null}),
        json!({"EventID": 4738}),
    ];
    assert_eq!(matching(&r, &events), [0]);
    let empty = rule("    sel:\n        Field: ''\n    condition: sel");
    assert_eq!(
        matching(
            &empty,
            &[json!({"Field": ""}), json!({"Field": "x"}), json!({})]
        ),
        [0]
    );
    let exists = rule("    sel:\n        Field|exists: true\n    other:\n        Gone|exists: false\n    condition: sel and other");
    assert_eq!(
        matching(
            &exists,
            &[
                json!({"Field": null}),
                json!({"Field": 1, "Gone": 2}),
                json!({})
            ]
        ),
        [0]
    );
}

#[test]
fn keywords_search_every_value() {
    let r = rule(
        "    keywords:\n        - 'event::clear'\n        - 'EVENT::drop'\n    condition: keywords",
    );
    let events = [
        json!({"CommandLine": "mimikatz event::Clear exit"}),
        json!({"nested": {"deep": ["x", "event::drop"]}}),
        json!({"CommandLine": "nothing"}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
    let all = rule("    keywords:\n        '|all':\n            - 'OabVirtualDirectory'\n            - ' -ExternalUrl '\n    condition: keywords");
    let events = [
        json!({"a": "Set-OabVirtualDirectory -ExternalUrl http://x"}),
        json!({"a": "Set-OabVirtualDirectory", "b": "x -ExternalUrl y"}),
        json!({"a": "Set-OabVirtualDirectory"}),
    ];
    assert_eq!(matching(&all, &events), [0, 1]);
}

#[test]
fn numbers_and_strings_compare_by_text() {
    let r = rule("    sel:\n        EventID: 4688\n        LogonType: '3'\n    condition: sel");
    let events = [
        json!({"EventID": 4688, "LogonType": 3}),
        json!({"EventID": "4688", "LogonType": "3"}),
        json!({"EventID": 4688.0, "LogonType": 3}),
        json!({"EventID": 46880, "LogonType": 3}),
    ];
    assert_eq!(matching(&r, &events), [0, 1, 2]);
    let bools = rule("    sel:\n        Enabled: true\n    condition: sel");
    assert_eq!(
        matching(
            &bools,
            &[
                json!({"Enabled": true}),
                json!({"Enabled": "True"}),
                json!({"Enabled": false})
            ]
        ),
        [0, 1]
    );
}

#[test]
fn dotted_paths_and_flat_dotted_keys() {
    let r = rule("    sel:\n        process.name: bash\n        event.code: 1\n    condition: sel");
    let events = [
        json!({"process": {"name": "Bash"}, "event": {"code": 1}}),
        json!({"process.name": "bash", "event.code": "1"}),
        json!({"process": {"name": "zsh"}, "event.code": 1}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
}

#[test]
fn array_values_match_any_item() {
    let r = rule("    sel:\n        Tags|contains: evil\n    condition: sel");
    assert_eq!(
        matching(
            &r,
            &[
                json!({"Tags": ["good", "Evil-one"]}),
                json!({"Tags": ["good"]})
            ]
        ),
        [0]
    );
}

#[test]
fn condition_operators() {
    let detection = "    sel_a:\n        A: 1\n    sel_b:\n        B: 1\n    filter_c:\n        C: 1\n    _hidden:\n        D: 1\n";
    let events = [
        json!({"A": 1}),
        json!({"A": 1, "B": 1}),
        json!({"A": 1, "B": 1, "C": 1}),
        json!({"D": 1}),
        json!({"C": 1}),
    ];
    let cases = [
        ("1 of sel_*", vec![0, 1, 2]),
        ("all of sel_*", vec![1, 2]),
        ("all of sel_* and not 1 of filter*", vec![1]),
        ("1 of them", vec![0, 1, 2, 4]),
        ("all of them", vec![2]),
        ("any of sel*", vec![0, 1, 2]),
        ("(sel_a or _hidden) and not filter_c", vec![0, 1, 3]),
        ("not sel_a", vec![3, 4]),
    ];
    for (condition, expected) in cases {
        let r = rule(&format!("{detection}    condition: {condition}"));
        assert_eq!(matching(&r, &events), expected, "{condition}");
    }
    // A list of conditions is OR-ed.
    let r = rule(&format!(
        "{detection}    condition:\n        - sel_b\n        - _hidden"
    ));
    assert_eq!(matching(&r, &events), [1, 2, 3]);
}

#[test]
fn regular_expressions() {
    let r = rule("    sel:\n        CommandLine|re: '^cmd\\.exe /c .*whoami$'\n    condition: sel");
    assert_eq!(
        matching(
            &r,
            &[
                json!({"CommandLine": "cmd.exe /c echo & whoami"}),
                json!({"CommandLine": "CMD.EXE /c whoami"})
            ]
        ),
        [0]
    );
    let i = rule("    sel:\n        CommandLine|re|i: 'WHOAMI'\n    condition: sel");
    assert_eq!(matching(&i, &[json!({"CommandLine": "x whoami"})]), [0]);
    let s = rule("    sel:\n        Text|re|s: 'a.b'\n    condition: sel");
    assert_eq!(
        matching(&s, &[json!({"Text": "a\nb"}), json!({"Text": "ab"})]),
        [0]
    );
    let m = rule("    sel:\n        Text|re|m: '^second$'\n    condition: sel");
    assert_eq!(
        matching(&m, &[json!({"Text": "first\nsecond\nthird"})]),
        [0]
    );
}

#[test]
fn base64_and_base64offset() {
    let r = rule("    sel:\n        Data|base64: 'cmd'\n    condition: sel");
    assert_eq!(
        matching(&r, &[json!({"Data": "Y21k"}), json!({"Data": "xY21k"})]),
        [0]
    );
    let offset = rule("    sel:\n        CommandLine|base64offset|contains: 'Invoke-Mimikatz'\n    condition: sel");
    use base64::Engine as _;
    let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let events: Vec<Value> = ["", "a", "ab", "abc"]
        .iter()
        .map(|prefix| json!({"CommandLine": format!("powershell -e {}", encode(&format!("{prefix}Invoke-Mimikatz -x")))}))
        .chain([json!({"CommandLine": format!("powershell -e {}", encode("Invoke-Other"))})])
        .collect();
    assert_eq!(matching(&offset, &events), [0, 1, 2, 3]);
}

#[test]
fn utf16_encodings_with_base64() {
    use base64::Engine as _;
    let utf16le: Vec<u8> = "IEX (New-Object"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&utf16le);
    for modifier in ["wide", "utf16le"] {
        let r = rule(&format!("    sel:\n        CommandLine|{modifier}|base64offset|contains: 'IEX (New-Object'\n    condition: sel"));
        assert_eq!(
            matching(
                &r,
                &[json!({"CommandLine": format!("powershell -enc {encoded}")})]
            ),
            [0],
            "{modifier}"
        );
    }
    let be: Vec<u8> = "cmd".encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let r = rule("    sel:\n        Data|utf16be|base64: 'cmd'\n    condition: sel");
    assert_eq!(
        matching(
            &r,
            &[json!({"Data": base64::engine::general_purpose::STANDARD.encode(&be)})]
        ),
        [0]
    );
    let mut bom = vec![0xFF, 0xFE];
    bom.extend("cmd".encode_utf16().flat_map(|u| u.to_le_bytes()));
    let r = rule("    sel:\n        Data|utf16|base64: 'cmd'\n    condition: sel");
    assert_eq!(
        matching(
            &r,
            &[json!({"Data": base64::engine::general_purpose::STANDARD.encode(&bom)})]
        ),
        [0]
    );
}

#[test]
fn windash_accepts_every_dash() {
    let r = rule("    sel:\n        CommandLine|contains|windash: ' -decode '\n    condition: sel");
    let events: Vec<Value> = ["-", "/", "\u{2013}", "\u{2014}", "\u{2015}", "_"]
        .iter()
        .map(|d| json!({"CommandLine": format!("certutil {d}decode a b")}))
        .collect();
    assert_eq!(matching(&r, &events), [0, 1, 2, 3, 4]);
    // windash with all: each value may use any dash.
    let all = rule("    sel:\n        CommandLine|contains|all|windash:\n            - ' -a '\n            - ' -b '\n    condition: sel");
    assert_eq!(
        matching(
            &all,
            &[
                json!({"CommandLine": "x /a  \u{2013}b "}),
                json!({"CommandLine": "x /a "})
            ]
        ),
        [0]
    );
}

#[test]
fn cidr_ipv4_and_ipv6() {
    let r = rule("    sel:\n        DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - 'fe80::/10'\n    condition: sel");
    let events = [
        json!({"DestinationIp": "10.20.30.40"}),
        json!({"DestinationIp": "fe80::1"}),
        json!({"DestinationIp": "11.0.0.1"}),
        json!({"DestinationIp": "not an ip"}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
}

#[test]
fn comparisons_and_neq() {
    let r = rule("    sel:\n        Size|gt: 100\n        Size|lte: 200\n    condition: sel");
    let events = [
        json!({"Size": 150}),
        json!({"Size": "200"}),
        json!({"Size": 100}),
        json!({"Size": "big"}),
    ];
    assert_eq!(matching(&r, &events), [0, 1]);
    let neq = rule("    sel:\n        User|neq:\n            - SYSTEM\n            - LOCAL SERVICE\n    condition: sel");
    assert_eq!(
        matching(
            &neq,
            &[
                json!({"User": "alice"}),
                json!({"User": "system"}),
                json!({"User": "local service"})
            ]
        ),
        [0]
    );
}

#[test]
fn cased_matching() {
    let r = rule("    sel:\n        Name|cased|contains: 'EvilCorp'\n    condition: sel");
    assert_eq!(
        matching(
            &r,
            &[json!({"Name": "xEvilCorp"}), json!({"Name": "xevilcorp"})]
        ),
        [0]
    );
}

#[test]
fn fieldref_compares_two_fields() {
    let r = rule("    sel:\n        Image|fieldref: ParentImage\n    condition: sel");
    let events = [
        json!({"Image": "C:\\a.exe", "ParentImage": "c:\\A.EXE"}),
        json!({"Image": "C:\\a.exe", "ParentImage": "C:\\b.exe"}),
        json!({"Image": "C:\\a.exe"}),
    ];
    assert_eq!(matching(&r, &events), [0]);
    let neq = rule("    sel:\n        Image|fieldref|neq: ParentImage\n    condition: sel");
    assert_eq!(matching(&neq, &events), [1, 2]);
}

#[test]
fn time_parts() {
    let r = rule("    sel:\n        TimeCreated|hour|gte: 22\n    night:\n        TimeCreated|hour|lt: 6\n    weekend:\n        TimeCreated|month: 12\n    condition: 1 of sel* or night or weekend");
    let events = [
        json!({"TimeCreated": "2025-10-25T23:10:00Z"}),
        json!({"TimeCreated": "2025-10-25T03:10:00Z"}),
        json!({"TimeCreated": "2025-10-25T12:10:00Z"}),
        json!({"TimeCreated": "2025-12-25T12:10:00Z"}),
        json!({"TimeCreated": "not a date"}),
    ];
    assert_eq!(matching(&r, &events), [0, 1, 3]);
    for (part, value) in [("minute", 10), ("day", 25), ("week", 43), ("year", 2025)] {
        let r = rule(&format!(
            "    sel:\n        TimeCreated|{part}: {value}\n    condition: sel"
        ));
        assert_eq!(matching(&r, &events[..1]), [0], "{part}");
    }
}

#[test]
fn expand_uses_the_placeholder_table() {
    let r = rule("    sel:\n        User|expand: '%Administrators%'\n    condition: sel");
    let events = [
        json!({"User": "adm_bob"}),
        json!({"User": "root"}),
        json!({"User": "alice"}),
    ];
    // Without a table the rule is not evaluated, and says so.
    let evaluation = sigma::evaluate(&r, &events, &EvaluateOptions::default());
    assert!(evaluation.matches.is_empty());
    let codes: Vec<_> = evaluation
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    assert!(
        codes.contains(&"SIG208") && codes.contains(&"SIG213"),
        "{codes:?}"
    );
    let mut options = EvaluateOptions::default();
    options.placeholders.insert(
        "Administrators".to_string(),
        vec!["adm_*".to_string(), "root".to_string()],
    );
    assert_eq!(matching_with(&r, &events, &options), [0, 1]);
}

#[test]
fn logsource_routing_uses_the_taxonomy() {
    let r = "title: t\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        CommandLine|contains: whoami\n    condition: sel\n";
    let events = [
        json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 1, "CommandLine": "whoami"}),
        json!({"Channel": "Microsoft-Windows-Sysmon/Operational", "EventID": 11, "CommandLine": "whoami"}),
        json!({"Channel": "Security", "EventID": 4688, "CommandLine": "whoami"}),
        json!({"Channel": "Microsoft-Windows-PowerShell/Operational", "EventID": 4104, "CommandLine": "whoami"}),
        json!({"CommandLine": "whoami"}),
    ];
    assert_eq!(matching(r, &events), [0, 2, 4]);
    let mut options = EvaluateOptions::default();
    options.eval.route_by_logsource = false;
    assert_eq!(matching_with(r, &events, &options), [0, 1, 2, 3, 4]);
}

#[test]
fn results_say_why() {
    let r = rule("    selection_img:\n        Image|endswith: '\\whoami.exe'\n    selection_cli:\n        CommandLine|contains: '/all'\n    filter:\n        User: SYSTEM\n    condition: 1 of selection_* and not filter");
    let evaluation = sigma::evaluate(
        &r,
        &[json!({"Image": "C:\\Windows\\whoami.exe", "CommandLine": "whoami", "User": "bob"})],
        &EvaluateOptions::default(),
    );
    let m = &evaluation.matches[0];
    assert_eq!(m.rule, "929a690e-bef0-4204-a928-ef5e620d6fcc");
    assert_eq!(m.selections, ["selection_img"]);
    assert_eq!(m.fields[0].field, "Image");
    assert_eq!(m.fields[0].modifiers, ["endswith"]);
    assert_eq!(
        m.fields[0].value.as_deref(),
        Some("C:\\Windows\\whoami.exe")
    );
    let json = serde_json::to_value(&evaluation).unwrap();
    assert_eq!(json["language"], "sigma");
    assert_eq!(json["events"], 1);
    assert_eq!(json["matches"][0]["event"], 0);
}

const FILTER_RULES: &str = "title: Process\nid: 6f3e2987-db24-4c78-a860-b4f4095a7095\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Image|endswith: '\\rar.exe'\n    condition: sel\n---\ntitle: Other\nid: 11111111-1111-4111-8111-111111111111\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Image|endswith: '\\rar.exe'\n    condition: sel\n";

#[test]
fn filters_apply_to_the_rules_they_name() {
    let filter = "title: Filter admins\nlogsource:\n    category: process_creation\n    product: windows\nfilter:\n    rules:\n        - 6f3e2987-db24-4c78-a860-b4f4095a7095\n    selection:\n        User|startswith: 'adm_'\n    condition: not selection\n";
    let set = sigma::compile(
        &[
            RuleSource::new(Some("rules.yml".into()), FILTER_RULES),
            RuleSource::new(Some("filter.yml".into()), filter),
        ],
        &Default::default(),
    );
    let events = [
        json!({"Image": "C:\\rar.exe", "User": "adm_bob"}),
        json!({"Image": "C:\\rar.exe", "User": "alice"}),
    ];
    let evaluation = set.evaluate(&events, &Default::default());
    let pairs: Vec<(usize, &str)> = evaluation
        .matches
        .iter()
        .map(|m| (m.event, m.title.as_str()))
        .collect();
    // The filtered rule no longer fires for adm_ users; the other rule still does.
    assert_eq!(pairs, [(0, "Other"), (1, "Process"), (1, "Other")]);
}

#[test]
fn a_filter_condition_without_not_is_reported() {
    let filter = "title: f\nlogsource:\n    product: windows\nfilter:\n    rules:\n        - x\n    selection:\n        User: a\n    condition: selection\n";
    let parsed = sigma::parse(filter);
    assert!(
        parsed.diagnostics.iter().any(|d| d.code == "SIG214"),
        "{:?}",
        parsed.diagnostics
    );
}

const CHAIN: &str = "title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 3
---
title: Single failed login
id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
name: failed_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 529
            - 4625
    condition: selection
---
title: Successful login
id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
name: successful_login
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID:
            - 528
            - 4624
    condition: selection
";

fn login(second: u32, event_id: u32, user: &str) -> Value {
    json!({
        "Channel": "Security",
        "EventID": event_id,
        "User": user,
        "TimeCreated": format!("2024-05-01T10:{:02}:{:02}Z", second / 60, second % 60),
    })
}

#[test]
fn the_specification_chain_fires_once_per_user() {
    let parsed = sigma::parse(CHAIN);
    assert_eq!(parsed.rules.len(), 4);
    assert!(!parsed.has_errors(), "{:?}", parsed.diagnostics);
    let events = vec![
        login(0, 4625, "alice"),
        login(10, 4625, "alice"),
        login(20, 4625, "alice"),
        login(30, 4624, "alice"), // 3 failures then success within 10 minutes: fires
        login(40, 4625, "bob"),
        login(50, 4624, "bob"), // one failure only
        login(60, 4624, "carol"),
    ];
    let evaluation = sigma::evaluate(CHAIN, &events, &EvaluateOptions::default());
    // The referenced rules have no `generate: true`: no standalone matches.
    assert!(evaluation.matches.is_empty(), "{:?}", evaluation.matches);
    assert_eq!(
        evaluation.correlations.len(),
        1,
        "{:?}",
        evaluation.correlations
    );
    let fired = &evaluation.correlations[0];
    assert_eq!(fired.rule, "b180ead8-d58f-40b2-ae54-c8940995b9b6");
    assert_eq!(fired.group["User"].as_deref(), Some("alice"));
    assert_eq!(fired.events, [0, 1, 2, 3]);
    assert_eq!(fired.rules, ["multiple_failed_login", "successful_login"]);
}

#[test]
fn correlation_aliases_group_across_field_names() {
    let rules = "title: c
correlation:
    type: temporal
    rules:
        - internal_error
        - new_network_connection
    group-by:
        - internal_ip
    timespan: 10s
    aliases:
        internal_ip:
            internal_error: destination.ip
            new_network_connection: source.ip
---
title: e
name: internal_error
logsource:
    product: web
detection:
    selection:
        http.response.status_code: 500
    condition: selection
---
title: n
name: new_network_connection
logsource:
    product: net
detection:
    selection:
        event.type: connection
    condition: selection
";
    let events = vec![
        json!({"@timestamp": "2024-01-01T00:00:00Z", "http": {"response": {"status_code": 500}}, "destination": {"ip": "10.0.0.5"}}),
        json!({"@timestamp": "2024-01-01T00:00:05Z", "event": {"type": "connection"}, "source": {"ip": "10.0.0.5"}}),
        json!({"@timestamp": "2024-01-01T00:00:06Z", "event": {"type": "connection"}, "source": {"ip": "10.0.0.9"}}),
    ];
    let evaluation = sigma::evaluate(rules, &events, &EvaluateOptions::default());
    assert_eq!(
        evaluation.correlations.len(),
        1,
        "{:?}",
        evaluation.diagnostics
    );
    assert_eq!(
        evaluation.correlations[0].group["internal_ip"].as_deref(),
        Some("10.0.0.5")
    );
    assert_eq!(evaluation.correlations[0].events, [0, 1]);
}

#[test]
fn value_count_with_generate_reports_both() {
    let rules = "title: many users
correlation:
    type: value_count
    generate: true
    rules:
        - failed
    group-by:
        - Computer
    timespan: 1h
    condition:
        field: User
        gte: 3
---
title: failed
name: failed
logsource:
    product: windows
    service: security
detection:
    sel:
        EventID: 4625
    condition: sel
";
    let events: Vec<Value> = ["a", "b", "b", "c"]
        .iter()
        .enumerate()
        .map(|(i, u)| json!({"EventID": 4625, "Computer": "dc1", "User": u, "TimeCreated": format!("2024-01-01T00:00:0{i}Z")}))
        .collect();
    let evaluation = sigma::evaluate(rules, &events, &EvaluateOptions::default());
    assert_eq!(evaluation.matches.len(), 4);
    assert_eq!(evaluation.correlations.len(), 1);
    assert_eq!(evaluation.correlations[0].value, 3.0);
    assert_eq!(evaluation.correlations[0].events, [0, 1, 2, 3]);
}
