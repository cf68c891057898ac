#!/usr/bin/env node
// Loads Sigma rules into rulelab's wasm package under node, evaluates every event of an
// NDJSON file and prints one JSON line, with the fields of the native `sigma-eval-bench`.
//
//   node bench/js/sigma_eval.mjs --events FILE [--routing on|off] [--max-events N] [--pkg DIR] RULE_PATH...
//
// Same method as the native binary: reading the rule files and `new SigmaRuleSet(rules)`
// (parse + compile) are the load time, the RSS growth over it the memory of the rules;
// `loadEvents` parses the events before the clock; `evaluate({explain: false})` is timed and
// includes building the JavaScript match objects. Peak RSS is node's maxRSS.

import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./common.mjs";

const a = { events: null, routing: true, maxEvents: Infinity, pkg: path.join(ROOT, "wasm/pkg"), rules: [] };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const x = argv[i];
  if (x === "--events") a.events = argv[++i];
  else if (x === "--routing") a.routing = argv[++i] !== "off";
  else if (x === "--max-events") a.maxEvents = Number.parseInt(argv[++i], 10);
  else if (x === "--pkg") a.pkg = path.resolve(argv[++i]);
  else if (x.startsWith("-")) {
    console.error(`unknown option ${x}`);
    process.exit(2);
  } else a.rules.push(x);
}
if (!a.events || a.rules.length === 0) {
  console.error("usage: node bench/js/sigma_eval.mjs --events FILE [--routing on|off] [--max-events N] [--pkg DIR] RULE_PATH...");
  process.exit(2);
}

/** `.yml`/`.yaml` files under each path, sorted per folder (the native binary's order). */
function ruleFiles(p, out = []) {
  const s = statSync(p);
  if (s.isDirectory()) for (const e of readdirSync(p).sort()) ruleFiles(path.join(p, e), out);
  else if (/\.ya?ml$/.test(p)) out.push(p);
  return out;
}

const rulelab = await import(pathToFileURL(path.join(a.pkg, "rulelab.js")).href);
rulelab.initSync({ module: readFileSync(path.join(a.pkg, "rulelab_bg.wasm")) });

const files = a.rules.flatMap((p) => ruleFiles(p));
globalThis.gc?.();
const rssBefore = process.memoryUsage().rss;
const loadStart = performance.now();
const sources = files.map((f) => ({ path: f, text: readFileSync(f, "utf8") }));
const set = new rulelab.SigmaRuleSet(sources);
const loadS = (performance.now() - loadStart) / 1000;
const rulesRssMib = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
const diagnostics = set.diagnostics().filter((d) => d.severity === "error");

let text = readFileSync(a.events, "utf8");
if (Number.isFinite(a.maxEvents)) {
  let end = 0;
  for (let n = 0; n < a.maxEvents && end !== -1; n++) end = text.indexOf("\n", end + 1);
  if (end !== -1) text = text.slice(0, end + 1);
}
const events = set.loadEvents(text);
text = null;

const evalStart = performance.now();
const result = set.evaluate({ routeByLogsource: a.routing, explain: false, maxMatches: 2 ** 31 });
const evalS = (performance.now() - evalStart) / 1000;
const fired = new Set(result.matches.map((m) => m.rule));

console.log(
  JSON.stringify({
    engine: `rulelab wasm (node ${process.versions.node})`,
    config: a.routing ? "routing" : "no-routing",
    rule_files: files.length,
    rules_loaded: set.ruleCount,
    rule_load_errors: new Set(diagnostics.map((d) => d.source)).size,
    rule_load_s: loadS,
    rules_rss_mib: rulesRssMib,
    events,
    repeat: 1,
    eval_s: evalS,
    events_per_s: events / evalS,
    matches: result.matches.length,
    rules_fired: fired.size,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
  }),
);
