// KQL evaluation benchmark, wasm side: the same steps as `kql-eval-bench run` (native), with
// the npm package's Workspace. Prints one JSON object.
//   node bench/js/kql_eval.mjs --data DIR [--pkg DIR] [--iterations N] [--chunk-mib N]
// The NDJSON files are streamed into `Workspace.appendEvents` in chunks of whole lines
// (default 32 MiB): 1,000,000 rows are about 1 GB, past node's string limit.
import { createReadStream, readFileSync } from "node:fs";
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
const chunkBytes = Number(flag("--chunk-mib", "32")) * 1048576;
const NOW = "2025-10-01T12:00:00Z";

const rulelab = await import(pathToFileURL(path.join(pkg, "rulelab.js")).href);
rulelab.initSync({ module: readFileSync(path.join(pkg, "rulelab_bg.wasm")) });

/**
 * Streams an NDJSON file into the workspace in chunks of whole lines (a newline byte never
 * occurs inside a multi-byte UTF-8 character, so splitting bytes there is safe). Returns the
 * rows, bytes and the time spent reading vs. in `appendEvents`.
 */
async function appendFile(workspace, file, table) {
  const started = performance.now();
  let loadMs = 0;
  let bytes = 0;
  let rows = 0;
  let parts = [];
  let partBytes = 0;
  const append = (buffer) => {
    const t = performance.now();
    const appended = workspace.appendEvents(buffer.toString("utf8"), table);
    loadMs += performance.now() - t;
    rows = appended.find((entry) => entry.table === table)?.rows ?? rows;
  };
  for await (const buffer of createReadStream(file, { highWaterMark: 4 << 20 })) {
    bytes += buffer.length;
    parts.push(buffer);
    partBytes += buffer.length;
    if (partBytes < chunkBytes) continue;
    const joined = Buffer.concat(parts, partBytes);
    const end = joined.lastIndexOf(10) + 1;
    if (end === 0) continue; // one line longer than a chunk: keep reading
    append(joined.subarray(0, end));
    const rest = joined.subarray(end);
    parts = rest.length ? [rest] : [];
    partBytes = rest.length;
  }
  if (partBytes > 0) append(Buffer.concat(parts, partBytes));
  const totalMs = performance.now() - started;
  return { rows, bytes, read_ms: totalMs - loadMs, load_ms: loadMs };
}

const workspace = new rulelab.Workspace({ profile: "defender" });
const load = [];
for (const table of ["DeviceProcessEvents", "DeviceNetworkEvents"]) {
  const file = path.join(data, `${table}.ndjson`);
  const { rows, bytes, read_ms: readMs, load_ms: ms } = await appendFile(workspace, file, table);
  load.push({ table, rows, bytes, read_ms: readMs, load_ms: ms, mb_per_s: bytes / 1e6 / (ms / 1000) });
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
