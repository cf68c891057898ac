#!/usr/bin/env node
// Dumps the built-in function symbols of Microsoft's Kusto.Language (npm
// @kusto/language-service-next, MIT) as JSON: every scalar function, aggregate and
// `evaluate` plugin with its signatures, parameter kinds, return kinds, obsolete names and
// default result-column naming. tools/gen_function_catalog.py turns this into
// core/data/functions.tsv, so our catalog agrees with the analyzer we measure against.
//
// Usage: node tools/kusto_functions_dump.cjs > /tmp/kusto-functions.json
// Finds the package through NODE_PATH, else bench/js/node_modules (npm install there).
'use strict';
const path = require('path');

function load() {
  const candidates = ['@kusto/language-service-next/',
    path.join(__dirname, '..', 'bench', 'js', 'node_modules', '@kusto', 'language-service-next') + path.sep];
  for (const base of candidates) {
    try {
      require(base + 'bridge.min.js');
      require(base + 'Kusto.Language.Bridge.min.js');
      return { K: global.Kusto.Language, version: require(base + 'package.json').version };
    } catch (e) { /* try the next location */ }
  }
  throw new Error('@kusto/language-service-next not found: set NODE_PATH or run npm install in bench/js');
}

const { K, version } = load();
const enumName = (E, v) => { for (const k of Object.keys(E)) if (E[k] === v && typeof v === 'number') return k; return String(v); };
const list = (l) => { if (!l) return []; if (Array.isArray(l)) return l; const out = []; for (let i = 0; i < l.Count; i++) out.push(l.getItem(i)); return out; };
const S = K.Symbols;
function signature(s) {
  return {
    returnKind: enumName(S.ReturnTypeKind, s.ReturnKind),
    declared: s.DeclaredReturnType ? s.DeclaredReturnType.Name : null,
    tabularity: enumName(S.Tabularity, s.Tabularity),
    obsolete: s.IsObsolete, hidden: s.IsHidden, alt: s.Alternative,
    params: list(s.Parameters).map(p => ({
      name: p.Name, kind: enumName(S.ParameterTypeKind, p.TypeKind),
      types: list(p.DeclaredTypes).map(t => t.Name), arg: enumName(S.ArgumentKind, p.ArgumentKind),
      min: p.MinOccurring, max: p.MaxOccurring, optional: p.IsOptional,
    })),
  };
}
const out = { source: '@kusto/language-service-next ' + version, functions: [] };
for (const [category, all] of [['function', K.Functions.All], ['aggregate', K.Aggregates.All], ['plugin', K.PlugIns.All]]) {
  for (const f of list(all)) {
    out.functions.push({
      category, name: f.Name, alt: f.Alternative, obsolete: f.IsObsolete, hidden: f.IsHidden,
      resultNameKind: enumName(S.ResultNameKind, f.ResultNameKind), resultNamePrefix: f.ResultNamePrefix,
      signatures: list(f.Signatures).map(signature),
    });
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
