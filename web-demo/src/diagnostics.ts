// Translating rulelab diagnostics into CodeMirror positions.
//
// rulelab reports byte spans (UTF-8) and LSP-style ranges (0-based line, UTF-16 character).
// CodeMirror positions are UTF-16 offsets into the document, so the range converts directly.
import type { Text } from "@codemirror/state";
import type { Diagnostic as CmDiagnostic } from "@codemirror/lint";
import type { Diagnostic, Position, Severity } from "rulelab";

/** The document offset of an LSP position, clamped to the document. */
export function toOffset(doc: Text, position: Position): number {
  if (position.line < 0) return 0;
  if (position.line >= doc.lines) return doc.length;
  const line = doc.line(position.line + 1);
  return Math.min(line.from + Math.max(0, position.character), line.to);
}

/** `from`/`to` of a diagnostic; an empty range is widened to one character so it shows. */
export function toRange(doc: Text, diagnostic: Diagnostic): { from: number; to: number } {
  let from = toOffset(doc, diagnostic.range.start);
  let to = Math.max(from, toOffset(doc, diagnostic.range.end));
  if (from === to && doc.length > 0) {
    if (to < doc.length && doc.sliceString(to, to + 1) !== "\n") to += 1;
    else if (from > 0) from -= 1;
  }
  return { from, to };
}

const CM_SEVERITY: Record<Severity, CmDiagnostic["severity"]> = {
  error: "error",
  warning: "warning",
  info: "info",
  hint: "hint",
};

export function toCodeMirror(doc: Text, diagnostic: Diagnostic): CmDiagnostic {
  const { from, to } = toRange(doc, diagnostic);
  const message = diagnostic.help ? `${diagnostic.message}\n${diagnostic.help}` : diagnostic.message;
  return {
    from,
    to,
    severity: CM_SEVERITY[diagnostic.severity] ?? "error",
    source: diagnostic.code,
    message,
  };
}
