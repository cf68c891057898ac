// Example rules for the picker: the seed rules of the project, exactly as users pasted them.
import msiexecDllNetwork from "./002_msiexec_dll_network.kql?raw";
import msiOdbcDcom from "./000_msi_odbc_dcom.kql?raw";
import dcomLateralMovement from "./001_dcom_lateral_movement.yaml?raw";
import dcomServerChild from "./003_dcom_server_child_process.kql?raw";
import dcomMmc20 from "./004_dcom_mmc20_powershell.yml?raw";

// Hand-made sample events for each seed (the same files the seed evaluation tests use):
// an attack trace that fires and a quiet set where every exclusion of the rule is exercised.
import events000Fires from "../../../tests/fixtures/seeds/000/fires.json?raw";
import events000Quiet from "../../../tests/fixtures/seeds/000/quiet.json?raw";
import events001Fires from "../../../tests/fixtures/seeds/001/fires.json?raw";
import events001Quiet from "../../../tests/fixtures/seeds/001/quiet.json?raw";
import events002Fires from "../../../tests/fixtures/seeds/002/fires.json?raw";
import events002Quiet from "../../../tests/fixtures/seeds/002/quiet.json?raw";
import events003Fires from "../../../tests/fixtures/seeds/003/fires.json?raw";
import events003Quiet from "../../../tests/fixtures/seeds/003/quiet.json?raw";
import events004 from "../../../tests/fixtures/seeds/004/events.jsonl?raw";

export interface EventSet {
  name: string;
  text: string;
}

export interface Example {
  id: string;
  title: string;
  /** What the file is, for the picker label. */
  kind: "KQL" | "Sentinel YAML" | "Sigma";
  text: string;
  events: EventSet[];
  /** The instant the sample events are dated against (`ago()` counts from it). */
  now: string;
}

/** The seed events are dated relative to this instant. */
const SEED_NOW = "2025-10-01T12:00:00Z";

const sets = (fires: string, quiet: string): EventSet[] => [
  { name: "attack trace (fires)", text: fires },
  { name: "exclusions (quiet)", text: quiet },
];

/** The first one is preloaded. */
export const EXAMPLES: Example[] = [
  {
    id: "002",
    title: "msiexec DLL with network activity",
    kind: "KQL",
    text: msiexecDllNetwork,
    events: sets(events002Fires, events002Quiet),
    now: SEED_NOW,
  },
  {
    id: "000",
    title: "MSI ODBC driver installer over DCOM",
    kind: "KQL",
    text: msiOdbcDcom,
    events: sets(events000Fires, events000Quiet),
    now: SEED_NOW,
  },
  {
    id: "001",
    title: "DCOM lateral movement",
    kind: "Sentinel YAML",
    text: dcomLateralMovement,
    events: sets(events001Fires, events001Quiet),
    now: SEED_NOW,
  },
  {
    id: "003",
    title: "DCOM server child process",
    kind: "KQL",
    text: dcomServerChild,
    events: sets(events003Fires, events003Quiet),
    now: SEED_NOW,
  },
  {
    id: "004",
    title: "DCOM lateral movement via MMC20",
    kind: "Sigma",
    text: dcomMmc20,
    events: [{ name: "PowerShell events (some fire)", text: events004 }],
    now: SEED_NOW,
  },
];
