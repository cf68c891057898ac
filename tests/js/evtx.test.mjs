// evtxToEvents: Windows event logs (.evtx) read in WebAssembly, the same conversion as
// `rulelab eval --events FILE.evtx`. cli/tests/fixtures/evtx/sysmon.ndjson holds the events the
// CLI sees in sysmon.evtx (checked in cli/tests/eval.rs); the package must yield the same.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import rulelab, { ROOT } from "./load.mjs";

const FIXTURES = path.join(ROOT, "cli", "tests", "fixtures", "evtx");
const evtx = readFileSync(path.join(FIXTURES, "sysmon.evtx"));
const expected = readFileSync(path.join(FIXTURES, "sysmon.ndjson"), "utf8")
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line));

// The rule of the CLI's evtx tests: it matches the certutil download, record 0.
const certutil = `title: Certutil download
id: 19b08b1c-861d-4e75-a1ef-ea0c1baf202b
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        OriginalFileName: CertUtil.exe
        CommandLine|contains: urlcache
        Provider_Name: Microsoft-Windows-Sysmon
        Computer: ws01.corp.local
    condition: selection
level: high
`;

describe("evtxToEvents", () => {
  test("yields the events the CLI reads from the same file, fields in file order", () => {
    const result = rulelab.evtxToEvents(new Uint8Array(evtx));
    assert.deepEqual(result.events, expected);
    assert.deepEqual(Object.keys(result.events[0]), Object.keys(expected[0]));
    assert.equal(result.unreadable, 0);
    assert.equal(result.truncated, false);
  });

  test("takes an ArrayBuffer and stops at maxRecords", () => {
    const buffer = evtx.buffer.slice(evtx.byteOffset, evtx.byteOffset + evtx.byteLength);
    const result = rulelab.evtxToEvents(buffer, { maxRecords: 2 });
    assert.deepEqual(result.events, expected.slice(0, 2));
    assert.equal(result.truncated, true);
  });

  test("the events evaluate like the CLI's: the certutil rule matches record 0", () => {
    const { events } = rulelab.evtxToEvents(evtx);
    const result = rulelab.evaluate(certutil, events);
    assert.equal(result.language, "sigma");
    assert.equal(result.events, 3);
    assert.deepEqual(
      result.matches.map((m) => [m.event, m.rule]),
      [[0, "19b08b1c-861d-4e75-a1ef-ea0c1baf202b"]],
    );
  });

  test("SigmaRuleSet.loadEvtx loads the records for a rule library", () => {
    const set = new rulelab.SigmaRuleSet([{ path: "certutil.yml", text: certutil }]);
    assert.deepEqual(set.loadEvtx(evtx), { events: 3, unreadable: 0, truncated: false });
    const result = set.evaluate({ explain: false });
    assert.equal(result.events, 3);
    assert.deepEqual(result.matches.map((m) => m.event), [0]);
    set.free();
  });

  test("bytes that are not an event log throw an Error; the module keeps working", () => {
    assert.throws(() => rulelab.evtxToEvents(new TextEncoder().encode('[{"EventID": 1}]')), {
      name: "Error",
      message: /not a readable EVTX file/,
    });
    assert.throws(() => rulelab.evtxToEvents(new Uint8Array(0)), /not a readable EVTX file/);
    // A damaged copy: an error or skipped records, never a trap that kills the module.
    for (const end of [64, 4096, 5000, evtx.length - 100]) {
      try {
        rulelab.evtxToEvents(evtx.subarray(0, end));
      } catch (error) {
        assert.ok(error instanceof Error, String(error));
      }
    }
    assert.throws(() => rulelab.evtxToEvents("ElfFile"), { name: "TypeError" });
    assert.throws(() => rulelab.evtxToEvents(new Uint8Array(evtx), { maxRecords: "x" }), /invalid evtx options/);
    assert.equal(rulelab.evtxToEvents(evtx).events.length, 3);
  });
});
