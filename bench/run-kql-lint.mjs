#!/usr/bin/env node
// KQL lint benchmark: rulelab native `lint`, rulelab wasm `lint()` (node) and Microsoft's
// Kusto.Language `ParseAndAnalyze` (node; with and without its analyzers) over the whole KQL
// corpus (3,511 queries), each query against the schema of the profile its source implies
// (sentinel.jsonl -> sentinel, defender-hunting.jsonl -> defender); prints one table.
// Also the median time to lint one ~100-line corpus rule (wasm target: ≤ 2 ms).
//
//   node bench/run-kql-lint.mjs [--shared DIR] [--iterations N] [--warmup N] [--rule FILE:LINE]
//                               [--rule-runs N] [--pkg DIR] [--rebuild-wasm] [--no-build] [--json FILE]
//                               [--kusto both|analyzers|plain]
//
// Steps: builds `kql-lint-bench` (cargo, release), builds wasm/pkg when it is missing (or with
// --rebuild-wasm; scripts/setup.mjs buildWasm, as `npm run build`), installs Kusto.Language
// into bench/js/node_modules when missing, dumps rulelab's two schemas as JSON
// (`kql-lint-bench --dump-schema`) so that Kusto.Language gets the same tables and tabular
// functions, then runs each engine in its own process, one after the other. Method as in
// run-kql-parse.mjs: --warmup untimed passes, then --iterations passes timing every query on
// its own; a query's time is its median over the passes. "total" sums those medians (the
// corpus linted once); "median"/"p95" are over queries. Ratios divide Kusto.Language's figure
// (with analyzers, the counterpart of a linter) by the engine's.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const KUSTO_DIR = path.join(HERE, "js/node_modules/@kusto/language-service-next");
/** Gain Code Execution on ADFS Server via Remote WMI Execution: 101 lines, lets, joins, parse. */
const DEFAULT_RULE = "sentinel.jsonl:196";

function parseArgs(argv) {
  const a = {
    shared: null,
    iterations: 5,
    warmup: 2,
    rule: DEFAULT_RULE,
    ruleRuns: 500,
    pkg: path.join(ROOT, "wasm/pkg"),
    rebuildWasm: false,
    build: true,
    json: null,
    kusto: "both",
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${x} needs a value`);
      return argv[++i];
    };
    if (x === "--shared") a.shared = path.resolve(value());
    else if (x === "--iterations") a.iterations = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (x === "--warmup") a.warmup = Math.max(0, Number.parseInt(value(), 10) || 0);
    else if (x === "--rule") a.rule = value();
    else if (x === "--rule-runs") a.ruleRuns = Math.max(1, Number.parseInt(value(), 10) || 1);
    else if (x === "--pkg") a.pkg = path.resolve(value());
    else if (x === "--rebuild-wasm") a.rebuildWasm = true;
    else if (x === "--no-build") a.build = false;
    else if (x === "--json") a.json = path.resolve(value());
    else if (x === "--kusto") {
      a.kusto = value();
      if (!["both", "analyzers", "plain"].includes(a.kusto)) usage("--kusto takes both, analyzers or plain");
    }
    else if (x === "-h" || x === "--help") usage();
    else usage(`unknown argument ${x}`);
  }
  a.shared ??= path.resolve(process.env.RULELAB_SHARED ?? path.join(ROOT, "../shared"));
  return a;
}

function usage(message) {
  if (message) console.error(message);
  console.error(
    "usage: node bench/run-kql-lint.mjs [--shared DIR] [--iterations N] [--warmup N] [--rule FILE:LINE] [--rule-runs N] " +
      "[--pkg DIR] [--rebuild-wasm] [--no-build] [--json FILE] [--kusto both|analyzers|plain]",
  );
  process.exit(message ? 2 : 0);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 28, ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
  return result.stdout ?? "";
}

const log = (message) => process.stderr.write(`${message}\n`);

// ---- build steps -------------------------------------------------------------------------

function nativeBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
  return path.join(targetDir, "release", process.platform === "win32" ? "kql-lint-bench.exe" : "kql-lint-bench");
}

function buildNative() {
  log("building kql-lint-bench (cargo build --release -p rulelab-bench --bin kql-lint-bench)…");
  run("cargo", ["build", "--quiet", "--release", "-p", "rulelab-bench", "--bin", "kql-lint-bench"], { stdio: ["ignore", "inherit", "inherit"] });
}

/** The newest modification time of the sources the wasm package is built from. */
function newestSource() {
  let newest = 0;
  const walk = (p) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ["core/src", "core/data", "core/Cargo.toml", "core/build.rs", "wasm/src", "wasm/Cargo.toml"]) walk(path.join(ROOT, p));
  return newest;
}

async function buildWasm() {
  log("building the wasm package (scripts/setup.mjs buildWasm, as `npm run build`)…");
  const setup = await import(path.join(ROOT, "scripts/setup.mjs"));
  await setup.buildWasm();
}

function installKusto() {
  log("installing @kusto/language-service-next into bench/js/node_modules…");
  const lock = existsSync(path.join(HERE, "js/package-lock.json"));
  run("npm", [lock ? "ci" : "install", "--no-audit", "--no-fund", "--loglevel", "error"], { cwd: path.join(HERE, "js"), stdio: ["ignore", "inherit", "inherit"] });
}

// ---- report ------------------------------------------------------------------------------

const fmt = (x, digits = x !== 0 && Math.abs(x) < 1 ? 2 : 1) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(rows, header) {
  const cells = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => String(r[c]).length)));
  const line = (r) => r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Per-query speedups kusto[q] / engine[q]: median, 5th percentile, minimum, share ≥ 20×. */
function perQueryRatios(kusto, engine) {
  const ratios = kusto.per_query_us.map((k, q) => k / Math.max(engine.per_query_us[q], 1e-3)).sort((a, b) => a - b);
  const at = (p) => ratios[Math.min(ratios.length - 1, Math.max(0, Math.ceil((p / 100) * ratios.length) - 1))];
  return { median: at(50), p5: at(5), min: ratios[0], atLeast20: ratios.filter((r) => r >= 20).length / ratios.length };
}

function report(results, context) {
  const kusto = results.find((r) => r.engine === "Kusto ParseAndAnalyze+analyzers") ?? results.find((r) => r.engine === "Kusto ParseAndAnalyze");
  const ratio = (r, key) => (kusto && !r.engine.startsWith("Kusto") ? `${fmt(kusto[key] / r[key], 1)}×` : "");
  const rows = results.map((r) => [
    r.engine,
    fmt(r.total_ms, 1),
    fmt(r.median_us, 1),
    fmt(r.p95_us, 1),
    fmt(r.max_us, 0),
    fmt(r.pass_ms, 1),
    r.with_errors,
    ratio(r, "total_ms"),
    ratio(r, "median_us"),
    r.one_rule ? fmt(r.one_rule.median_ms, 3) : "",
  ]);
  const lines = [];
  lines.push(`KQL lint benchmark: ${results[0].queries} queries, ${results[0].iterations} timed passes after ${results[0].warmup} warm-up passes`);
  lines.push(context);
  lines.push("");
  lines.push(
    table(rows, ["engine", "total ms", "median µs", "p95 µs", "max µs", "pass ms", "with errors", "Kusto÷ total", "Kusto÷ median", "one rule ms"]),
  );
  lines.push("");
  lines.push("total = sum of per-query medians (corpus linted once); median/p95/max over queries; pass = median wall time of a timed pass");
  if (kusto) lines.push(`Kusto÷ = ${kusto.engine}'s figure divided by the engine's (how many times faster the engine is)`);
  lines.push("with errors = queries with at least one error diagnostic (syntax or semantic; the engines' semantic checks differ)");
  const one = results.find((r) => r.one_rule)?.one_rule;
  if (one) lines.push(`one rule = median of ${one.runs} runs linting ${one.rule} alone (${one.lines} lines), after ${one.runs} untimed runs`);
  if (kusto) {
    lines.push("");
    lines.push(`per-query speedup (${kusto.engine} time ÷ engine time, query by query):`);
    for (const r of results) {
      if (r.engine.startsWith("Kusto")) continue;
      const q = perQueryRatios(kusto, r);
      lines.push(
        `  ${r.engine.padEnd(22)} median ${fmt(q.median)}×, 5th percentile ${fmt(q.p5)}×, min ${fmt(q.min)}×; ` +
          `${fmt(100 * q.atLeast20, 1)}% of queries ≥ 20×`,
      );
    }
    lines.push(`  init (not counted): ` + results.filter((r) => r.init_ms !== undefined).map((r) => `${r.engine} ${fmt(r.init_ms, 0)} ms`).join(", "));
    const declared = kusto.declared;
    if (declared) {
      lines.push(
        "  Kusto.Language schema (from rulelab's): " +
          Object.entries(declared)
            .map(([p, d]) => `${p} ${d.tables} tables, ${d.functions} functions` + (d.skipped_functions ? ` (${d.skipped_functions} not declarable)` : ""))
            .join("; "),
      );
    }
  }
  return lines.join("\n");
}

// ---- main --------------------------------------------------------------------------------

const args = parseArgs(process.argv.slice(2));
if (!existsSync(path.join(args.shared, "corpus/kql/sentinel.jsonl"))) {
  console.error(`KQL corpus not found under ${args.shared} (pass --shared DIR or set RULELAB_SHARED)`);
  process.exit(2);
}
const wasmFile = path.join(args.pkg, "rulelab_bg.wasm");
if (args.build) buildNative();
if (args.rebuildWasm || !existsSync(wasmFile)) {
  if (args.pkg !== path.join(ROOT, "wasm/pkg")) {
    console.error(`no wasm package at ${args.pkg}`);
    process.exit(2);
  }
  await buildWasm();
} else if (args.pkg === path.join(ROOT, "wasm/pkg") && statSync(wasmFile).mtimeMs < newestSource()) {
  log("warning: wasm/pkg is older than core/ or wasm/ sources; rerun with --rebuild-wasm to measure the current code");
}
if (!existsSync(path.join(KUSTO_DIR, "Kusto.Language.Bridge.min.js"))) installKusto();

const schemas = mkdtempSync(path.join(os.tmpdir(), "rulelab-kql-schemas-"));
try {
  for (const profile of ["sentinel", "defender"]) {
    writeFileSync(path.join(schemas, `${profile}.json`), run(nativeBinary(), ["--dump-schema", profile]));
  }
  const common = ["--iterations", String(args.iterations), "--warmup", String(args.warmup), "--json"];
  const rule = ["--rule", args.rule, "--rule-runs", String(args.ruleRuns)];
  const results = [];
  const collect = (stdout) => {
    for (const line of stdout.split("\n")) if (line.trim().startsWith("{")) results.push(JSON.parse(line));
  };
  const lintJs = path.join(HERE, "js/kql_lint.mjs");
  log("running rulelab native…");
  collect(run(nativeBinary(), [args.shared, ...common, ...rule]));
  log("running rulelab wasm under node…");
  collect(run(process.execPath, [lintJs, "--engine", "wasm", "--pkg", args.pkg, args.shared, ...common, ...rule]));
  if (args.kusto !== "analyzers") {
    log("running Kusto.Language ParseAndAnalyze under node (about 20 ms a query: minutes per pass)…");
    collect(run(process.execPath, [lintJs, "--engine", "kusto", "--schemas", schemas, args.shared, ...common, ...rule]));
  }
  if (args.kusto !== "plain") {
    log("running Kusto.Language ParseAndAnalyze + analyzers under node…");
    collect(run(process.execPath, [lintJs, "--engine", "kusto-analyzers", "--schemas", schemas, args.shared, ...common, ...rule]));
  }

  const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
  const rustc = spawnSync("rustc", ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "rustc ?";
  const context = `${new Date().toISOString()}  ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})  node ${process.version}  ${rustc}  load average after run: ${load}`;
  console.log(report(results, context));
  if (args.json) {
    writeFileSync(args.json, JSON.stringify({ context, results }, null, 1));
    log(`wrote ${args.json}`);
  }
} finally {
  rmSync(schemas, { recursive: true, force: true });
}
