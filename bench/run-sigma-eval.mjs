#!/usr/bin/env node
// Sigma evaluation benchmark: rulelab native, rulelab wasm (node), rsigma-eval 0.26 and
// sigma-rust 0.7 load the SigmaHQ Windows rules and evaluate the same events, one after the
// other in separate processes, single thread; prints one table with ratios to rsigma-eval.
//
//   node bench/run-sigma-eval.mjs [--shared DIR] [--events N] [--seed S] [--sets LIST]
//        [--rules PATH] [--sigma-rust-events N] [--engines LIST] [--pkg DIR]
//        [--data DIR] [--no-build] [--rebuild-wasm] [--json FILE]
//
// Steps: builds `sigma-eval-bench` and `sigma-gen-events` (cargo, release, features `peers`,
// `--ignore-rust-version` because rsigma 0.26 declares rust 1.96), builds wasm/pkg when it is
// missing or older than its sources, writes the event sets with the seeded generator into
// --data (default: $TMPDIR/rulelab-sigma-bench), then runs every engine on every set.
// Sets (--sets, default regression,mix,combined): `regression` (the 106 SigmaHQ regression
// events cycled), `mix` (synthetic Sysmon), `combined` (the mix with 1 in 4 regression events).
// sigma-rust checks every rule on every event (~100× slower); it runs on the first
// --sigma-rust-events (default 4,000) events of each set.
// Engines (--engines, default all): rulelab (routing), rulelab-no-routing, wasm, rsigma,
// rsigma-routing, sigma-rust.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const ALL_ENGINES = ["rulelab", "rulelab-no-routing", "wasm", "rsigma", "rsigma-routing", "sigma-rust"];

function parseArgs(argv) {
  const a = {
    shared: null,
    events: 200_000,
    seed: 1,
    sets: ["regression", "mix", "combined"],
    rules: null,
    sigmaRustEvents: 4000,
    engines: ALL_ENGINES,
    pkg: path.join(ROOT, "wasm/pkg"),
    data: path.join(os.tmpdir(), "rulelab-sigma-bench"),
    build: true,
    rebuildWasm: false,
    json: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${x} needs a value`);
      return argv[++i];
    };
    if (x === "--shared") a.shared = path.resolve(value());
    else if (x === "--events") a.events = Number.parseInt(value(), 10);
    else if (x === "--seed") a.seed = Number.parseInt(value(), 10);
    else if (x === "--sets") a.sets = value().split(",");
    else if (x === "--rules") a.rules = path.resolve(value());
    else if (x === "--sigma-rust-events") a.sigmaRustEvents = Number.parseInt(value(), 10);
    else if (x === "--engines") a.engines = value().split(",");
    else if (x === "--pkg") a.pkg = path.resolve(value());
    else if (x === "--data") a.data = path.resolve(value());
    else if (x === "--no-build") a.build = false;
    else if (x === "--rebuild-wasm") a.rebuildWasm = true;
    else if (x === "--json") a.json = path.resolve(value());
    else if (x === "-h" || x === "--help") usage();
    else usage(`unknown argument ${x}`);
  }
  for (const e of a.engines) if (!ALL_ENGINES.includes(e)) usage(`unknown engine ${e}`);
  a.shared ??= path.resolve(process.env.RULELAB_SHARED ?? path.join(ROOT, "../shared"));
  a.rules ??= path.join(a.shared, "corpus/sigma/rules/windows");
  return a;
}

function usage(message) {
  if (message) console.error(message);
  console.error(
    "usage: node bench/run-sigma-eval.mjs [--shared DIR] [--events N] [--seed S] [--sets regression,mix,combined] [--rules PATH] " +
      "[--sigma-rust-events N] [--engines LIST] [--pkg DIR] [--data DIR] [--no-build] [--rebuild-wasm] [--json FILE]",
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

function binary(name) {
  const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, "target");
  return path.join(targetDir, "release", process.platform === "win32" ? `${name}.exe` : name);
}

function newestSource() {
  let newest = 0;
  const walk = (p) => {
    const s = statSync(p, { throwIfNoEntry: false });
    if (!s) return;
    if (s.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of ["core/src", "core/Cargo.toml", "wasm/src", "wasm/Cargo.toml"]) walk(path.join(ROOT, p));
  return newest;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  if (a.build) {
    log("building sigma-eval-bench and sigma-gen-events (cargo build --release -p rulelab-bench --features peers --ignore-rust-version)…");
    run("cargo", ["build", "--quiet", "--release", "-p", "rulelab-bench", "--features", "peers", "--ignore-rust-version", "--bin", "sigma-eval-bench", "--bin", "sigma-gen-events"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
  }
  if (a.engines.includes("wasm")) {
    const wasmFile = path.join(a.pkg, "rulelab_bg.wasm");
    const stale = !existsSync(wasmFile) || statSync(wasmFile).mtimeMs < newestSource();
    if (a.build && (a.rebuildWasm || stale)) {
      log("building the wasm package (scripts/setup.mjs buildWasm)…");
      const setup = await import(path.join(ROOT, "scripts/setup.mjs"));
      await setup.buildWasm();
    }
  }
  mkdirSync(a.data, { recursive: true });
  const sets = a.sets.map((kind) => {
    const file = path.join(a.data, `${kind}-${a.events}-seed${a.seed}.ndjson`);
    if (!existsSync(file)) {
      run(binary("sigma-gen-events"), ["--out", file, "--kind", kind, "--count", String(a.events), "--seed", String(a.seed), "--shared", a.shared], {
        stdio: ["ignore", "inherit", "inherit"],
      });
    }
    return { kind, file };
  });

  const bench = binary("sigma-eval-bench");
  const commands = {
    rulelab: (s) => [bench, ["--engine", "rulelab", "--routing", "on", "--events", s.file, a.rules]],
    "rulelab-no-routing": (s) => [bench, ["--engine", "rulelab", "--routing", "off", "--events", s.file, a.rules]],
    wasm: (s) => [process.execPath, [path.join(HERE, "js/sigma_eval.mjs"), "--pkg", a.pkg, "--routing", "on", "--events", s.file, a.rules]],
    rsigma: (s) => [bench, ["--engine", "rsigma", "--routing", "off", "--events", s.file, a.rules]],
    "rsigma-routing": (s) => [bench, ["--engine", "rsigma", "--routing", "on", "--events", s.file, a.rules]],
    "sigma-rust": (s) => [bench, ["--engine", "sigma-rust", "--max-events", String(a.sigmaRustEvents), "--events", s.file, a.rules]],
  };
  const results = [];
  for (const s of sets) {
    for (const engine of a.engines) {
      const [command, args] = commands[engine](s);
      log(`${s.kind}: ${engine}…`);
      const out = run(command, args);
      const line = out.trim().split("\n").pop();
      const r = { set: s.kind, key: engine, command: [command, ...args].join(" "), ...JSON.parse(line) };
      results.push(r);
      log(`  ${Math.round(r.events_per_s).toLocaleString("en-US")} events/s, load ${r.rule_load_s.toFixed(2)} s, ${r.matches} matches`);
    }
  }
  console.log(table(results, a));
  if (a.json) writeFileSync(a.json, results.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

function table(results, a) {
  const lines = [];
  lines.push(`Sigma evaluation: ${results[0]?.rule_files ?? "?"} rule files (${a.rules}), ${a.events.toLocaleString("en-US")} events per set (seed ${a.seed}), one thread`);
  lines.push("");
  lines.push("| set | engine | config | rules loaded/failed | load s | rules MiB | events | events/s | × rsigma | × rsigma routing | matches | rules fired | peak RSS MiB |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of results) {
    const base = results.find((x) => x.set === r.set && x.key === "rsigma");
    const baseRouting = results.find((x) => x.set === r.set && x.key === "rsigma-routing");
    const ratio = (b) => (b ? (r.events_per_s / b.events_per_s).toFixed(2) : "–");
    lines.push(
      `| ${r.set} | ${r.engine} | ${r.config} | ${r.rules_loaded}/${r.rule_load_errors} | ${r.rule_load_s.toFixed(2)} | ${r.rules_rss_mib.toFixed(0)} | ` +
        `${r.events.toLocaleString("en-US")} | ${Math.round(r.events_per_s).toLocaleString("en-US")} | ${ratio(base)} | ${ratio(baseRouting)} | ` +
        `${r.matches.toLocaleString("en-US")} | ${r.rules_fired} | ${r.peak_rss_mib.toFixed(0)} |`,
    );
  }
  const wasmRatios = results
    .filter((r) => r.key === "wasm")
    .map((w) => {
      const native = results.find((x) => x.set === w.set && x.key === "rulelab");
      return native ? `${w.set} ${((100 * w.events_per_s) / native.events_per_s).toFixed(0)}%` : null;
    })
    .filter(Boolean);
  if (wasmRatios.length) lines.push("", `wasm / native events/s: ${wasmRatios.join(", ")}`);
  return lines.join("\n");
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
