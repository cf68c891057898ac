import "./style.css";

import { minimalSetup } from "codemirror";
import { indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { Compartment, EditorState } from "@codemirror/state";
import {
  EditorView,
  crosshairCursor,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  rectangularSelection,
} from "@codemirror/view";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import init, {
  evaluate,
  evtxToEvents,
  lint,
  version,
  type Diagnostic,
  type KqlEvaluation,
  type LintResult,
  type SigmaEvaluation,
} from "rulelab";

import { toCodeMirror, toRange } from "./diagnostics";
import { EXAMPLES, type Example } from "./examples";
import { kqlLanguage, looksLikeYaml, yamlLanguage } from "./highlight";

/** How long typing must pause before the rule is parsed again. */
const DEBOUNCE_MS = 150;

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing from index.html`);
  return element as T;
};

const ui = {
  editor: $<HTMLDivElement>("editor"),
  example: $<HTMLSelectElement>("example"),
  version: $<HTMLSpanElement>("version"),
  status: $<HTMLDivElement>("status"),
  statusText: $<HTMLSpanElement>("status-text"),
  language: $<HTMLElement>("language"),
  timing: $<HTMLSpanElement>("timing"),
  diagnostics: $<HTMLUListElement>("diagnostics"),
  noDiagnostics: $<HTMLParagraphElement>("no-diagnostics"),
  eventSet: $<HTMLSelectElement>("event-set"),
  events: $<HTMLTextAreaElement>("events"),
  eventsFile: $<HTMLInputElement>("events-file"),
  eventsStatus: $<HTMLParagraphElement>("events-status"),
  now: $<HTMLInputElement>("now"),
  resultSummary: $<HTMLSpanElement>("result-summary"),
  resultError: $<HTMLParagraphElement>("result-error"),
  stages: $<HTMLOListElement>("stages"),
  resultTable: $<HTMLTableElement>("result-table"),
};

// ── editor ───────────────────────────────────────────────────────────────────────────────

const highlighting = new Compartment();
const highlighterFor = (text: string) => (looksLikeYaml(text) ? yamlLanguage : kqlLanguage);

let timer: ReturnType<typeof setTimeout> | undefined;
let ready = false;

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(analyze, DEBOUNCE_MS);
}

const initial = EXAMPLES[0];
const view = new EditorView({
  parent: ui.editor,
  state: EditorState.create({
    doc: initial.text,
    // minimalSetup (history, selection drawing, default colours and keys) plus the editor
    // comforts of basicSetup, without auto-closed quotes and brackets: in a rule editor
    // they get in the way of pasting and fixing strings.
    extensions: [
      minimalSetup,
      lineNumbers(),
      highlightActiveLineGutter(),
      indentOnInput(),
      bracketMatching(),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      highlighting.of(highlighterFor(initial.text)),
      lintGutter(),
      keymap.of([...searchKeymap, indentWithTab]),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": "Rule text", spellcheck: "false" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && ready) schedule();
      }),
    ],
  }),
});

// ── analysis ─────────────────────────────────────────────────────────────────────────────

function analyze(): void {
  const text = view.state.doc.toString();
  let result: LintResult;
  const started = performance.now();
  try {
    // lint() = syntax diagnostics + every lint rule's findings.
    result = lint(text, { language: "auto" });
  } catch (error) {
    showFailure(`The parser failed: ${String(error)}`);
    return;
  }
  const elapsed = performance.now() - started;

  const doc = view.state.doc;
  view.dispatch(setDiagnostics(view.state, result.diagnostics.map((d) => toCodeMirror(doc, d))));
  // Keep the colouring in step with what the text looks like.
  const wanted = highlighterFor(text);
  if (highlighting.get(view.state) !== wanted) view.dispatch({ effects: highlighting.reconfigure(wanted) });

  renderStatus(result, elapsed);
  renderList(result.diagnostics);
  run();
}

// ── evaluation ───────────────────────────────────────────────────────────────────────────

/** Result tables show at most this many rows; the summary gives the full count. */
const MAX_SHOWN_ROWS = 200;

function run(): void {
  const text = view.state.doc.toString();
  let result: KqlEvaluation | SigmaEvaluation;
  const started = performance.now();
  try {
    result = evaluate(text, ui.events.value, { now: ui.now.value.trim() || null });
  } catch (error) {
    showResultError(`The evaluator failed: ${String(error)}`);
    return;
  }
  const elapsed = performance.now() - started;
  if (result.language === "kql") renderKql(result, elapsed);
  else renderSigma(result, elapsed);
}

function showResultError(message: string | null): void {
  ui.resultError.hidden = message === null;
  ui.resultError.textContent = message ?? "";
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

function renderKql(result: KqlEvaluation, elapsed: number): void {
  const inputs = result.inputs.reduce((n, t) => n + t.rows, 0);
  ui.resultSummary.dataset.rows = String(result.rows.length);
  ui.resultSummary.textContent = `${count(result.rows.length, "row")} from ${count(inputs, "event")} · ${elapsed.toFixed(1)} ms`;
  showResultError(result.error);

  // Where rows were dropped: each operator with its rows in and out.
  ui.stages.replaceChildren(
    ...result.stages.map((stage) => {
      const item = document.createElement("li");
      item.dataset.testid = "stage";
      item.className = stage.rows_out < stage.rows_in ? "stage dropped" : "stage";
      const name = document.createElement("code");
      name.textContent = stage.operator;
      const counts = document.createElement("span");
      counts.className = "counts";
      counts.textContent = `${stage.rows_in} → ${stage.rows_out}`;
      item.append(name, counts);
      return item;
    }),
  );

  // Columns that are empty in every row are left out; the JSON result keeps them.
  const shown = result.columns
    .map((name, i) => ({ name, i, type: result.types[i] }))
    .filter(({ i }) => result.rows.some((row) => cellText(row[i]) !== ""));
  const head = document.createElement("tr");
  for (const column of shown) {
    const th = document.createElement("th");
    th.textContent = column.name;
    th.title = column.type;
    head.append(th);
  }
  const body = result.rows.slice(0, MAX_SHOWN_ROWS).map((row) => {
    const tr = document.createElement("tr");
    tr.dataset.testid = "result-row";
    for (const column of shown) {
      const td = document.createElement("td");
      td.textContent = cellText(row[column.i]);
      td.title = td.textContent;
      tr.append(td);
    }
    return tr;
  });
  ui.resultTable.replaceChildren(...(result.rows.length > 0 ? [head, ...body] : []));
}

function renderSigma(result: SigmaEvaluation, elapsed: number): void {
  ui.resultSummary.dataset.rows = String(result.matches.length);
  ui.resultSummary.textContent = `${count(result.matches.length, "match", "es")} in ${count(result.events, "event")} · ${elapsed.toFixed(1)} ms`;
  showResultError(null);
  ui.stages.replaceChildren();
  const head = document.createElement("tr");
  for (const name of ["event", "rule", "selections", "matched values"]) {
    const th = document.createElement("th");
    th.textContent = name;
    head.append(th);
  }
  const body = result.matches.slice(0, MAX_SHOWN_ROWS).map((match) => {
    const tr = document.createElement("tr");
    tr.dataset.testid = "result-row";
    const values = (match.fields ?? []).map((f) => `${f.field}${f.value === undefined ? "" : ` = ${f.value}`}`);
    for (const text of [`#${match.event}`, match.title, match.selections.join(", "), values.join("; ")]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    return tr;
  });
  ui.resultTable.replaceChildren(...(result.matches.length > 0 ? [head, ...body] : []));
}

function count(n: number, noun: string, plural = "s"): string {
  return `${n} ${noun}${n === 1 ? "" : plural}`;
}

function renderStatus(result: LintResult, elapsed: number): void {
  const errors = result.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = result.diagnostics.filter((d) => d.severity === "warning").length;
  const notes = result.diagnostics.length - errors - warnings;
  const rest = [count(warnings, "warning"), count(notes, "note")].filter((s) => !s.startsWith("0 "));
  const suffix = rest.map((s) => ` · ${s}`).join("");
  ui.status.dataset.state = errors > 0 ? "errors" : "ok";
  ui.status.dataset.errors = String(errors);
  ui.statusText.textContent = errors > 0 ? `✗ ${count(errors, "error")}${suffix}` : `✓ no errors${suffix}`;
  ui.language.textContent = result.language;
  // Browsers coarsen performance.now() (often to 0.1 ms) unless the page is cross-origin isolated.
  ui.timing.textContent = elapsed < 0.1 ? "checked in < 0.1 ms" : `checked in ${elapsed.toFixed(1)} ms`;
}

function renderList(diagnostics: Diagnostic[]): void {
  const items = diagnostics.map((diagnostic) => {
    const item = document.createElement("li");
    item.className = `diagnostic severity-${diagnostic.severity}`;
    item.dataset.testid = "diagnostic";
    item.dataset.code = diagnostic.code;
    item.dataset.severity = diagnostic.severity;
    item.tabIndex = 0;
    item.title = "Show in the editor";

    const where = document.createElement("span");
    where.className = "where";
    where.textContent = `${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`;

    const severity = document.createElement("span");
    severity.className = "severity";
    severity.textContent = diagnostic.severity;

    const code = document.createElement("code");
    code.className = "code";
    code.textContent = diagnostic.code;

    const message = document.createElement("span");
    message.className = "message";
    message.textContent = diagnostic.message;
    if (diagnostic.help) {
      const help = document.createElement("span");
      help.className = "help";
      help.textContent = diagnostic.help;
      message.append(help);
    }

    item.append(severity, code, message, where);
    const reveal = () => {
      const { from, to } = toRange(view.state.doc, diagnostic);
      view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
      view.focus();
    };
    item.addEventListener("click", reveal);
    item.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        reveal();
      }
    });
    return item;
  });
  ui.diagnostics.replaceChildren(...items);
  ui.noDiagnostics.hidden = items.length > 0;
}

function showFailure(message: string): void {
  ui.status.dataset.state = "failed";
  ui.statusText.textContent = message;
}

// ── examples ─────────────────────────────────────────────────────────────────────────────

for (const example of EXAMPLES) {
  const option = document.createElement("option");
  option.value = example.id;
  option.textContent = `${example.id} · ${example.title} (${example.kind})`;
  ui.example.append(option);
}

function loadEvents(example: Example): void {
  ui.eventSet.replaceChildren(
    ...example.events.map((set, i) => {
      const option = document.createElement("option");
      option.value = String(i);
      option.textContent = set.name;
      return option;
    }),
  );
  ui.events.value = example.events[0]?.text ?? "[]";
  ui.now.value = example.now;
  showEventsStatus(null);
}

ui.example.addEventListener("change", () => {
  const example = EXAMPLES.find((e) => e.id === ui.example.value);
  if (!example) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: example.text }, selection: { anchor: 0 } });
  loadEvents(example);
  clearTimeout(timer);
  analyze();
});
ui.eventSet.addEventListener("change", () => {
  const example = EXAMPLES.find((e) => e.id === ui.example.value);
  const set = example?.events[Number(ui.eventSet.value)];
  if (!set) return;
  ui.events.value = set.text;
  showEventsStatus(null);
  if (ready) run();
});
let eventsTimer: ReturnType<typeof setTimeout> | undefined;
for (const input of [ui.events, ui.now]) {
  input.addEventListener("input", () => {
    clearTimeout(eventsTimer);
    eventsTimer = setTimeout(() => ready && run(), DEBOUNCE_MS);
  });
}
loadEvents(initial);

// ── event files ──────────────────────────────────────────────────────────────────────────

/** Records read from a dropped event log at most; the textarea holds them as NDJSON. */
const MAX_EVTX_RECORDS = 100_000;
/** Every EVTX file starts with these bytes. */
const EVTX_MAGIC = "ElfFile\0";

function showEventsStatus(message: string | null, state: "ok" | "error" = "ok"): void {
  ui.eventsStatus.hidden = message === null;
  ui.eventsStatus.dataset.state = state;
  ui.eventsStatus.textContent = message ?? "";
}

function isEvtx(name: string, bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, EVTX_MAGIC.length));
  return name.toLowerCase().endsWith(".evtx") || head === EVTX_MAGIC;
}

/** Loads a chosen or dropped file: a Windows event log is converted here, in WebAssembly; anything else is taken as JSON text. */
async function openEventsFile(file: File): Promise<void> {
  if (!ready) {
    showEventsStatus(`${file.name}: the WebAssembly module is not loaded yet`, "error");
    return;
  }
  showEventsStatus(`Reading ${file.name}…`);
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (isEvtx(file.name, bytes)) {
      const started = performance.now();
      const result = evtxToEvents(bytes, { maxRecords: MAX_EVTX_RECORDS });
      const elapsed = performance.now() - started;
      ui.events.value = result.events.map((event) => JSON.stringify(event)).join("\n");
      const notes = [
        result.unreadable > 0 ? `${count(result.unreadable, "damaged record")} skipped` : "",
        result.truncated ? `stopped at ${MAX_EVTX_RECORDS.toLocaleString("en")} records` : "",
      ].filter(Boolean);
      showEventsStatus(
        `${file.name}: read ${count(result.events.length, "record")} in ${elapsed.toFixed(0)} ms${notes.map((n) => ` · ${n}`).join("")}`,
      );
      ui.eventsStatus.dataset.records = String(result.events.length);
    } else {
      ui.events.value = new TextDecoder().decode(bytes);
      showEventsStatus(`${file.name}: loaded as JSON text`);
      delete ui.eventsStatus.dataset.records;
    }
  } catch (error) {
    showEventsStatus(`${file.name}: ${error instanceof Error ? error.message : String(error)}`, "error");
    return;
  }
  run();
}

ui.eventsFile.addEventListener("change", () => {
  const file = ui.eventsFile.files?.[0];
  if (file) void openEventsFile(file);
  // Choosing the same file again loads it again.
  ui.eventsFile.value = "";
});
const eventsPanel = ui.events.closest<HTMLElement>(".events-panel");
if (eventsPanel) {
  eventsPanel.addEventListener("dragover", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    eventsPanel.classList.add("dragging");
  });
  eventsPanel.addEventListener("dragleave", () => eventsPanel.classList.remove("dragging"));
  eventsPanel.addEventListener("drop", (event) => {
    eventsPanel.classList.remove("dragging");
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    void openEventsFile(file);
  });
}

// ── start ────────────────────────────────────────────────────────────────────────────────

try {
  await init();
  ui.version.textContent = `rulelab ${version()}`;
  ready = true;
  analyze();
  document.body.dataset.ready = "true";
} catch (error) {
  showFailure(`Could not load the rulelab WebAssembly module: ${String(error)}`);
  console.error(error);
}
