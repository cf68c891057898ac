// Loads the built npm package (wasm/pkg, `--target web`) in Node: the web build takes the
// wasm bytes through initSync, so one build serves both the browser and these tests.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PKG = path.join(ROOT, "wasm", "pkg");

if (!existsSync(path.join(PKG, "rulelab.js"))) {
  throw new Error(`${PKG}/rulelab.js not found: build the package first (npm test builds it; or npm run build)`);
}

const rulelab = await import(pathToFileURL(path.join(PKG, "rulelab.js")).href);
rulelab.initSync({ module: readFileSync(path.join(PKG, "rulelab_bg.wasm")) });

export default rulelab;
export const { parse, lint, evaluate, rules, version, Workspace } = rulelab;
export const packageJson = JSON.parse(readFileSync(path.join(PKG, "package.json"), "utf8"));
