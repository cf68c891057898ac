// Syntax colouring only (no analysis): a small KQL tokenizer and the legacy YAML mode.
// Diagnostics come from the wasm core, never from here.
import { StreamLanguage, type StreamParser, type StringStream } from "@codemirror/language";
import { yaml } from "@codemirror/legacy-modes/mode/yaml";

const KEYWORDS = new Set(
  (
    "let set declare pattern query_parameters alias restrict access to by on with of kind and or not " +
    "between in has has_any has_all hasprefix hassuffix has_cs contains contains_cs startswith " +
    "startswith_cs endswith endswith_cs matches regex like asc desc nulls first last true false " +
    "null dynamic typeof step from range materialize toscalar view"
  ).split(" "),
);

const OPERATORS = new Set(
  (
    "where filter project project-away project-keep project-rename project-reorder extend summarize " +
    "join union take limit top top-nested sort order count distinct mv-expand mv-apply parse " +
    "parse-where parse-kv evaluate render make-series as invoke lookup getschema print search " +
    "find sample sample-distinct serialize partition scan fork facet externaldata datatable"
  ).split(" "),
);

const TYPES = new Set(
  "bool boolean int long real double decimal string datetime date timespan time guid uniqueid dynamic".split(" "),
);

interface KqlState {
  /** Right after a pipe, the next word is a tabular operator. */
  afterPipe: boolean;
}

function tokenString(stream: StringStream, quote: string, verbatim: boolean): string {
  while (!stream.eol()) {
    const ch = stream.next();
    if (ch === quote) {
      if (verbatim && stream.peek() === quote) {
        stream.next();
        continue;
      }
      return "string";
    }
    if (ch === "\\" && !verbatim) stream.next();
  }
  return "string";
}

const kqlParser: StreamParser<KqlState> = {
  name: "kql",
  startState: () => ({ afterPipe: true }),
  token(stream, state) {
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "comment";
    }
    if (stream.match(/^(@|[hH]@?)(?=["'])/)) {
      // @"verbatim", h"obfuscated", h@"both"
      const verbatim = stream.current().includes("@");
      const quote = stream.next() ?? '"';
      return tokenString(stream, quote, verbatim);
    }
    const ch = stream.peek();
    if (ch === '"' || ch === "'") {
      stream.next();
      return tokenString(stream, ch, false);
    }
    if (stream.match("```")) {
      while (!stream.eol() && !stream.match("```")) stream.next();
      return "string";
    }
    if (stream.match(/^\d+(\.\d+)?([eE][+-]?\d+)?(tick|ms|microsecond|d|h|m|s)?\b/)) {
      state.afterPipe = false;
      return "number";
    }
    if (stream.match("|")) {
      state.afterPipe = true;
      return "operator";
    }
    const word = stream.match(/^[A-Za-z_$][\w$]*(-[A-Za-z][\w]*)*/);
    if (word && typeof word !== "boolean") {
      const text = word[0];
      const wasAfterPipe = state.afterPipe;
      state.afterPipe = false;
      if (wasAfterPipe && OPERATORS.has(text.toLowerCase())) return "keyword";
      if (text.includes("-")) {
        // `project-away` outside operator position is still an operator; otherwise back up.
        if (OPERATORS.has(text.toLowerCase())) return "keyword";
        stream.backUp(text.length - text.indexOf("-"));
      }
      const bare = stream.current();
      if (KEYWORDS.has(bare.toLowerCase()) || KEYWORDS.has(bare)) return "keyword";
      if (TYPES.has(bare)) return "typeName";
      if (/^\s*\(/.test(stream.string.slice(stream.pos))) return "function";
      return "variableName";
    }
    stream.next();
    state.afterPipe = false;
    return /[=<>!~+\-*/%]/.test(ch ?? "") ? "operator" : "punctuation";
  },
  languageData: { commentTokens: { line: "//" } },
};

export const kqlLanguage = StreamLanguage.define(kqlParser);
export const yamlLanguage = StreamLanguage.define(yaml);

/** YAML when the first meaningful line is `key: value` (Sigma, Sentinel analytics rules). */
export function looksLikeYaml(text: string): boolean {
  for (const raw of text.split("\n", 50)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith("//") || line === "---") continue;
    return /^[A-Za-z_][\w.-]*\s*:(\s|$)/.test(line);
  }
  return false;
}
