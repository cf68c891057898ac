// Example rules for the picker: the seed rules of the project, exactly as users pasted them.
import msiexecDllNetwork from "./002_msiexec_dll_network.kql?raw";
import msiOdbcDcom from "./000_msi_odbc_dcom.kql?raw";
import dcomLateralMovement from "./001_dcom_lateral_movement.yaml?raw";
import dcomServerChild from "./003_dcom_server_child_process.kql?raw";
import dcomMmc20 from "./004_dcom_mmc20_powershell.yml?raw";

export interface Example {
  id: string;
  title: string;
  /** What the file is, for the picker label. */
  kind: "KQL" | "Sentinel YAML" | "Sigma";
  text: string;
}

/** The first one is preloaded. */
export const EXAMPLES: Example[] = [
  { id: "002", title: "msiexec DLL with network activity", kind: "KQL", text: msiexecDllNetwork },
  { id: "000", title: "MSI ODBC driver installer over DCOM", kind: "KQL", text: msiOdbcDcom },
  { id: "001", title: "DCOM lateral movement", kind: "Sentinel YAML", text: dcomLateralMovement },
  { id: "003", title: "DCOM server child process", kind: "KQL", text: dcomServerChild },
  { id: "004", title: "DCOM lateral movement via MMC20", kind: "Sigma", text: dcomMmc20 },
];
