// Shared pieces of the node benchmark runners: the KQL corpus and the timing method.
// Mirrors bench/src/lib.rs so every engine is measured the same way.

import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, "../..");

/** The corpus files under `<shared>/corpus/kql/`, in the order every runner reads them. */
export const KQL_CORPUS_FILES = ["sentinel.jsonl", "defender-hunting.jsonl"];

/** The `shared/` folder: the argument, else RULELAB_SHARED, else `../shared` beside the checkout. */
export function sharedDir(arg) {
  return path.resolve(arg ?? process.env.RULELAB_SHARED ?? path.join(ROOT, "../shared"));
}

/** Every `query` of the KQL corpus, in file order. */
export function kqlCorpus(shared) {
  const queries = [];
  for (const file of KQL_CORPUS_FILES) {
    const text = readFileSync(path.join(shared, "corpus/kql", file), "utf8");
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      const query = JSON.parse(line).query;
      if (typeof query !== "string") throw new Error(`${file}: a record without a string \`query\``);
      queries.push(query);
    }
  }
  return queries;
}

/**
 * Every record of the KQL corpus, in file order, with the schema profile its source implies
 * (`sentinel.jsonl` -> sentinel, `defender-hunting.jsonl` -> defender), as
 * `CorpusRecord::profile` in bench/src/lib.rs.
 */
export function kqlCorpusRecords(shared) {
  const records = [];
  for (const file of KQL_CORPUS_FILES) {
    const text = readFileSync(path.join(shared, "corpus/kql", file), "utf8");
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      const query = JSON.parse(line).query;
      if (typeof query !== "string") throw new Error(`${file}: a record without a string \`query\``);
      records.push({ file, line: i + 1, query, profile: file === "sentinel.jsonl" ? "sentinel" : "defender" });
    });
  }
  return records;
}

/** The median (mean of the two middle values for an even count); 0 for no samples. */
export function median(samples) {
  if (samples.length === 0) return 0;
  const s = Float64Array.from(samples).sort();
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Nearest-rank percentile of sorted samples; 0 for no samples. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
}

/**
 * Times `parse` (returns true when the query has errors) over the corpus: `warmup` untimed
 * passes, then `iterations` passes in which every query is timed on its own. Each query's
 * time is its median over the passes; the summary matches `Summary` in bench/src/lib.rs.
 */
export function measure(engine, queries, { iterations, warmup }, parse) {
  let sink = 0;
  for (let w = 0; w < warmup; w++) {
    for (const q of queries) sink += parse(q) ? 1 : 0;
  }
  const timings = [];
  const passes = [];
  let withErrors = 0;
  for (let i = 0; i < iterations; i++) {
    const times = new Float64Array(queries.length);
    withErrors = 0;
    const pass = process.hrtime.bigint();
    for (let q = 0; q < queries.length; q++) {
      const start = process.hrtime.bigint();
      const hasErrors = parse(queries[q]);
      times[q] = Number(process.hrtime.bigint() - start);
      if (hasErrors) withErrors++;
    }
    passes.push(Number(process.hrtime.bigint() - pass));
    timings.push(times);
  }
  if (sink < 0) console.error(sink); // keeps the warm-up observable
  return summarize(engine, warmup, timings, passes, withErrors);
}

export function summarize(engine, warmup, timings, passes, withErrors) {
  const queries = timings.length ? timings[0].length : 0;
  const perQueryUs = [];
  for (let q = 0; q < queries; q++) perQueryUs.push(median(timings.map((t) => t[q])) / 1000);
  const sorted = Float64Array.from(perQueryUs).sort();
  return {
    engine,
    queries,
    iterations: timings.length,
    warmup,
    total_ms: perQueryUs.reduce((a, b) => a + b, 0) / 1000,
    median_us: percentile(sorted, 50),
    p95_us: percentile(sorted, 95),
    max_us: sorted.length ? sorted[sorted.length - 1] : 0,
    pass_ms: median(passes) / 1e6,
    with_errors: withErrors,
    per_query_us: perQueryUs,
  };
}

/** One human-readable line, like the native runner prints. */
export function describe(s) {
  const f = (x, w, d = 1) => x.toFixed(d).padStart(w);
  return (
    `${s.engine.padEnd(28)} ${String(s.queries).padStart(5)} queries  total ${f(s.total_ms, 9)} ms  ` +
    `median ${f(s.median_us, 8)} µs  p95 ${f(s.p95_us, 8)} µs  max ${f(s.max_us, 9)} µs  ` +
    `pass ${f(s.pass_ms, 9)} ms  (${s.with_errors} with errors, ${s.iterations} iterations` +
    (s.init_ms !== undefined ? `, init ${s.init_ms.toFixed(0)} ms` : "") +
    ")"
  );
}
