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
import init, { lint, version, type Diagnostic, type LintResult } from "rulelab";

import { toCodeMirror, toRange } from "./diagnostics";
import { EXAMPLES } from "./examples";
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
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
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
ui.example.addEventListener("change", () => {
  const example = EXAMPLES.find((e) => e.id === ui.example.value);
  if (!example) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: example.text }, selection: { anchor: 0 } });
  clearTimeout(timer);
  analyze();
});

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
