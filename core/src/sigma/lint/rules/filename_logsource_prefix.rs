use crate::declare_rule;
use crate::lint::RuleMeta;
use crate::sigma::ast::Logsource;
use crate::sigma::lint::{file_name, file_span, LintContext, SigmaLintRule};

declare_rule! {
    /// ## What it does
    /// Flags a detection rule file whose name does not start with the prefix SigmaHQ gives its
    /// logsource (`proc_creation_win_`, `registry_set_`, `posh_ps_`, `win_security_`,
    /// `aws_`, ...; the SigmaHQ file name convention).
    ///
    /// ## Why it matters
    /// The prefix sorts a rule library by data source, so that a reviewer finds every rule
    /// that reads one log and spots a rule filed under the wrong source.
    ///
    /// ## Example
    /// `whoami_execution.yml` for a `process_creation` rule on Windows.
    /// Use instead: `proc_creation_win_whoami_execution.yml`.
    ///
    /// ## Fix
    /// None: rename the file.
    pub FilenameLogsourcePrefix {
        code: "SIG326",
        slug: "filename-logsource-prefix",
        language: Sigma,
        severity: Hint,
        category: Style,
        fix: None,
        summary: "the file name does not start with its logsource's prefix",
    }
}

/// SigmaHQ's file name prefix for a logsource (tests/test_rules.py, `test_file_names`).
pub fn expected_prefix(logsource: &Logsource) -> Option<String> {
    let os = match logsource.product() {
        Some("windows") => "win_",
        Some("macos") => "macos_",
        Some("linux") => "lnx_",
        _ => "",
    };
    let mut prefix = match logsource.product() {
        Some("aws") => "aws_",
        Some("azure") => "azure_",
        Some("gcp") => "gcp_",
        Some("m365") => "microsoft365_",
        Some("okta") => "okta_",
        Some("onelogin") => "onelogin_",
        Some("github") => "github_",
        _ => "",
    }
    .to_string();
    let mut with_os = false;
    if let Some(category) = logsource.category() {
        let (p, os_infix) = match category {
            "process_creation" => ("proc_creation_", true),
            "image_load" => ("image_load_", false),
            "file_event" => ("file_event_", true),
            "registry_set" => ("registry_set_", false),
            "registry_add" => ("registry_add_", false),
            "registry_event" => ("registry_event_", false),
            "registry_delete" => ("registry_delete_", false),
            "registry_rename" => ("registry_rename_", false),
            "process_access" => ("proc_access_", true),
            "driver_load" => ("driver_load_", true),
            "dns_query" => ("dns_query_", true),
            "ps_script" => ("posh_ps_", false),
            "ps_module" => ("posh_pm_", false),
            "ps_classic_start" => ("posh_pc_", false),
            "pipe_created" => ("pipe_created_", false),
            "network_connection" => ("net_connection_", true),
            "file_rename" => ("file_rename_", true),
            "file_delete" => ("file_delete_", true),
            "file_change" => ("file_change_", true),
            "file_access" => ("file_access_", true),
            "create_stream_hash" => ("create_stream_hash_", false),
            "create_remote_thread" => ("create_remote_thread_win_", false),
            "dns" => ("net_dns_", false),
            "firewall" => ("net_firewall_", false),
            "webserver" => ("web_", false),
            _ => ("", false),
        };
        if !p.is_empty() {
            prefix = p.to_string();
            with_os = os_infix;
        }
    }
    if let Some(service) = logsource.service() {
        let p = match service {
            "auditd" => "lnx_auditd_",
            "modsecurity" => "modsec_",
            "diagnosis-scripted" => "win_diagnosis_scripted_",
            "firewall-as" => "win_firewall_as_",
            "msexchange-management" => "win_exchange_",
            "security" => "win_security_",
            "system" => "win_system_",
            "taskscheduler" => "win_taskscheduler_",
            "terminalservices-localsessionmanager" => "win_terminalservices_",
            "windefend" => "win_defender_",
            "wmi" => "win_wmi_",
            "codeintegrity-operational" => "win_codeintegrity_",
            "bits-client" => "win_bits_client_",
            "applocker" => "win_applocker_",
            "dns-server-analytic" => "win_dns_analytic_",
            "bitlocker" => "win_bitlocker_",
            "capi2" => "win_capi2_",
            "certificateservicesclient-lifecycle-system" => {
                "win_certificateservicesclient_lifecycle_system_"
            }
            "pim" => "azure_pim_",
            _ => "",
        };
        if !p.is_empty() {
            prefix = p.to_string();
            with_os = false;
        }
    }
    if with_os {
        prefix.push_str(os);
    }
    (!prefix.is_empty()).then_some(prefix)
}

impl SigmaLintRule for FilenameLogsourcePrefix {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &mut LintContext<'_>) {
        let Some(path) = cx.path else { return };
        let name = file_name(path);
        let Some(logsource) = cx
            .rules
            .iter()
            .filter(|r| r.kind == crate::sigma::ast::RuleKind::Detection)
            .find_map(|r| r.logsource.as_ref())
        else {
            return;
        };
        let Some(prefix) = expected_prefix(logsource) else {
            return;
        };
        if !name.starts_with(&prefix) {
            cx.report(Self::META.diagnostic(
                format!("the file name `{name}` does not start with `{prefix}`, the prefix of its logsource"),
                file_span(cx.rules),
            ));
        }
    }
}
