// SigmaRuleSet: a rule library compiled once, evaluated on loaded events (the `rulelab eval
// --rule DIR` path in the package).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import rulelab from "./load.mjs";

const whoami = `title: Whoami
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
level: high
`;

const registry = `title: Run key
id: 1b4bd7e5-0c93-4a1e-9b0e-1b7c3d2f2a11
logsource:
    category: registry_set
    product: windows
detection:
    selection:
        TargetObject|contains: '\\CurrentVersion\\Run\\'
    condition: selection
`;

const sysmon = { Channel: "Microsoft-Windows-Sysmon/Operational" };
const events = [
  { ...sysmon, EventID: 1, Image: "C:\\Windows\\System32\\whoami.exe" },
  { ...sysmon, EventID: 13, Image: "C:\\Windows\\System32\\whoami.exe", TargetObject: "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\x" },
]
  .map((e) => JSON.stringify(e))
  .join("\n");

describe("SigmaRuleSet", () => {
  test("compiles several rules once and routes events by logsource", () => {
    const set = new rulelab.SigmaRuleSet([
      { path: "whoami.yml", text: whoami },
      { path: "run.yml", text: registry },
    ]);
    assert.equal(set.ruleCount, 2);
    assert.deepEqual(set.diagnostics().filter((d) => d.severity === "error"), []);
    assert.equal(set.loadEvents(events), 2);
    const routed = set.evaluate({ explain: false });
    assert.deepEqual(
      routed.matches.map((m) => [m.event, m.rule]),
      [
        [0, "929a690e-bef0-4204-a928-ef5e620d6fcc"],
        [1, "1b4bd7e5-0c93-4a1e-9b0e-1b7c3d2f2a11"],
      ],
    );
    // Without routing the process_creation rule also sees the registry event.
    const everything = set.evaluate({ routeByLogsource: false, explain: false });
    assert.equal(everything.matches.length, 3);
    set.free();
  });

  test("malformed input is an Error, not a crash", () => {
    assert.throws(() => new rulelab.SigmaRuleSet("not an array"), /SigmaRuleSet/);
    const set = new rulelab.SigmaRuleSet([{ text: whoami }]);
    assert.throws(() => set.loadEvents("{not json"), /invalid JSON/);
    assert.equal(set.loadEvents("[]"), 0);
    assert.equal(set.evaluate().matches.length, 0);
  });
});
