use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::ValueKind;
use crate::sigma::lint::{LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a `service: sysmon` rule that selects a Sysmon event ID with a generic
    /// category (1 is `process_creation`, 11 `file_event`, 13 `registry_set`, ...), and a
    /// `service: security` rule that selects event 4688 (`process_creation`).
    ///
    /// ## Why it matters
    /// A category rule runs on every source of that event (Sysmon, Security 4688, EDR
    /// telemetry) once a backend maps it; a rule pinned to Sysmon event IDs only runs where
    /// Sysmon is installed. pySigma's `specific_instead_of_generic_logsource` validator
    /// reports the same.
    ///
    /// ## Example
    /// ```yaml
    /// logsource: {product: windows, service: sysmon}
    /// detection:
    ///     selection: {EventID: 1, Image|endswith: '\whoami.exe'}
    /// ```
    /// Use instead: `logsource: {product: windows, category: process_creation}` without
    /// `EventID`.
    ///
    /// ## Fix
    /// None: the field names can differ between the two logsources.
    pub SpecificInsteadOfGenericLogsource {
        code: "SIG340",
        slug: "specific-instead-of-generic-logsource",
        language: Sigma,
        severity: Warning,
        category: DetectionQuality,
        fix: None,
        summary: "a Sysmon or Security event ID where a generic category exists",
    }
}

/// The generic category of a Sysmon event ID (pySigma's table).
pub fn sysmon_category(id: i64) -> Option<&'static str> {
    Some(match id {
        1 => "process_creation",
        2 => "file_change",
        3 => "network_connection",
        4 | 16 => "sysmon_status",
        5 => "process_termination",
        6 => "driver_load",
        7 => "image_load",
        8 => "create_remote_thread",
        9 => "raw_access_thread",
        10 => "process_access",
        11 => "file_event",
        12..=14 => "registry_event",
        15 => "create_stream_hash",
        17 | 18 => "pipe_created",
        19..=21 => "wmi_event",
        22 => "dns_query",
        23 | 26 => "file_delete",
        24 => "clipboard_change",
        25 => "process_tampering",
        27 => "file_block_executable",
        28 => "file_block_shredding",
        29 => "file_executable_detected",
        255 => "sysmon_error",
        _ => return None,
    })
}

impl SigmaLintRule for SpecificInsteadOfGenericLogsource {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        for item in cx.items() {
            let Some(logsource) = &item.rule.logsource else {
                continue;
            };
            if logsource.product() != Some("windows") || item.field() != Some("EventID") {
                continue;
            }
            let service = logsource.service();
            for value in &item.item.values {
                let id = match &value.value {
                    ValueKind::Int(n, _) => *n,
                    ValueKind::String(s) => match s.trim().parse() {
                        Ok(n) => n,
                        Err(_) => continue,
                    },
                    _ => continue,
                };
                let category = match service {
                    Some("sysmon") => sysmon_category(id),
                    Some("security") if id == 4688 => Some("process_creation"),
                    _ => None,
                };
                if let Some(category) = category {
                    cx.report(
                        Self::META
                            .diagnostic(
                                format!("`EventID: {id}` of `service: {}` has the generic category `{category}`", service.unwrap_or("")),
                                value.span,
                            )
                            .with_help(format!("use `logsource: {{product: windows, category: {category}}}` and drop `EventID`")),
                    );
                }
            }
        }
    }
}
