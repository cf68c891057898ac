#!/usr/bin/env node
// KQL parser benchmark: rulelab native, rulelab wasm (node) and Microsoft's Kusto.Language
// (node) parse the whole KQL corpus (3,511 queries) side by side; prints one table.
//
//   node bench/run-kql-parse.mjs [--shared DIR] [--iterations N] [--warmup N]
//                                [--pkg DIR] [--rebuild-wasm] [--no-build] [--json FILE]
//
// Steps: builds `kql-parse-bench` (cargo, release), builds wasm/pkg when it is missing (or
// with --rebuild-wasm; same steps as `npm run build`), installs Kusto.Language into
// bench/js/node_modules when missing, then runs each engine in its own process, one after
// the other. Method (identical for all engines): --warmup untimed passes over the corpus,
// then --iterations passes timing every query on its own; a query's time is its median over
// the passes. "total" sums those medians (the corpus parsed once); "median"/"p95" are over
// queries. Ratios divide Kusto.Language's figure by the engine's.
//
// --pkg DIR: benchmark another build of the wasm package (default wasm/pkg).
// --json FILE: also write every engine's summary (with per-query times) to FILE.

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const KUSTO_DIR = path.join(HERE, "js/node_modules/@kusto/language-service-next");

function parseArgs(argv) {
  const a = {
    shared: null,
    iterations: 5,
    warmup: 2,
    pkg: path.join(ROOT, "wasm/pkg"),
    rebuildWasm: false,
    build: true,
    json: null,
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
    else if (x === "--pkg") a.pkg = path.resolve(value());
    else if (x === "--rebuild-wasm") a.rebuildWasm = true;
    else if (x === "--no-build") a.build = false;
    else if (x === "--json") a.json = path.resolve(value());
    else if (x === "-h" || x === "--help") usage();
    else usage(`unknown argument ${x}`);
  }
  a.shared ??= path.resolve(process.env.RULELAB_SHARED ?? path.join(ROOT, "../shared"));
  return a;
}

function usage(message) {
  if (message) console.error(message);
  console.error(
    "usage: node bench/run-kql-parse.mjs [--shared DIR] [--iterations N] [--warmup N] [--pkg DIR] [--rebuild-wasm] [--no-build] [--json FILE]",
  );
  process.exit(message ? 2 : 0);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 1 << 28, ...options });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
  return result.stdout ?? "";
}

function log(message) {
  process.stderr.write(`${message}\n`);
}

// ---- build steps -------------------------------------------------------------------------

function nativeBinary() {
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
  return path.join(targetDir, "release", process.platform === "win32" ? "kql-parse-bench.exe" : "kql-parse-bench");
}

function buildNative() {
  log("building kql-parse-bench (cargo build --release -p rulelab-bench)…");
  run("cargo", ["build", "--quiet", "--release", "-p", "rulelab-bench", "--bin", "kql-parse-bench"], { stdio: ["ignore", "inherit", "inherit"] });
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
  for (const p of ["core/src", "core/Cargo.toml", "core/build.rs", "wasm/src", "wasm/Cargo.toml"]) walk(path.join(ROOT, p));
  return newest;
}

async function buildWasm() {
  log("building the wasm package (scripts/setup.mjs buildWasm: wasm-pack --release --target web + wasm-opt)…");
  const setup = await import(path.join(ROOT, "scripts/setup.mjs"));
  await setup.buildWasm();
}

function installKusto() {
  log("installing @kusto/language-service-next into bench/js/node_modules…");
  const lock = existsSync(path.join(HERE, "js/package-lock.json"));
  run("npm", [lock ? "ci" : "install", "--no-audit", "--no-fund", "--loglevel", "error"], { cwd: path.join(HERE, "js"), stdio: ["ignore", "inherit", "inherit"] });
}

// ---- sizes -------------------------------------------------------------------------------

/** `gzip -9 -n` when the gzip program exists (what the numbers claim), else zlib level 9. */
let gzipTool = "gzip -9";
function gzipSize(bytes) {
  if (gzipTool === "gzip -9") {
    const r = spawnSync("gzip", ["-9", "-n", "-c"], { input: bytes, maxBuffer: 1 << 28 });
    if (!r.error && r.status === 0) return r.stdout.length;
    gzipTool = "zlib level 9";
  }
  return gzipSync(bytes, { level: 9 }).length;
}

function compressed(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSize(bytes),
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}

/** Names of the custom sections of a wasm module (to tell whether wasm-opt stripped it). */
function customSections(bytes) {
  const names = [];
  let at = 8;
  const leb = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    const end = at + size;
    if (id === 0) {
      const len = leb();
      names.push(Buffer.from(bytes.subarray(at, at + len)).toString("utf8"));
    }
    at = end;
  }
  return names;
}

function sizes(pkg) {
  const wasmPath = path.join(pkg, "rulelab_bg.wasm");
  const wasm = readFileSync(wasmPath);
  const sections = customSections(wasm);
  const out = {
    wasm: compressed(wasm),
    glue: compressed(readFileSync(path.join(pkg, "rulelab.js"))),
    wasmSections: sections,
    wasmOpt: null,
  };
  // wasm-bindgen leaves a `producers` section that scripts/setup.mjs strips with wasm-opt; when
  // it is still there the package was not optimized, so measure an optimized copy as well.
  const wasmOpt = path.join(ROOT, "node_modules/.bin/wasm-opt");
  if (sections.includes("producers") && existsSync(wasmOpt)) {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rulelab-wasm-opt-"));
    try {
      const optimized = path.join(dir, "opt.wasm");
      const features = ["--enable-bulk-memory", "--enable-nontrapping-float-to-int", "--enable-reference-types", "--enable-multivalue", "--enable-sign-ext"];
      run(wasmOpt, ["-O3", ...features, "--strip-debug", "--strip-producers", wasmPath, "-o", optimized], { stdio: ["ignore", "ignore", "inherit"] });
      out.wasmOpt = compressed(readFileSync(optimized));
    } catch (error) {
      log(`wasm-opt on a copy failed: ${error.message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const kusto = {};
  for (const f of ["bridge.min.js", "Kusto.Language.Bridge.min.js"]) kusto[f] = compressed(readFileSync(path.join(KUSTO_DIR, f)));
  kusto.total = compressed(Buffer.concat(["bridge.min.js", "Kusto.Language.Bridge.min.js"].map((f) => readFileSync(path.join(KUSTO_DIR, f)))));
  out.kusto = kusto;
  return out;
}

// ---- report ------------------------------------------------------------------------------

const fmt = (x, digits = x !== 0 && Math.abs(x) < 1 ? 2 : 1) => x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const kib = (n) => `${fmt(n / 1024, 1)} KiB`;

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

function report(results, size, context) {
  const kusto = results.find((r) => r.engine.startsWith("Kusto"));
  const rows = results.map((r) => [
    r.engine,
    fmt(r.total_ms, 1),
    fmt(r.median_us, 1),
    fmt(r.p95_us, 1),
    fmt(r.max_us, 0),
    fmt(r.pass_ms, 1),
    r.with_errors,
    kusto && r !== kusto ? `${fmt(kusto.total_ms / r.total_ms, 1)}×` : "",
    kusto && r !== kusto ? `${fmt(kusto.median_us / r.median_us, 1)}×` : "",
  ]);
  const lines = [];
  lines.push(`KQL parse benchmark: ${results[0].queries} queries, ${results[0].iterations} timed passes after ${results[0].warmup} warm-up passes`);
  lines.push(context);
  lines.push("");
  lines.push(
    table(rows, ["engine", "total ms", "median µs", "p95 µs", "max µs", "pass ms", "with errors", "Kusto÷ total", "Kusto÷ median"]),
  );
  lines.push("");
  lines.push("total = sum of per-query medians (corpus parsed once); median/p95/max over queries; pass = median wall time of a timed pass");
  lines.push("Kusto÷ = Kusto.Language's figure divided by the engine's (how many times faster the engine is)");
  if (kusto) {
    lines.push("");
    lines.push("per-query speedup (Kusto.Language time ÷ engine time, query by query):");
    for (const r of results) {
      if (r === kusto) continue;
      const q = perQueryRatios(kusto, r);
      lines.push(
        `  ${r.engine.padEnd(26)} median ${fmt(q.median)}×, 5th percentile ${fmt(q.p5)}×, min ${fmt(q.min)}×; ` +
          `${fmt(100 * q.atLeast20, 1)}% of queries ≥ 20×`,
      );
    }
    lines.push(`  init (not counted): Kusto.Language ${fmt(kusto.init_ms, 0)} ms` + results.filter((r) => r.init_ms !== undefined && r !== kusto).map((r) => `, ${r.engine} ${fmt(r.init_ms, 1)} ms`).join(""));
  }
  const wasm = results.find((r) => r.exports);
  if (wasm) lines.push(`  wasm package functions: ${wasm.exports.join(", ")} (only parse() is timed)`);
  lines.push("");
  lines.push(`sizes (gzip = ${gzipTool}, brotli = quality 11; KiB = 1024 bytes):`);
  const sizeRow = (name, s) => [name, s.raw.toLocaleString("en-US"), kib(s.raw), kib(s.gzip), kib(s.brotli)];
  const sizeRows = [sizeRow("rulelab_bg.wasm (as built)", size.wasm)];
  if (size.wasmOpt) sizeRows.push(sizeRow("rulelab_bg.wasm after wasm-opt -O3", size.wasmOpt));
  sizeRows.push(sizeRow("rulelab.js (wasm-bindgen glue)", size.glue));
  sizeRows.push(sizeRow("Kusto bridge.min.js", size.kusto["bridge.min.js"]));
  sizeRows.push(sizeRow("Kusto.Language.Bridge.min.js", size.kusto["Kusto.Language.Bridge.min.js"]));
  sizeRows.push(sizeRow("Kusto.Language total (both)", size.kusto.total));
  lines.push(table(sizeRows, ["file", "bytes", "raw", "gzip", "brotli"]));
  const shipped = size.wasmOpt ?? size.wasm;
  lines.push(
    `Kusto.Language JS ÷ rulelab wasm${size.wasmOpt ? " (optimized)" : ""}: ${fmt(size.kusto.total.raw / shipped.raw, 1)}× raw, ${fmt(size.kusto.total.gzip / shipped.gzip, 1)}× gzip`,
  );
  lines.push(
    `wasm custom sections: ${size.wasmSections.length ? size.wasmSections.join(", ") : "none"}` +
      (size.wasmSections.includes("producers") ? " (producers present: not post-processed by wasm-opt)" : " (stripped: wasm-opt ran)"),
  );
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

const common = ["--iterations", String(args.iterations), "--warmup", String(args.warmup), "--json"];
const results = [];
const collect = (stdout) => {
  for (const line of stdout.split("\n")) if (line.trim().startsWith("{")) results.push(JSON.parse(line));
};
log("running rulelab native…");
collect(run(nativeBinary(), [args.shared, ...common]));
log("running rulelab wasm under node…");
collect(run(process.execPath, [path.join(HERE, "js/kql_parse.mjs"), "--engine", "wasm", "--pkg", args.pkg, args.shared, ...common]));
log("running Kusto.Language under node (init ~2.5 s, then about 5-15 s per pass)…");
collect(run(process.execPath, [path.join(HERE, "js/kql_parse.mjs"), "--engine", "kusto", args.shared, ...common]));

const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
const rustc = spawnSync("rustc", ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "rustc ?";
const context = `${new Date().toISOString()}  ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"})  node ${process.version}  ${rustc}  load average after run: ${load}`;
const size = sizes(args.pkg);
console.log(report(results, size, context));
if (args.json) {
  writeFileSync(args.json, JSON.stringify({ context, results, sizes: size }, null, 1));
  log(`wrote ${args.json}`);
}
