// Hostile input in WebAssembly (its stack is far smaller than a native thread's) and the
// lint() / rules() exports.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { lint, parse, rules } from "./load.mjs";

const codes = (result) => result.diagnostics.map((d) => d.code);

describe("deep nesting ends in a diagnostic, not a crashed module", () => {
  test("10,000 nested parentheses", () => {
    const text = `print ${"(".repeat(10_000)}1${")".repeat(10_000)}`;
    assert.ok(codes(parse(text, { language: "kql" })).includes("KQL105"));
  });

  test("deep dynamic arrays and calls", () => {
    assert.ok(codes(parse(`print dynamic(${"[".repeat(5_000)}1${"]".repeat(5_000)})`)).includes("KQL105"));
    assert.ok(codes(parse(`print ${"f(".repeat(5_000)}x${")".repeat(5_000)}`)).includes("KQL105"));
  });

  test("long operator chains", () => {
    assert.ok(codes(parse(`T | where ${Array(100_000).fill("a").join(" + ")}`)).includes("KQL105"));
    assert.ok(codes(parse(`print ${"-".repeat(50_000)}1`)).includes("KQL105"));
    const ors = Array.from({ length: 20_000 }, (_, i) => `Url == "ioc${i}.example"`).join(" or ");
    assert.equal(parse(`T | where ${ors}`).ok, true, "long and/or chains are flat, not deep");
  });

  test("the module still works afterwards", () => {
    assert.equal(parse("T | take 1").ok, true);
  });
});

describe("lint()", () => {
  test("reports rule findings with fixes beside syntax diagnostics", () => {
    const text = 'DeviceProcessEvents\n| where FileName == "msiexec.exe"\n| join (DeviceNetworkEvents) on DeviceId';
    const result = lint(text);
    assert.equal(result.language, "kql");
    const found = codes(result);
    assert.ok(found.includes("KQL312"), found.join(","));
    assert.ok(found.includes("KQL302"), found.join(","));
    const join = result.diagnostics.find((d) => d.code === "KQL302");
    assert.equal(join.range.start.line, 2);
    assert.ok(join.fixes.some((f) => f.is_safe && f.edits[0].text.includes("kind=innerunique")));
  });

  test("config disables rules and suppression comments silence them", () => {
    const text = 'T\n| join (U) on Id';
    assert.ok(!codes(lint(text, { config: { disable: ["join-without-kind"] } })).includes("KQL302"));
    assert.equal(lint(text, { config: { severity: { KQL302: "error" } } }).diagnostics.find((d) => d.code === "KQL302").severity, "error");
    assert.ok(!codes(lint(`// rulelab-disable-next-line KQL302\n${text.replace("\n", " ")}`)).includes("KQL302"));
  });

  test("rules() lists the registry", () => {
    const list = rules();
    assert.ok(list.length >= 10);
    for (const rule of list) {
      assert.match(rule.code, /^(KQL|SIG)3\d\d$/);
      assert.ok(rule.slug && rule.summary && rule.category && rule.fix);
    }
  });
});
