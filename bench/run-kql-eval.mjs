#!/usr/bin/env node
// KQL evaluation benchmark: rulelab native, rulelab wasm (node) and duckdb-kql (KQL
// translated to DuckDB SQL, Python) on the same generated DeviceProcessEvents /
// DeviceNetworkEvents rows, side by side in one run; prints one table.
//
//   node bench/run-kql-eval.mjs [--rows N] [--iterations N] [--no-build] [--json FILE]
//
// Steps: builds `kql-eval-bench` (release); generates target/bench/eval-<rows>/ with the
// seeded generator when missing; makes a Python venv with duckdb-kql in target/bench-venv
// when missing; runs each engine in its own process, one after the other. Load is timed
// apart from the queries; a query's time is its median over --iterations runs on the loaded
// tables. The wasm package is wasm/pkg (`npm run build`).
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const rows = Number(flag("--rows", "1000000"));
const iterations = flag("--iterations", "5");
const data = path.join(ROOT, "target/bench", `eval-${rows}`);
const venv = path.join(ROOT, "target/bench-venv");
const python = path.join(venv, "bin/python");
const native = path.join(ROOT, "target/release/kql-eval-bench");

function run(command, argv, options = {}) {
  const result = spawnSync(command, argv, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${argv.join(" ")} failed (${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}

if (!args.includes("--no-build")) {
  run("cargo", ["build", "--release", "-p", "rulelab-bench", "--bin", "kql-eval-bench"], { stdio: "inherit" });
}
if (!existsSync(path.join(data, "DeviceNetworkEvents.ndjson"))) {
  run(native, ["generate", "--rows", String(rows), "--out", data], { stdio: "inherit" });
}
if (!existsSync(python)) {
  run("python3", ["-m", "venv", venv], { stdio: "inherit" });
  run(path.join(venv, "bin/pip"), ["install", "-q", "duckdb-kql[duckdb]==1.1.2"], { stdio: "inherit" });
}

const engines = [
  () => JSON.parse(run(native, ["run", "--data", data, "--iterations", iterations])),
  () => JSON.parse(run("node", ["--max-old-space-size=8192", path.join(HERE, "js/kql_eval.mjs"), "--data", data, "--iterations", iterations])),
  () => JSON.parse(run(python, [path.join(HERE, "py/duckdb_kql_eval.py"), "--data", data, "--iterations", iterations])),
];
const reports = [];
for (const engine of engines) {
  try {
    reports.push(engine());
  } catch (error) {
    console.error(String(error).slice(0, 2000));
  }
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const duck = reports.find((r) => r.engine === "duckdb-kql");
console.log(`\nKQL evaluation, ${rows.toLocaleString("en")} DeviceProcessEvents + ${(rows / 5).toLocaleString("en")} DeviceNetworkEvents rows`);
console.log("\nload (NDJSON -> typed tables):");
for (const r of reports) {
  const bytes = r.load.reduce((n, t) => n + t.bytes, 0);
  const ms = r.load.reduce((n, t) => n + (t.load_ms ?? t.ndjson_load_ms), 0);
  const parquet = r.load.reduce((n, t) => n + (t.parquet_load_ms ?? 0), 0);
  console.log(`  ${r.engine.padEnd(16)} ${fmt(ms).padStart(8)} ms  ${(bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(6)} MB/s${parquet ? `  (Parquet: ${fmt(parquet)} ms)` : ""}  peak RSS ${r.peak_rss_mib?.toFixed(0)} MiB`);
}
console.log("\nqueries (median ms; ratio = engine / duckdb-kql, lower is faster):");
const names = reports[0]?.queries.map((q) => q.name) ?? [];
for (const name of names) {
  const cells = reports.map((r) => {
    const q = r.queries.find((x) => x.name === name);
    if (!q) return `${r.engine}: -`;
    const d = duck?.queries.find((x) => x.name === name);
    const ratio = d && !d.answer?.error && r !== duck ? ` (${(q.ms / d.ms).toFixed(2)}×)` : "";
    const answer = q.answer?.error ? `error: ${q.answer.error.slice(0, 60)}` : `${q.answer?.rows} rows${q.answer?.rows === 1 ? ` ${JSON.stringify(q.answer.first)}` : ""}`;
    return `${r.engine}: ${fmt(q.ms)} ms${ratio} [${answer}]`;
  });
  console.log(`  ${name}\n    ${cells.join("\n    ")}`);
}
const out = flag("--json", null);
if (out) writeFileSync(out, JSON.stringify(reports, null, 2));
