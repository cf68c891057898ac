// `npm test`: every check CI runs, in order, stopping at the first failure.
//
//   node scripts/test.mjs [STEP...]      run only the named steps (e.g. `npm test -- js e2e`)
//
// Steps: fmt, clippy, cargo-test, wasm, js, web, e2e.
// Environment: RULELAB_SKIP_CARGO=1 skips fmt, clippy and cargo-test (fast iteration on the
// JS side); RULELAB_SKIP=a,b skips the named steps.

import path from "node:path";
import {
  ROOT,
  StepError,
  bold,
  buildWasm,
  buildWeb,
  dim,
  ensureChromium,
  ensureNodeModules,
  green,
  red,
  run,
  step,
} from "./setup.mjs";

// Totals of the test runners' own summary lines, for the closing line.
const totals = { passed: 0, failed: 0 };

/** Runs a test command and adds its runner's counts (cargo test, node --test) to totals. */
async function runTests(cmd, args, options = {}) {
  let output = "";
  try {
    await run(cmd, args, { ...options, onOutput: (text) => (output += text) });
  } finally {
    const clean = output.replace(/\x1b\[[0-9;]*m/g, "");
    for (const m of clean.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)) {
      totals.passed += Number(m[1]);
      totals.failed += Number(m[2]);
    }
    for (const m of clean.matchAll(/^ℹ (pass|fail) (\d+)$/gm)) {
      totals[m[1] === "pass" ? "passed" : "failed"] += Number(m[2]);
    }
  }
}

const color = process.stdout.isTTY ? { CARGO_TERM_COLOR: "always", FORCE_COLOR: "1" } : {};
const node = process.execPath;

const STEPS = [
  {
    name: "fmt",
    title: "cargo fmt --check",
    cargo: true,
    run: () => run("cargo", ["fmt", "--all", "--", "--check"]),
  },
  {
    name: "clippy",
    title: "cargo clippy (warnings are errors)",
    cargo: true,
    run: () => run("cargo", ["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
  },
  {
    name: "cargo-test",
    title: "cargo test --workspace",
    cargo: true,
    run: () => runTests("cargo", ["test", "--workspace"], { env: color }),
  },
  { name: "wasm", title: "build wasm package (wasm/pkg)", run: buildWasm },
  {
    name: "js",
    title: "node tests of wasm/pkg (tests/js)",
    run: () => runTests(node, ["--test", "--test-reporter=spec", path.join("tests", "js")], { env: color }),
  },
  { name: "web", title: "build playground (web-demo/dist)", run: buildWeb },
  {
    name: "e2e",
    title: "end-to-end test in Chromium (tests/e2e)",
    run: async () => {
      ensureNodeModules();
      ensureChromium();
      await runTests(node, ["--test", "--test-reporter=spec", path.join("tests", "e2e")], { env: color });
    },
  },
];

function selectSteps(argv) {
  const names = STEPS.map((s) => s.name);
  const unknown = argv.filter((a) => !names.includes(a));
  if (unknown.length) {
    console.error(`unknown step(s): ${unknown.join(", ")}; steps are: ${names.join(", ")}`);
    process.exit(2);
  }
  const skip = new Set((process.env.RULELAB_SKIP || "").split(",").map((s) => s.trim()).filter(Boolean));
  const skipCargo = ["1", "true", "yes"].includes((process.env.RULELAB_SKIP_CARGO || "").toLowerCase());
  return STEPS.map((s) => {
    let skipped = null;
    if (argv.length && !argv.includes(s.name)) skipped = "not selected";
    else if (skip.has(s.name)) skipped = "RULELAB_SKIP";
    else if (s.cargo && skipCargo) skipped = "RULELAB_SKIP_CARGO=1";
    return { ...s, skipped };
  });
}

const steps = selectSteps(process.argv.slice(2));
const report = [];
let failure = null;
const started = performance.now();

for (const s of steps) {
  if (s.skipped) {
    report.push({ title: s.title, status: "skipped", note: s.skipped });
    continue;
  }
  try {
    const seconds = await step(s.title, s.run);
    report.push({ title: s.title, status: "ok", seconds });
  } catch (error) {
    if (!(error instanceof StepError)) {
      console.error(error);
    }
    failure = { step: s, message: error.message };
    report.push({ title: s.title, status: "FAILED" });
    break;
  }
}

// ── summary ────────────────────────────────────────────────────────────────────────────
const total = (performance.now() - started) / 1000;
console.log(`\n${bold("── summary ")}${"─".repeat(61)}`);
for (const r of report) {
  const mark = r.status === "ok" ? green("✓") : r.status === "skipped" ? dim("-") : red("✗");
  const time = r.seconds !== undefined ? `${r.seconds.toFixed(1).padStart(7)} s` : "         ";
  const note = r.status === "skipped" ? dim(` (skipped: ${r.note})`) : r.status === "FAILED" ? red(" FAILED") : "";
  console.log(`${mark} ${time}  ${r.title}${note}`);
}
for (const s of steps.slice(report.length)) console.log(`${dim("-")}            ${dim(`${s.title} (not run)`)}`);
console.log(`  ${total.toFixed(1).padStart(7)} s  total`);

if (failure) {
  console.error(red(`\n✗ ${failure.step.title}: ${failure.message}`));
  console.log(`tests: ${totals.passed} passed, ${Math.max(totals.failed, 1)} failed`);
  process.exit(1);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
