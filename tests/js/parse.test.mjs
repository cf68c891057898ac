// parse() of the npm package `rulelab` (wasm/pkg), as a JavaScript caller sees it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { PKG, ROOT, packageJson, parse, version } from "./load.mjs";

const byteLength = (text) => Buffer.byteLength(text, "utf8");

/** The UTF-16 offset of an LSP position (lines split on \n, as the core counts them). */
function utf16Offset(text, { line, character }) {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return offset + character;
}

/** Shape and position invariants every parse result must satisfy. */
function assertWellFormed(text, result) {
  assert.equal(typeof result, "object");
  assert.equal(Object.getPrototypeOf(result), Object.prototype, "a plain object, not a Map");
  assert.ok(["kql", "sigma"].includes(result.language), `language ${result.language}`);
  assert.equal(typeof result.ok, "boolean");
  assert.ok(Array.isArray(result.diagnostics));
  assert.equal(result.ok, !result.diagnostics.some((d) => d.severity === "error"));
  const bytes = byteLength(text);
  for (const d of result.diagnostics) {
    assert.match(d.code, /^(KQL|SIG)\d{3}$/);
    assert.equal(typeof d.id, "string");
    assert.ok(["error", "warning", "info", "hint"].includes(d.severity), d.severity);
    assert.equal(typeof d.message, "string");
    assert.ok(d.span.start <= d.span.end && d.span.end <= bytes, `span ${JSON.stringify(d.span)} in ${bytes} bytes`);
    for (const end of ["start", "end"]) {
      const position = d.range[end];
      assert.ok(Number.isInteger(position.line) && Number.isInteger(position.character));
    }
  }
}

describe("package", () => {
  test("is named rulelab and types parse()", () => {
    assert.equal(packageJson.name, "rulelab");
    const dts = readFileSync(path.join(PKG, packageJson.types), "utf8");
    assert.match(dts, /export function parse\(text: string, opts\?: ParseOptions \| null\): ParseResult;/);
    for (const name of ["Diagnostic", "ParseOptions", "ParseResult"]) {
      assert.match(dts, new RegExp(`export interface ${name} \\{`));
    }
    assert.match(dts, /export function version\(\): string;/);
  });

  test("version() is the package version", () => {
    assert.match(version(), /^\d+\.\d+\.\d+/);
    assert.equal(version(), packageJson.version);
  });
});

describe("parse", () => {
  test("a clean query is ok", () => {
    const text = 'DeviceProcessEvents\n| where FileName =~ "cmd.exe" and ProcessCommandLine has "whoami"\n| take 10';
    const result = parse(text, { language: "auto" });
    assertWellFormed(text, result);
    assert.deepEqual(result, { language: "kql", ok: true, diagnostics: [] });
  });

  test("the playground's preloaded seed rule has no errors", () => {
    const text = readFileSync(path.join(ROOT, "web-demo", "src", "examples", "002_msiexec_dll_network.kql"), "utf8");
    const result = parse(text, { language: "auto" });
    assertWellFormed(text, result);
    assert.equal(result.language, "kql");
    assert.deepEqual(result.diagnostics.filter((d) => d.severity === "error"), []);
    assert.equal(result.ok, true);
  });

  test("an unterminated string is a KQL102 error", () => {
    const text = "T | where a == 'x";
    const result = parse(text);
    assertWellFormed(text, result);
    assert.equal(result.ok, false);
    const d = result.diagnostics.find((d) => d.code === "KQL102");
    assert.ok(d, JSON.stringify(result.diagnostics));
    assert.equal(d.severity, "error");
    assert.equal(d.span.start, text.indexOf("'"));
    assert.deepEqual(d.range.start, { line: 0, character: text.indexOf("'") });
    assert.ok(d.message.length > 0);
  });

  test("an invalid character is a KQL103 error", () => {
    const text = "T | where a == 1 # 2";
    const result = parse(text, { language: "kql" });
    assertWellFormed(text, result);
    const d = result.diagnostics.find((d) => d.code === "KQL103");
    assert.ok(d, JSON.stringify(result.diagnostics));
    assert.equal(d.severity, "error");
    assert.deepEqual(d.span, { start: text.indexOf("#"), end: text.indexOf("#") + 1 });
  });

  test("ranges count UTF-16 code units, spans count UTF-8 bytes", () => {
    // é: 2 bytes, 1 UTF-16 unit; 😀: 4 bytes, 2 UTF-16 units.
    for (const [text, line] of [
      ["print 'é' , \"x", 0],
      ["print '😀', \"x", 0],
      ["print 'ü😀'\n| extend s = 'é', t = \"x", 1],
    ]) {
      const result = parse(text, { language: "kql" });
      assertWellFormed(text, result);
      const d = result.diagnostics.find((d) => d.code === "KQL102");
      assert.ok(d, `${text}: ${JSON.stringify(result.diagnostics)}`);
      const quote = text.lastIndexOf('"');
      assert.equal(d.span.start, byteLength(text.slice(0, quote)), "span.start is a byte offset");
      assert.equal(d.range.start.line, line);
      const lineStart = text.lastIndexOf("\n", quote) + 1;
      assert.equal(d.range.start.character, quote - lineStart, "range.start.character is UTF-16");
      assert.equal(utf16Offset(text, d.range.start), quote);
    }
    // The case from the brief, spelled out.
    const d = parse("print 'é' , \"x").diagnostics.find((d) => d.code === "KQL102");
    assert.deepEqual([d.span.start, d.range.start.character], [13, 12]);
  });

  test("options are optional and checked", () => {
    const text = "T | take 1";
    const expected = parse(text);
    for (const opts of [undefined, null, {}, { language: "auto" }, { language: "kql", path: "rule.kql" }, { path: null }]) {
      assert.deepEqual(parse(text, opts), expected, JSON.stringify(opts));
    }
    assert.throws(() => parse(text, { language: "cobol" }), (e) => e instanceof Error && /language|variant/.test(e.message));
    assert.throws(() => parse(text, "kql"), Error);
    assert.throws(() => parse(42), TypeError);
    assert.throws(() => parse(undefined), TypeError);
    // The module is still usable after throwing.
    assert.deepEqual(parse(text), expected);
  });

  test("results are plain JSON-compatible objects", () => {
    const text = "T | where a == 'x";
    const result = parse(text);
    assert.deepEqual(JSON.parse(JSON.stringify(result)), result);
    const d = result.diagnostics[0];
    assert.equal(Object.getPrototypeOf(d), Object.prototype);
    assert.equal(Object.getPrototypeOf(d.range.start), Object.prototype);
    assert.ok(!("fixes" in d) || Array.isArray(d.fixes));
  });
});

describe("robustness", () => {
  // A small deterministic PRNG, so a failure reproduces.
  function rng(seed) {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  test("random bytes never throw", () => {
    const random = rng(20251124);
    const decoder = new TextDecoder("utf-8");
    for (let i = 0; i < 300; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 600));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      const text = decoder.decode(bytes);
      assertWellFormed(text, parse(text));
    }
  });

  test("random KQL-ish fragments and lone surrogates never throw", () => {
    const random = rng(7);
    const pieces = ["T", " | ", "where", " x ", "==", "'", '"', "@'", "(", ")", "[", "]", "{", "}", ",", ";", "\n", "//", "let", "=", "1", "1.5e3", "2d", "é", "😀", "\ud800", "\udc00", "\r\n", "\t", "#", "`", "$left.", "has_any", "dynamic(", "\u0000"];
    for (let i = 0; i < 500; i++) {
      let text = "";
      const n = Math.floor(random() * 60);
      for (let j = 0; j < n; j++) text += pieces[Math.floor(random() * pieces.length)];
      const result = parse(text, { language: random() < 0.5 ? "auto" : "kql" });
      assertWellFormed(text.toWellFormed ? text.toWellFormed() : text, result);
    }
  });

  test("a 5 MB rule does not throw", { timeout: 120_000 }, () => {
    const line = "DeviceProcessEvents | where FileName == 'cmd.exe' and ProcessCommandLine has \"whoami\"\n";
    const big = line.repeat(Math.ceil((5 * 1024 * 1024) / line.length));
    assert.ok(big.length >= 5 * 1024 * 1024);
    assertWellFormed(big, parse(big));

    const random = rng(5);
    const alphabet = "abcXYZ019 _|=!<>()'\"\n.,-é";
    const chars = new Array(5 * 1024 * 1024);
    for (let i = 0; i < chars.length; i++) chars[i] = alphabet[Math.floor(random() * alphabet.length)];
    const noise = chars.join("");
    assertWellFormed(noise, parse(noise));
  });
});
