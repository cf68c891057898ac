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
    assert.match(result.error, /row limit/);
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
});
