#!/usr/bin/env node
// Parses every query of the KQL corpus under node with one engine and reports the per-query
// median time, its 95th percentile and the total for the corpus (same method as the native
// `kql-parse-bench`, see common.mjs).
//
//   node bench/js/kql_parse.mjs --engine wasm|kusto [SHARED_DIR] [--iterations N] [--warmup N] [--json]
//
// wasm:  rulelab's wasm package (wasm/pkg, `--target web`, loaded with initSync), calling
//        `parse(text, {language: "kql"})`: includes the JS<->wasm boundary (copying the text
//        in) and serde-wasm-bindgen building the `{language, ok, diagnostics}` result object.
// kusto: Microsoft's Kusto.Language (npm @kusto/language-service-next, installed in
//        bench/js/node_modules): `KustoCode.Parse(text, GlobalState.Default)` followed by
//        `GetSyntaxDiagnostics()`, which forces the full parse. The one-time library init
//        (~2.5 s, the first Parse) is reported as `init_ms` and not counted.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HERE, ROOT, describe, kqlCorpus, measure, sharedDir } from "./common.mjs";

function parseArgs(argv) {
  const a = { engine: null, shared: null, iterations: 10, warmup: 3, json: false, pkg: path.join(ROOT, "wasm/pkg") };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const number = () => {
      const n = Number.parseInt(argv[++i], 10);
      if (!Number.isFinite(n) || n < 0) usage(`${x} needs a number`);
      return n;
    };
    if (x === "--engine") a.engine = argv[++i];
    else if (x === "--iterations") a.iterations = Math.max(1, number());
    else if (x === "--warmup") a.warmup = number();
    else if (x === "--json") a.json = true;
    else if (x === "--pkg") a.pkg = path.resolve(argv[++i]);
    else if (x === "-h" || x === "--help") usage();
    else if (x.startsWith("-")) usage(`unknown option ${x}`);
    else a.shared = x;
  }
  if (a.engine !== "wasm" && a.engine !== "kusto") usage("--engine must be wasm or kusto");
  return a;
}

function usage(message) {
  if (message) console.error(message);
  console.error("usage: node bench/js/kql_parse.mjs --engine wasm|kusto [SHARED_DIR] [--iterations N] [--warmup N] [--json] [--pkg DIR]");
  process.exit(message ? 2 : 0);
}

/** rulelab's wasm package: `parse(text, opts)` returning `{language, ok, diagnostics}`. */
async function loadRulelab(pkg) {
  const js = path.join(pkg, "rulelab.js");
  const wasm = path.join(pkg, "rulelab_bg.wasm");
  const module = await import(pathToFileURL(js).href);
  const start = performance.now();
  module.initSync({ module: readFileSync(wasm) });
  const initMs = performance.now() - start;
  const exports = Object.keys(module).filter((k) => typeof module[k] === "function");
  const opts = { language: "kql" };
  return { parse: (q) => !module.parse(q, opts).ok, initMs, exports };
}

/** Kusto.Language: the global `Kusto.Language` after requiring the two Bridge.NET bundles. */
function loadKusto() {
  const require = createRequire(path.join(HERE, "package.json"));
  const start = performance.now();
  require("@kusto/language-service-next/bridge.min.js");
  require("@kusto/language-service-next/Kusto.Language.Bridge.min.js");
  const K = globalThis.Kusto.Language;
  const globals = K.GlobalState.Default;
  const parse = (q) => K.KustoCode.Parse(q, globals).GetSyntaxDiagnostics().Count > 0;
  parse("T | where x > 1 | summarize count() by y"); // the one-time init happens here
  return { parse, initMs: performance.now() - start };
}

const args = parseArgs(process.argv.slice(2));
const queries = kqlCorpus(sharedDir(args.shared));
let summary;
if (args.engine === "wasm") {
  const { parse, initMs, exports } = await loadRulelab(args.pkg);
  summary = measure("rulelab wasm parse(kql)", queries, args, parse);
  summary.init_ms = initMs;
  summary.exports = exports;
} else {
  const { parse, initMs } = loadKusto();
  summary = measure("Kusto.Language Parse", queries, args, parse);
  summary.init_ms = initMs;
}
summary.node = process.version;
if (args.json) {
  console.log(JSON.stringify(summary));
} else {
  console.log(describe(summary));
}
