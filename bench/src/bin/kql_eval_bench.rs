//! KQL evaluation benchmark, native side.
//!
//!   kql-eval-bench generate --rows N --out DIR [--seed S]
//!       writes DIR/DeviceProcessEvents.ndjson (N rows) and DIR/DeviceNetworkEvents.ndjson
//!       (N/5 rows) from a seeded generator: ~300 file names with a skewed distribution,
//!       ~1% msiexec.exe in mixed case, msiexec children that point at their parent.
//!   kql-eval-bench run --data DIR [--iterations N] [--profile P] [--only NAME-PART]
//!       [--queries FILE]
//!       loads both files into a rulelab Workspace (timed, MB/s) and times every query of
//!       `bench/kql-eval-queries.json` (median of N runs); prints one JSON object.
//!
//! `bench/run-kql-eval.mjs` runs this beside the wasm build and duckdb-kql.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rulelab::evaluate::{EvaluateOptions, Evaluation, Workspace};
use rulelab::kql::schema::Profile;
use serde_json::{json, Value};

/// The instant the generated events lead up to; the queries' `ago()` counts from it.
pub const NOW: &str = "2025-10-01T12:00:00Z";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let result = match args.first().map(String::as_str) {
        Some("generate") => {
            let rows = flag("--rows")
                .and_then(|v| v.parse().ok())
                .unwrap_or(1_000_000);
            let seed = flag("--seed").and_then(|v| v.parse().ok()).unwrap_or(42);
            let out = PathBuf::from(flag("--out").unwrap_or_else(|| "target/bench/eval".into()));
            generate(rows, seed, &out)
        }
        Some("run") => {
            let data = PathBuf::from(flag("--data").unwrap_or_else(|| "target/bench/eval".into()));
            let iterations = flag("--iterations")
                .and_then(|v| v.parse().ok())
                .unwrap_or(5);
            let profile = flag("--profile").and_then(|p| Profile::parse(&p));
            let queries = flag("--queries").map(PathBuf::from);
            run(&data, iterations, profile, flag("--only"), queries)
        }
        _ => Err("usage: kql-eval-bench generate|run [options] (see the file's docs)".into()),
    };
    if let Err(message) = result {
        eprintln!("kql-eval-bench: {message}");
        std::process::exit(2);
    }
}

/// xorshift64*: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const COMMON: [&str; 40] = [
    "svchost.exe",
    "chrome.exe",
    "msedge.exe",
    "conhost.exe",
    "RuntimeBroker.exe",
    "backgroundTaskHost.exe",
    "powershell.exe",
    "cmd.exe",
    "dllhost.exe",
    "taskhostw.exe",
    "SearchProtocolHost.exe",
    "SearchFilterHost.exe",
    "WmiPrvSE.exe",
    "explorer.exe",
    "OneDrive.exe",
    "Teams.exe",
    "outlook.exe",
    "winword.exe",
    "excel.exe",
    "rundll32.exe",
    "regsvr32.exe",
    "wscript.exe",
    "cscript.exe",
    "mshta.exe",
    "schtasks.exe",
    "sc.exe",
    "net.exe",
    "net1.exe",
    "whoami.exe",
    "tasklist.exe",
    "git.exe",
    "python.exe",
    "node.exe",
    "code.exe",
    "java.exe",
    "MsMpEng.exe",
    "MpCmdRun.exe",
    "sppsvc.exe",
    "wermgr.exe",
    "WerFault.exe",
];

/// ~300 file names; low indexes are far more frequent (a cubic skew).
fn file_name(rng: &mut Rng) -> String {
    let index = (300.0 * rng.unit().powi(3)) as usize;
    match COMMON.get(index) {
        Some(name) => name.to_string(),
        None => format!("app{index:03}.exe"),
    }
}

fn msiexec_spelling(rng: &mut Rng) -> &'static str {
    ["msiexec.exe", "MsiExec.exe", "MSIEXEC.EXE", "msiexec.EXE"][rng.below(4) as usize]
}

fn iso(ms: i64) -> String {
    rulelab::value::format_datetime(ms * 10_000)
}

fn generate(rows: usize, seed: u64, out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| e.to_string())?;
    let mut rng = Rng(seed.max(1));
    let devices = 2000u64;
    // Events lead up to NOW: one every ~10 ms over the last rows*10 ms.
    let now_ms = rulelab::kql::eval::events::parse_event_datetime(NOW).unwrap_or(0) / 10_000;
    let start_ms = now_ms - rows as i64 * 10 - 60_000;
    // The last msiexec process per device, so that msiexec children point at a real parent.
    let mut msiexec_by_device: Vec<Option<(u64, i64, String)>> = vec![None; devices as usize];
    let mut processes = std::io::BufWriter::new(
        std::fs::File::create(out.join("DeviceProcessEvents.ndjson")).map_err(|e| e.to_string())?,
    );
    for i in 0..rows {
        let t = start_ms + i as i64 * 10;
        let device = rng.below(devices);
        let pid = 1000 + rng.below(64_000);
        let roll = rng.unit();
        let (file, mut command) = if roll < 0.005 {
            let name = msiexec_spelling(&mut rng).to_string();
            let flag = ["/i", "/x", "/y", "-z", "/qn /i", "/fa"][rng.below(6) as usize];
            let command = format!("{name} {flag} C:\\Temp\\pkg{}.msi", rng.below(500));
            (name, command)
        } else {
            let name = file_name(&mut rng);
            let command = format!("\"C:\\Program Files\\{name}\" --task {}", rng.below(10_000));
            (name, command)
        };
        let (parent, parent_pid, parent_created, parent_command) =
            match &msiexec_by_device.get(device as usize).cloned().flatten() {
                Some((msi_pid, created, command))
                    if rng.unit() < 0.6 && roll >= 0.005 && rng.unit() < 0.02 =>
                {
                    (
                        msiexec_spelling(&mut rng).to_string(),
                        *msi_pid,
                        *created,
                        command.clone(),
                    )
                }
                _ => {
                    let name = file_name(&mut rng);
                    let command = format!("{name} -k {}", rng.below(50));
                    (name, 500 + rng.below(2000), t - 3_600_000, command)
                }
            };
        // Some msiexec children are DLL registrations, what query (a) and seed 002 look for.
        if parent.eq_ignore_ascii_case("msiexec.exe") && rng.unit() < 0.3 {
            let flag = ["/y", "-z", "/Y"][rng.below(3) as usize];
            command = format!("{file} {flag} C:\\Users\\Public\\lib{}.dll", rng.below(100));
        }
        if file.eq_ignore_ascii_case("msiexec.exe") {
            if let Some(slot) = msiexec_by_device.get_mut(device as usize) {
                *slot = Some((pid, t, command.clone()));
            }
        }
        let row = json!({
            "Timestamp": iso(t),
            "DeviceId": format!("dev-{device:04}"),
            "DeviceName": format!("host-{device:04}.corp.example"),
            "ActionType": "ProcessCreated",
            "FileName": file,
            "FolderPath": format!("C:\\Windows\\System32\\{file}"),
            "ProcessId": pid,
            "ProcessCommandLine": command,
            "ProcessCreationTime": iso(t),
            "AccountName": format!("user{}", rng.below(300)),
            "InitiatingProcessFileName": parent,
            "InitiatingProcessId": parent_pid,
            "InitiatingProcessCommandLine": parent_command,
            "InitiatingProcessCreationTime": iso(parent_created),
            "InitiatingProcessParentFileName": if rng.unit() < 0.5 { "services.exe" } else { "explorer.exe" },
            "InitiatingProcessParentId": 400 + rng.below(400),
        });
        writeln!(processes, "{row}").map_err(|e| e.to_string())?;
    }
    processes.flush().map_err(|e| e.to_string())?;
    let mut network = std::io::BufWriter::new(
        std::fs::File::create(out.join("DeviceNetworkEvents.ndjson")).map_err(|e| e.to_string())?,
    );
    let network_rows = rows / 5;
    for i in 0..network_rows {
        // The last two hours, so that part of them is inside seed 002's one-hour window.
        let t = now_ms - 7_200_000 + (i as i64 * 7_200_000) / network_rows.max(1) as i64;
        let device = rng.below(devices);
        let (parent, parent_pid, parent_created) =
            match msiexec_by_device.get(device as usize).cloned().flatten() {
                Some((msi_pid, created, _)) if rng.unit() < 0.05 => {
                    (msiexec_spelling(&mut rng).to_string(), msi_pid, created)
                }
                _ => (file_name(&mut rng), 500 + rng.below(2000), t - 3_600_000),
            };
        let remote_port = [443, 80, 53, 445, 135][rng.below(5) as usize];
        let initiating = file_name(&mut rng);
        let row = json!({
            "Timestamp": iso(t),
            // Seed 002 filters this table on TimeGenerated (Sentinel's copy of Timestamp).
            "TimeGenerated": iso(t),
            "DeviceId": format!("dev-{device:04}"),
            "DeviceName": format!("host-{device:04}.corp.example"),
            "ActionType": "ConnectionSuccess",
            "RemoteIP": format!("203.0.113.{}", rng.below(255)),
            "RemotePort": remote_port,
            "LocalIP": format!("10.1.{}.{}", rng.below(255), rng.below(255)),
            "InitiatingProcessFileName": initiating,
            "InitiatingProcessCommandLine": format!("{initiating} --sync {}", rng.below(1000)),
            "InitiatingProcessId": 1000 + rng.below(64_000),
            "InitiatingProcessParentFileName": parent,
            "InitiatingProcessParentId": parent_pid,
            "InitiatingProcessParentCreationTime": iso(parent_created),
        });
        writeln!(network, "{row}").map_err(|e| e.to_string())?;
    }
    network.flush().map_err(|e| e.to_string())?;
    eprintln!(
        "generated {rows} DeviceProcessEvents and {network_rows} DeviceNetworkEvents rows in {}",
        out.display()
    );
    Ok(())
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    match samples.len() {
        0 => 0.0,
        n if n % 2 == 1 => samples[n / 2],
        n => (samples[n / 2 - 1] + samples[n / 2]) / 2.0,
    }
}

fn queries(file: Option<PathBuf>) -> Result<Vec<(String, String)>, String> {
    let path =
        file.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("kql-eval-queries.json"));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let list: Vec<Value> = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    Ok(list
        .iter()
        .map(|q| {
            (
                q["name"].as_str().unwrap_or("").to_string(),
                q["kql"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect())
}

/// Peak resident memory of this process (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// `only`: run just the queries whose name contains it (for profiling one query).
fn run(
    data: &Path,
    iterations: usize,
    profile: Option<Profile>,
    only: Option<String>,
    queries_file: Option<PathBuf>,
) -> Result<(), String> {
    let mut workspace = Workspace::new(profile.or(Some(Profile::Defender)));
    let mut load = Vec::new();
    for table in ["DeviceProcessEvents", "DeviceNetworkEvents"] {
        let path = data.join(format!("{table}.ndjson"));
        let read = Instant::now();
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let read_ms = read.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let loaded = workspace.load_events(&text, table)?;
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let rows = loaded.first().map_or(0, |t| t.rows);
        load.push(json!({
            "table": table, "rows": rows, "bytes": text.len(), "read_ms": read_ms, "load_ms": ms,
            "mb_per_s": text.len() as f64 / 1e6 / (ms / 1000.0),
        }));
    }
    let options = EvaluateOptions {
        now: Some(NOW.to_string()),
        max_rows: 100_000_000,
        ..EvaluateOptions::default()
    };
    let mut results = Vec::new();
    for (name, kql) in queries(queries_file)? {
        if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
            continue;
        }
        let mut times = Vec::new();
        let mut answer = Value::Null;
        for _ in 0..iterations.max(1) {
            let started = Instant::now();
            let evaluation = workspace.evaluate(&kql, &options);
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            if let Evaluation::Kql(e) = evaluation {
                answer = match &e.error {
                    Some(error) => json!({ "error": error }),
                    None => json!({ "rows": e.rows.len(), "first": e.rows.first() }),
                };
            }
        }
        results.push(json!({ "name": name, "ms": median(times), "answer": answer }));
    }
    let report = json!({
        "engine": "rulelab native",
        "load": load,
        "queries": results,
        "peak_rss_mib": peak_rss_mib(),
    });
    println!("{report}");
    Ok(())
}
