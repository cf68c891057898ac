#!/usr/bin/env node
// Lints every query of the KQL corpus under node with one engine and reports the per-query
// median time, its 95th percentile and the total for the corpus (same method as the native
// `kql-lint-bench`, see common.mjs). Each query is checked against the schema of the profile
// its source implies (sentinel.jsonl -> sentinel, defender-hunting.jsonl -> defender).
//
//   node bench/js/kql_lint.mjs --engine wasm|kusto|kusto-analyzers --schemas DIR [SHARED_DIR]
//        [--iterations N] [--warmup N] [--json] [--pkg DIR] [--rule FILE:LINE] [--rule-runs N]
//
// wasm:            rulelab's wasm package (wasm/pkg, loaded with initSync):
//                  `lint(text, {language: "kql", profile})` — parse, semantic analysis against
//                  the profile's schema and every lint rule, plus the JS<->wasm boundary and
//                  serde-wasm-bindgen building the diagnostics.
// kusto:           Microsoft's Kusto.Language: `KustoCode.ParseAndAnalyze(text, globals)` then
//                  `GetDiagnostics()` (syntax + semantic), with a GlobalState whose database
//                  holds the same tables and tabular functions as rulelab's profile.
// kusto-analyzers: the same, then Kusto.Language's own lint rules: a KustoCodeService over the
//                  analyzed code, `GetDiagnostics()` + `GetAnalyzerDiagnostics()` (all of
//                  KustoAnalyzers: join without kind, contains, ...). The counterpart of
//                  rulelab's `lint()`.
//
// --schemas DIR holds sentinel.json and defender.json as printed by
// `kql-lint-bench --dump-schema PROFILE` (rulelab's own schema, so both engines see the same
// tables). --rule FILE:LINE also times that one corpus query alone --rule-runs times (after
// as many untimed runs) and reports the median.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HERE, ROOT, describe, kqlCorpusRecords, measure, median, percentile, sharedDir } from "./common.mjs";

const ENGINES = ["wasm", "kusto", "kusto-analyzers"];

function parseArgs(argv) {
  const a = {
    engine: null,
    shared: null,
    schemas: null,
    iterations: 10,
    warmup: 3,
    json: false,
    pkg: path.join(ROOT, "wasm/pkg"),
    rule: null,
    ruleRuns: 500,
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const number = () => {
      const n = Number.parseInt(argv[++i], 10);
      if (!Number.isFinite(n) || n < 0) usage(`${x} needs a number`);
      return n;
    };
    if (x === "--engine") a.engine = argv[++i];
    else if (x === "--schemas") a.schemas = path.resolve(argv[++i]);
    else if (x === "--iterations") a.iterations = Math.max(1, number());
    else if (x === "--warmup") a.warmup = number();
    else if (x === "--json") a.json = true;
    else if (x === "--pkg") a.pkg = path.resolve(argv[++i]);
    else if (x === "--rule") a.rule = argv[++i];
    else if (x === "--rule-runs") a.ruleRuns = Math.max(1, number());
    else if (x === "-h" || x === "--help") usage();
    else if (x.startsWith("-")) usage(`unknown option ${x}`);
    else a.shared = x;
  }
  if (!ENGINES.includes(a.engine)) usage(`--engine must be one of ${ENGINES.join(", ")}`);
  if (a.engine !== "wasm" && !a.schemas) usage("the Kusto engines need --schemas DIR");
  return a;
}

function usage(message) {
  if (message) console.error(message);
  console.error(
    "usage: node bench/js/kql_lint.mjs --engine wasm|kusto|kusto-analyzers --schemas DIR [SHARED_DIR] " +
      "[--iterations N] [--warmup N] [--json] [--pkg DIR] [--rule FILE:LINE] [--rule-runs N]",
  );
  process.exit(message ? 2 : 0);
}

/** rulelab's wasm package: `lint(text, {language, profile})` returning `{language, diagnostics}`. */
async function loadRulelab(pkg) {
  const module = await import(pathToFileURL(path.join(pkg, "rulelab.js")).href);
  const start = performance.now();
  module.initSync({ module: readFileSync(path.join(pkg, "rulelab_bg.wasm")) });
  const options = { sentinel: { language: "kql", profile: "sentinel" }, defender: { language: "kql", profile: "defender" } };
  const lint = (r) => module.lint(r.query, options[r.profile]).diagnostics.some((d) => d.severity === "error");
  // The first call indexes the schema data; count it as init, as Kusto's is.
  lint({ query: "DeviceProcessEvents | take 1", profile: "defender" });
  lint({ query: "SigninLogs | take 1", profile: "sentinel" });
  return { lint, initMs: performance.now() - start };
}

// ---- Kusto.Language with rulelab's schema ------------------------------------------------

/** KQL name quoting for generated declarations. */
const ident = (n) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `['${n.replace(/'/g, "\\'")}']`);
/** Typed defaults that make an optional parameter omittable (as semantic_verdicts.js does). */
const DEFAULTS = {
  string: "''", datetime: "datetime(null)", timespan: "timespan(null)", dynamic: "dynamic([])",
  bool: "false", int: "int(null)", long: "long(null)", real: "real(null)", guid: "guid(null)",
  decimal: "decimal(null)",
};

/**
 * A Kusto DatabaseSymbol with the tables and tabular functions of one of rulelab's profiles
 * (`kql-lint-bench --dump-schema`). Tables become TableSymbols; functions are declared the way
 * shared/tools/kusto-oracle/semantic_verdicts.js declares the ASIM parsers,
 * `FunctionSymbol(name, "(p:T[=default], ...)", "{ datatable(c:t, ...)[] }")`; functions
 * used with `invoke` take the input table and extend it with their columns.
 */
function kustoDatabase(K, schema) {
  const type = (t) => {
    const symbol = K.Symbols.ScalarTypes.GetSymbol(t);
    if (!symbol) throw new Error(`unknown column type ${t}`);
    return symbol;
  };
  const members = schema.tables.map(
    (t) => new K.Symbols.TableSymbol.$ctor4(t.table, t.columns.map((c) => new K.Symbols.ColumnSymbol(c.name, type(c.type), null, null, null, null))),
  );
  let skipped = 0;
  for (const f of schema.functions) {
    const params = f.parameters.map((p) => `${ident(p.name)}:${p.type}` + (p.optional ? `=${DEFAULTS[p.type] ?? "dynamic(null)"}` : ""));
    let body;
    if (f.invoked) {
      params.unshift("T:(*)");
      const extend = f.columns.map((c) => `${ident(c.name)}=${c.type}(null)`).join(", ");
      body = extend ? `{ T | extend ${extend} }` : "{ T }";
    } else {
      body = `{ datatable(${f.columns.map((c) => `${ident(c.name)}:${c.type}`).join(", ") || "x:string"})[] }`;
    }
    try {
      members.push(new K.Symbols.FunctionSymbol.$ctor16(f.name, `(${params.join(", ")})`, body, null));
    } catch {
      skipped++;
    }
  }
  return { database: new K.Symbols.DatabaseSymbol("db", members), tables: schema.tables.length, functions: schema.functions.length - skipped, skipped };
}

/** Kusto.Language: the global `Kusto.Language` after requiring the two Bridge.NET bundles. */
function loadKusto(schemasDir, analyzers) {
  const require = createRequire(path.join(HERE, "package.json"));
  const start = performance.now();
  require("@kusto/language-service-next/bridge.min.js");
  require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
  const K = globalThis.Kusto.Language;
  const globals = {};
  const declared = {};
  for (const profile of ["sentinel", "defender"]) {
    const schema = JSON.parse(readFileSync(path.join(schemasDir, `${profile}.json`), "utf8"));
    const db = kustoDatabase(K, schema);
    globals[profile] = K.GlobalState.Default.WithDatabase(db.database);
    declared[profile] = { tables: db.tables, functions: db.functions, skipped_functions: db.skipped };
  }
  const none = K.Utils.CancellationToken.None;
  const hasError = (list) => {
    for (let i = 0; i < list.Count; i++) if (list.getItem(i).Severity === "Error") return true;
    return false;
  };
  const lint = analyzers
    ? (r) => {
        const service = new K.Editor.KustoCodeService.ctor(K.KustoCode.ParseAndAnalyze(r.query, globals[r.profile]));
        const errors = hasError(service.GetDiagnostics(true, none));
        service.GetAnalyzerDiagnostics(true, none);
        return errors;
      }
    : (r) => hasError(K.KustoCode.ParseAndAnalyze(r.query, globals[r.profile]).GetDiagnostics());
  // The one-time library init and the first binding of each database happen here.
  lint({ query: "DeviceProcessEvents | where FileName contains 'x' | join (DeviceEvents) on DeviceId", profile: "defender" });
  lint({ query: "SigninLogs | where UserPrincipalName contains 'x' | join (AuditLogs) on TenantId", profile: "sentinel" });
  return { lint, initMs: performance.now() - start, declared };
}

/** One query alone: `runs` untimed runs, then `runs` timed ones; median and p95 in ms. */
function measureOne(record, runs, lint) {
  for (let i = 0; i < runs; i++) lint(record);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    lint(record);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const sorted = Float64Array.from(samples).sort();
  return {
    rule: `${record.file}:${record.line}`,
    lines: record.query.split("\n").length,
    runs,
    median_ms: median(samples),
    p95_ms: percentile(sorted, 95),
  };
}

const args = parseArgs(process.argv.slice(2));
const records = kqlCorpusRecords(sharedDir(args.shared));
let rule = null;
if (args.rule) {
  const [file, line] = [args.rule.slice(0, args.rule.lastIndexOf(":")), Number(args.rule.slice(args.rule.lastIndexOf(":") + 1))];
  rule = records.find((r) => r.file === file && r.line === line);
  if (!rule) usage(`--rule ${args.rule}: no such corpus record`);
}
let engine;
let lint;
let extra = {};
if (args.engine === "wasm") {
  engine = "rulelab wasm lint";
  const loaded = await loadRulelab(args.pkg);
  lint = loaded.lint;
  extra.init_ms = loaded.initMs;
} else {
  const analyzers = args.engine === "kusto-analyzers";
  engine = analyzers ? "Kusto ParseAndAnalyze+analyzers" : "Kusto ParseAndAnalyze";
  const loaded = loadKusto(args.schemas, analyzers);
  lint = loaded.lint;
  extra = { init_ms: loaded.initMs, declared: loaded.declared };
}
const summary = { ...measure(engine, records, args, lint), ...extra, node: process.version };
if (rule) summary.one_rule = measureOne(rule, args.ruleRuns, lint);
if (args.json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(describe(summary));
  if (summary.one_rule) {
    const o = summary.one_rule;
    console.log(`one rule ${o.rule} (${o.lines} lines): median ${o.median_ms.toFixed(3)} ms, p95 ${o.p95_ms.toFixed(3)} ms over ${o.runs} runs`);
  }
}
