//! Loading rules into rsigma-eval the way its CLI does, plus the Windows event-log
//! logsource extractor that makes its `--logsource-routing` work on flat EVTX/Sysmon JSON.
//! From `shared/tools/sigma-bench` (the reference harness), so numbers compare.

use std::path::PathBuf;

use rsigma_eval::event::Event;
use rsigma_eval::{Engine, ExtractLogSource};
use rsigma_parser::LogSource;

/// Event logsource from flat Windows event-log fields (`Channel`, `EventID`): product
/// `windows` whenever `Channel` is present, `service` from the channel name, `category` from
/// the Sysmon EventID (rsigma's builtin `sysmon` pipeline table; registry 12/13/14 left
/// unset). Every dimension it cannot tell stays unset, so pruning fails open.
pub struct WinEventLogSource;

fn sysmon_category(event_id: i64) -> Option<&'static str> {
    Some(match event_id {
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
        15 => "create_stream_hash",
        17 | 18 => "pipe_created",
        19..=21 => "wmi_event",
        22 => "dns_query",
        23 => "file_delete",
        24 => "clipboard_capture",
        25 => "process_tampering",
        26 => "file_delete_detected",
        27 => "file_block_executable",
        28 => "file_block_shredding",
        29 => "file_executable_detected",
        255 => "sysmon_error",
        _ => return None,
    })
}

fn channel_service(channel: &str) -> Option<&'static str> {
    Some(match channel {
        "Microsoft-Windows-Sysmon/Operational" => "sysmon",
        "Security" => "security",
        "System" => "system",
        "Application" => "application",
        "Microsoft-Windows-PowerShell/Operational" => "powershell",
        "Windows PowerShell" => "powershell-classic",
        "Microsoft-Windows-Windows Defender/Operational" => "windefend",
        "Microsoft-Windows-TaskScheduler/Operational" => "taskscheduler",
        "Microsoft-Windows-WMI-Activity/Operational" => "wmi",
        "Microsoft-Windows-Bits-Client/Operational" => "bits-client",
        "Microsoft-Windows-CodeIntegrity/Operational" => "codeintegrity-operational",
        "Microsoft-Windows-DNS-Client/Operational" => "dns-client",
        "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall" => "firewall-as",
        _ => return None,
    })
}

impl<E: Event> ExtractLogSource<E> for WinEventLogSource {
    fn extract(&self, event: &E) -> LogSource {
        let mut logsource = LogSource::default();
        let Some(channel) = event
            .get_field("Channel")
            .and_then(|c| c.as_str().map(|c| c.into_owned()))
        else {
            return logsource;
        };
        logsource.product = Some("windows".to_string());
        let service = channel_service(&channel);
        logsource.service = service.map(str::to_string);
        if service == Some("sysmon") {
            if let Some(event_id) = event.get_field("EventID").and_then(|v| v.as_i64()) {
                logsource.category = sysmon_category(event_id).map(str::to_string);
            }
        }
        logsource
    }
}

/// A compiled rsigma engine and the messages of the files or rules it could not load.
pub struct RsigmaLoad {
    pub engine: Engine<WinEventLogSource>,
    pub errors: Vec<String>,
}

/// Parses each file (`parse_sigma_file`) and compiles all rules in one `add_rules` batch.
pub fn load_rsigma(files: &[PathBuf], routing: bool) -> RsigmaLoad {
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match rsigma_parser::parse_sigma_file(file) {
            Ok(collection) => {
                if let Some(d) = collection.errors().next() {
                    errors.push(format!("{}: {}", file.display(), d.message));
                }
                parsed.extend(collection.rules);
            }
            Err(e) => errors.push(format!("{}: {e}", file.display())),
        }
    }
    let mut engine = Engine::with_logsource_extractor(WinEventLogSource);
    if !routing {
        engine.set_logsource_extractor(None);
    }
    for (index, e) in engine.add_rules(parsed.iter()) {
        let title = parsed.get(index).map_or("?", |r| r.title.as_str());
        errors.push(format!("{title}: compile: {e}"));
    }
    RsigmaLoad { engine, errors }
}
