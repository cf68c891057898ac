// Shared setup and build steps for `npm start` and `npm test`.
//
// Everything here works on a fresh machine that has only rustup/cargo, node and npm: missing
// tools (the wasm32 target, wasm-pack, node_modules, Chromium) are installed on first use.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { gzipSync } from "node:zlib";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WASM_PKG = path.join(ROOT, "wasm", "pkg");
export const WEB_DIST = path.join(ROOT, "web-demo", "dist");
export const CHROMIUM = "/usr/bin/chromium";

const useColor = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = paint("1");
export const dim = paint("2");
export const green = paint("32");
export const red = paint("31");
export const cyan = paint("36");

// cargo installs binaries here; make them visible to the commands we spawn even when the
// user's shell profile has not been sourced (fresh machine, CI).
const cargoBin = path.join(process.env.CARGO_HOME || path.join(homedir(), ".cargo"), "bin");
if (!(process.env.PATH || "").split(path.delimiter).includes(cargoBin)) {
  process.env.PATH = `${cargoBin}${path.delimiter}${process.env.PATH || ""}`;
}

export class StepError extends Error {}

/** Prints one command line, the way a person would type it. */
function show(cmd, args) {
  const quoted = args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)));
  console.log(dim(`$ ${[cmd, ...quoted].join(" ")}`));
}

/**
 * Runs a command with inherited output; throws StepError when it fails.
 * `onOutput` (optional) additionally receives every chunk of stdout/stderr as text, in which
 * case the output is piped through this process instead of inherited.
 */
export function run(cmd, args = [], { cwd = ROOT, env, onOutput, quiet = false } = {}) {
  if (!quiet) show(cmd, args);
  const options = {
    cwd,
    env: env ? { ...process.env, ...env } : process.env,
    stdio: onOutput ? ["inherit", "pipe", "pipe"] : "inherit",
    maxBuffer: 1 << 30,
  };
  if (!onOutput) {
    const result = spawnSync(cmd, args, options);
    check(cmd, result);
    return result;
  }
  return runPiped(cmd, args, options, onOutput);
}

function check(cmd, result) {
  if (result.error) {
    throw new StepError(`${cmd}: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const why = result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
    throw new StepError(`${cmd} failed (${why})`);
  }
}

// A piped run that streams output as it comes (spawnSync would hold it until the end).
function runPiped(cmd, args, options, onOutput) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, options);
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      onOutput(chunk.toString("utf8"));
    });
    child.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      onOutput(chunk.toString("utf8"));
    });
    child.on("error", (error) => reject(new StepError(`${cmd}: ${error.message}`)));
    child.on("close", (status, signal) => {
      try {
        check(cmd, { status, signal });
        resolve({ status });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Runs a command quietly and returns its stdout, or null when it cannot run. */
export function capture(cmd, args = [], { cwd = ROOT } = {}) {
  const result = spawnSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.error || result.status !== 0) return null;
  return result.stdout;
}

/** Prints a step header, runs `fn`, prints how long it took, and returns the seconds. */
export async function step(title, fn) {
  const line = "─".repeat(Math.max(8, 72 - title.length));
  console.log(`\n${bold(cyan(`── ${title} `))}${cyan(line)}`);
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  console.log(green(`✓ ${title} (${seconds.toFixed(1)} s)`));
  return seconds;
}

// ── toolchain ──────────────────────────────────────────────────────────────────────────

/** Adds the wasm32-unknown-unknown target to the active toolchain when it is missing. */
export function ensureWasmTarget() {
  const installed = capture("rustup", ["target", "list", "--installed"]);
  if (installed === null) {
    throw new StepError("rustup not found: install Rust with rustup (https://rustup.rs)");
  }
  if (!installed.split(/\s+/).includes("wasm32-unknown-unknown")) {
    run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
  }
}

/** Installs wasm-pack with cargo when it is not on PATH. */
export function ensureWasmPack() {
  if (capture("wasm-pack", ["--version"]) === null) {
    console.log("wasm-pack is missing; installing it with cargo (a few minutes, once)");
    run("cargo", ["install", "--locked", "wasm-pack"]);
  }
}

/**
 * Installs node_modules when missing or older than package-lock.json. CI (CI=true, fresh
 * clone) gets the exact lockfile through `npm ci`.
 */
export function ensureNodeModules() {
  const lock = path.join(ROOT, "package-lock.json");
  const marker = path.join(ROOT, "node_modules", ".package-lock.json");
  const fresh =
    existsSync(marker) && existsSync(lock) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  const ci = process.env.CI && process.env.CI !== "false" && existsSync(lock);
  run("npm", [ci ? "ci" : "install", "--no-audit", "--no-fund"]);
}

/** Installs Debian's Chromium when /usr/bin/chromium is absent (needs root, as on CI). */
export function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log("Chromium is missing; installing Debian's chromium package");
  // As root (CI, this machine) apt-get runs directly; elsewhere through sudo.
  const root = !process.getuid || process.getuid() === 0;
  const apt = (args) =>
    root ? run("apt-get", args, { env: APT_ENV }) : run("sudo", ["apt-get", ...args], { env: APT_ENV });
  apt(["update", "-q"]);
  apt(["install", "-y", "-q", "--no-install-recommends", "chromium"]);
  if (!existsSync(CHROMIUM)) {
    throw new StepError(`apt-get installed chromium but ${CHROMIUM} is missing`);
  }
}

const APT_ENV = { DEBIAN_FRONTEND: "noninteractive" };

// ── builds ─────────────────────────────────────────────────────────────────────────────

// Features the Rust wasm32 target emits by default; wasm-opt must accept them.
const WASM_FEATURES = [
  "--enable-bulk-memory",
  "--enable-nontrapping-float-to-int",
  "--enable-reference-types",
  "--enable-multivalue",
  "--enable-sign-ext",
  "--enable-mutable-globals",
];

const WASM_PACK_ARGS = [
  "--log-level",
  "warn",
  "build",
  "wasm",
  "--release",
  "--target",
  "web",
  "--out-dir",
  "pkg",
  "--out-name",
  "rulelab",
  "--no-pack",
];

/**
 * The workspace release profile is tuned for the native CLI. For the download-size-bound
 * wasm module, whole-program LTO in one codegen unit at opt-level "s" makes it about 25%
 * smaller (measured after wasm-opt -Oz: 764 -> 582 KiB, 241 -> 196 KiB gzipped) at the same
 * parse speed. Host build scripts and proc-macros use the build-override profile and are
 * unaffected. A CARGO_PROFILE_RELEASE_* variable already set by the caller wins.
 */
function wasmProfileEnv() {
  const env = {};
  const defaults = { LTO: "fat", CODEGEN_UNITS: "1", OPT_LEVEL: "s" };
  for (const [key, value] of Object.entries(defaults)) {
    const name = `CARGO_PROFILE_RELEASE_${key}`;
    if (!process.env[name]) env[name] = value;
  }
  return env;
}

/**
 * Builds the npm package `rulelab` into wasm/pkg: wasm-pack (web target), then wasm-opt
 * from the `binaryen` npm package (wasm-pack's own download of binaryen cannot work offline,
 * so wasm/Cargo.toml turns it off). RULELAB_WASM_OPT picks the level (default -Oz; `off`
 * skips it).
 */
export function buildWasm() {
  ensureWasmTarget();
  ensureWasmPack();
  ensureNodeModules();
  run("wasm-pack", WASM_PACK_ARGS, { env: wasmProfileEnv() });
  const wasm = path.join(WASM_PKG, "rulelab_bg.wasm");
  const before = readFileSync(wasm);
  const level = process.env.RULELAB_WASM_OPT || "-Oz";
  if (level !== "off") optimize(wasm, before, level);
  writePackageJson();
  const after = readFileSync(wasm);
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(
    `wasm/pkg/rulelab_bg.wasm: ${kb(after.length)} (${kb(gzipSync(after, { level: 9 }).length)} gzipped)` +
      (level !== "off" ? dim(`, ${kb(before.length)} before wasm-opt ${level}`) : ""),
  );
}

/**
 * Runs wasm-opt in place. binaryen's npm build is itself WebAssembly and takes several
 * seconds, so the result is kept in target/wasm-opt/ and reused while wasm-pack's output
 * and the flags stay the same (a rebuild with no Rust change is then instant).
 */
function optimize(wasm, input, level) {
  const flags = [level, ...WASM_FEATURES, "--strip-debug", "--strip-producers"];
  const key = createHash("sha256").update(input).update(flags.join(" ")).digest("hex").slice(0, 24);
  const cacheDir = path.join(ROOT, "target", "wasm-opt");
  const cached = path.join(cacheDir, `${key}.wasm`);
  if (existsSync(cached)) {
    copyFileSync(cached, wasm);
    console.log(dim(`wasm-opt ${level}: unchanged input, reused target/wasm-opt/${key}.wasm`));
    return;
  }
  run(path.join(ROOT, "node_modules", ".bin", "wasm-opt"), [...flags, wasm, "-o", wasm]);
  mkdirSync(cacheDir, { recursive: true });
  for (const old of readdirSync(cacheDir)) rmSync(path.join(cacheDir, old), { force: true });
  copyFileSync(wasm, cached);
}

/** wasm-pack names the package after the crate; the npm package is `rulelab`. */
function writePackageJson() {
  const cargo = readFileSync(path.join(ROOT, "Cargo.toml"), "utf8");
  const version = /\[workspace\.package\][^[]*?\bversion\s*=\s*"([^"]+)"/s.exec(cargo)?.[1] ?? "0.0.0";
  const files = readdirSync(WASM_PKG).filter((f) => /\.(js|wasm|d\.ts)$/.test(f));
  const pkg = {
    name: "rulelab",
    version,
    description: "Parse, lint, explain and evaluate KQL and Sigma detection rules (WebAssembly)",
    license: "MIT",
    repository: { type: "git", url: "https://github.com/rulelab/rulelab" },
    type: "module",
    main: "rulelab.js",
    types: "rulelab.d.ts",
    exports: {
      ".": { types: "./rulelab.d.ts", default: "./rulelab.js" },
      "./rulelab_bg.wasm": "./rulelab_bg.wasm",
      "./package.json": "./package.json",
    },
    files: files.sort(),
    sideEffects: ["./snippets/*"],
    keywords: ["kql", "kusto", "sigma", "detection", "siem", "lint", "wasm"],
  };
  writeFileSync(path.join(WASM_PKG, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [from, to] of [
    [path.join(ROOT, "LICENSE"), "LICENSE"],
    [path.join(ROOT, "wasm", "README.md"), "README.md"],
  ]) {
    if (existsSync(from)) writeFileSync(path.join(WASM_PKG, to), readFileSync(from));
  }
}

/** Type-checks and builds the playground into web-demo/dist. */
export function buildWeb() {
  ensureNodeModules();
  if (!existsSync(path.join(WASM_PKG, "rulelab.js"))) {
    throw new StepError("wasm/pkg is missing: build the wasm package first");
  }
  run("npm", ["run", "--silent", "build", "--workspace", "web-demo"]);
}

/** True when the module with this `import.meta.url` is the script node was started with. */
export function isMain(metaUrl) {
  return Boolean(process.argv[1]) && path.resolve(process.argv[1]) === fileURLToPath(metaUrl);
}
