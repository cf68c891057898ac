// KQL evaluation benchmark, wasm side: the same steps as `kql-eval-bench run` (native), with
// the npm package's Workspace. Prints one JSON object.
//   node bench/js/kql_eval.mjs --data DIR [--pkg DIR] [--iterations N]
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

import { ROOT, median } from "./common.mjs";

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const data = path.resolve(flag("--data", path.join(ROOT, "target/bench/eval")));
const pkg = path.resolve(flag("--pkg", path.join(ROOT, "wasm/pkg")));
const iterations = Number(flag("--iterations", "5"));
const NOW = "2025-10-01T12:00:00Z";

const rulelab = await import(pathToFileURL(path.join(pkg, "rulelab.js")).href);
rulelab.initSync({ module: readFileSync(path.join(pkg, "rulelab_bg.wasm")) });

const workspace = new rulelab.Workspace({ profile: "defender" });
const load = [];
for (const table of ["DeviceProcessEvents", "DeviceNetworkEvents"]) {
  const file = path.join(data, `${table}.ndjson`);
  let started = performance.now();
  const text = readFileSync(file, "utf8");
  const readMs = performance.now() - started;
  started = performance.now();
  const loaded = workspace.loadEvents(text, table);
  const ms = performance.now() - started;
  const bytes = Buffer.byteLength(text);
  load.push({ table, rows: loaded[0]?.rows ?? 0, bytes, read_ms: readMs, load_ms: ms, mb_per_s: bytes / 1e6 / (ms / 1000) });
}

const queries = JSON.parse(readFileSync(path.join(ROOT, "bench/kql-eval-queries.json"), "utf8"));
const results = [];
for (const { name, kql } of queries) {
  const times = [];
  let answer = null;
  for (let i = 0; i < Math.max(1, iterations); i++) {
    const started = performance.now();
    const result = workspace.evaluate(kql, { now: NOW, maxRows: 100_000_000 });
    times.push(performance.now() - started);
    answer = result.error ? { error: result.error } : { rows: result.rows.length, first: result.rows[0] ?? null };
  }
  results.push({ name, ms: median(times), answer });
}
const memory = process.memoryUsage();
console.log(JSON.stringify({
  engine: "rulelab wasm",
  load,
  queries: results,
  peak_rss_mib: memory.rss / 1048576,
  wasm_memory_mib: rulelab.__wasm?.memory?.buffer?.byteLength ? rulelab.__wasm.memory.buffer.byteLength / 1048576 : null,
}));
