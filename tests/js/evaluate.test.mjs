// evaluate(): KQL rules on events given as text or JavaScript values, Sigma rules on events,
// and the limits that stop runaway queries inside the browser.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";

import { evaluate, Workspace } from "./load.mjs";

const seed = (name) => readFileSync(new URL(`../../../shared/seeds/rules/${name}`, import.meta.url), "utf8");
const fixture = (path) => readFileSync(new URL(`../fixtures/seeds/${path}`, import.meta.url), "utf8");

describe("evaluate() on KQL", () => {
  test("rows, types and per-stage counts", () => {
    const events = [
      { Timestamp: "2025-01-01T10:00:00Z", FileName: "msiexec.exe", DeviceId: "a" },
      { Timestamp: "2025-01-01T10:01:00Z", FileName: "cmd.exe", DeviceId: "a" },
    ];
    const result = evaluate(
      'DeviceProcessEvents | where FileName =~ "MSIEXEC.EXE" | project Timestamp, DeviceId',
      events,
      { now: "2025-01-01T11:00:00Z" },
    );
    assert.equal(result.error, null);
    assert.deepEqual(result.columns, ["Timestamp", "DeviceId"]);
    assert.deepEqual(result.types, ["datetime", "string"]);
    assert.deepEqual(result.rows, [["2025-01-01T10:00:00Z", "a"]]);
    assert.deepEqual(
      result.stages.map((s) => [s.operator, s.rows_in, s.rows_out]),
      [["where", 2, 1], ["project", 1, 1]],
    );
  });

  test("seed 002 fires on its attack trace and stays quiet on the exclusions", () => {
    const rule = seed("002_msiexec_dll_network.kql");
    const now = "2025-10-01T12:00:00Z";
    assert.equal(evaluate(rule, fixture("002/fires.json"), { now }).rows.length, 2);
    const quiet = evaluate(rule, fixture("002/quiet.json"), { now });
    assert.equal(quiet.error, null);
    assert.equal(quiet.rows.length, 0);
  });

  test("limits stop runaway queries with a clear error", () => {
    const result = evaluate("range x from 1 to 1000000000000 step 1", [], { maxRows: 10000 });
    assert.match(result.error, /^row limit reached: range would produce 1000000000000 rows.*raise maxRows/);
    const join = "range i from 1 to 300 step 1 | extend k = 1 | join kind=inner (range j from 1 to 300 step 1 | extend k = 1) on k";
    assert.match(evaluate(join, [], { maxMemoryBytes: 100000 }).error, /^memory limit reached: the join would hold about .*raise maxMemoryBytes/);
    assert.equal(evaluate(join + " | count", []).error, null);
    // The time limit runs on Date.now() (wasm32 has no clock of its own).
    const slow = evaluate("range x from 1 to 3000000 step 1 | summarize count()", [], { maxRows: 5000000, maxTimeMs: 0 });
    assert.match(slow.error, /^time limit reached: .*raise maxTimeMs/);
    assert.match(evaluate('print extract(@"(\\w{1000}){50}", 1, "a")', []).error, /^regex size limit reached/);
    assert.match(evaluate("let f = (n: long) { f(n) }; print f(1)", [], { maxDepth: 5 }).error, /^recursion limit reached: more than 5/);
  });

  test("now defaults to the current time in wasm", () => {
    const result = evaluate("print now()", []);
    const now = Date.parse(result.rows[0][0]);
    assert.ok(Math.abs(now - Date.now()) < 60_000, result.rows[0][0]);
  });

  test("watchlists and externaldata read tables supplied with the events", () => {
    const events = { tables: { HighValueAssets: [{ SearchKey: "host1" }], "https://example.com/iocs.csv": [{ Ip: "10.0.0.1" }] } };
    assert.deepEqual(evaluate("_GetWatchlist('HighValueAssets') | project SearchKey", events).rows, [["host1"]]);
    assert.deepEqual(evaluate("externaldata(Ip: string) ['https://example.com/iocs.csv']", events).rows, [["10.0.0.1"]]);
    assert.match(evaluate("_GetWatchlist('Other')", events).error, /^not available offline: _GetWatchlist\('Other'\) \(supply a table named `Other`/);
  });

  test("bad events are an error, not an exception", () => {
    assert.match(evaluate("T | count", "[1, 2]").error, /not a JSON object/);
  });
});

describe("evaluate() on Sigma", () => {
  test("matches say which selections matched", () => {
    const rule = `title: Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\\\whoami.exe'
    condition: selection
level: high
`;
    const result = evaluate(rule, '{"Image": "C:\\\\Windows\\\\whoami.exe"}\n{"Image": "x"}');
    assert.equal(result.language, "sigma");
    assert.equal(result.events, 2);
    assert.deepEqual(result.matches.map((m) => [m.event, m.selections]), [[0, ["selection"]]]);
  });
});

describe("Workspace", () => {
  test("loads tables once and evaluates many queries on them", () => {
    const workspace = new Workspace({ profile: "defender" });
    const loaded = workspace.loadEvents(fixture("002/fires.json"));
    assert.deepEqual(loaded.map((t) => [t.table, t.rows, t.known]), [
      ["DeviceNetworkEvents", 2, true],
      ["DeviceProcessEvents", 2, true],
    ]);
    const count = workspace.evaluate("DeviceProcessEvents | count", { now: "2025-10-01T12:00:00Z" });
    assert.deepEqual(count.rows, [[2]]);
    const joined = workspace.evaluate(
      "DeviceNetworkEvents | join kind=inner (DeviceProcessEvents) on DeviceId | project DeviceId, RemoteIP",
      { now: "2025-10-01T12:00:00Z" },
    );
    assert.equal(joined.rows.length, 2);
    assert.throws(() => workspace.loadEvents("{oops"), /not JSON/);
    workspace.clear();
    assert.equal(workspace.evaluate("DeviceProcessEvents | count").rows[0][0], 0);
    workspace.free();
  });

  test("appendEvents loads large event sets in chunks of whole lines", () => {
    const workspace = new Workspace({ profile: "defender" });
    const lines = [];
    for (let i = 0; i < 1000; i++) {
      lines.push(JSON.stringify({ Timestamp: "2025-01-01T10:00:00Z", FileName: i % 10 === 0 ? "msiexec.exe" : "cmd.exe", ProcessId: i }));
    }
    let last = null;
    for (let start = 0; start < lines.length; start += 300) {
      last = workspace.appendEvents(lines.slice(start, start + 300).join("\n") + "\n", "DeviceProcessEvents");
    }
    assert.deepEqual(last.map((t) => [t.table, t.rows, t.known]), [["DeviceProcessEvents", 1000, true]]);
    const result = workspace.evaluate('DeviceProcessEvents | where FileName == "msiexec.exe" | summarize n = count(), total = sum(ProcessId)');
    assert.equal(result.error, null);
    assert.deepEqual(result.rows, [[100, 49500]]);
    // Another table, routed by `$table`; a malformed chunk throws and appends nothing.
    workspace.appendEvents('{"$table": "Custom", "x": 1}\n', "DeviceProcessEvents");
    assert.throws(() => workspace.appendEvents('{"FileName": "a.exe"}\n{oops\n', "DeviceProcessEvents"), /not JSON/);
    assert.deepEqual(workspace.evaluate("union DeviceProcessEvents, Custom | count").rows, [[1001]]);
    workspace.free();
  });
});
