#!/usr/bin/env python3
"""Generate core/data/functions.tsv, the KQL function catalog compiled into rulelab-core.

Run by hand when Kusto.Language or the overlay changes, and commit the output:

    node tools/kusto_functions_dump.cjs > /tmp/kusto-functions.json
    python3 tools/gen_function_catalog.py --kusto /tmp/kusto-functions.json

Inputs:
    the Kusto.Language dump   signatures, parameter and return kinds, obsolete names and
                              default result names of every built-in function, aggregate and
                              plugin, from Microsoft's analyzer (so we agree with the oracle)
    tools/function-catalog-overlay.tsv   our structural fixes (`name<TAB>field<TAB>value...`):
        kind        window | tabular | scalar   (Kusto.Language files window functions as scalar)
        returns     return rules for the signatures Kusto.Language computes in code
                    ("Custom"), in order, separated by ` ; ` (one value: all of them)
        alias-of / deprecated-alias-of   fold this name into another entry
        docs        the docs page slug when it is not <name>-function / -aggregation-function
                    / -plugin (underscores become hyphens)
        add         a function Kusto.Language models as syntax: `add<TAB>kind<TAB>signatures`
        skip        leave out (graph-match-only helpers that clash with real names)
    tools/function-descriptions.tsv      `name<TAB>one-line description` (hand-written)

Output columns (one function per line; `#` lines are comments):
    name  kind  signatures  aliases  deprecated  result_name  docs  description

Signature syntax: `(p:type, [opt:type], rep:type{1,}) -> rule`, several separated by ` ; `.
    `[..]` optional; `{m,n}` repeated m..n times (`{m,}` unbounded); consecutive repeated
    parameters with the same counts repeat together (`case(predicate, then){1,}, else`).
    Types: bool int long real decimal string datetime timespan guid dynamic type (a type
    literal), or a class: scalar (any scalar incl. dynamic), number, integer, summable (number
    or timespan/datetime), orderable, array, bag, notdynamic, notrealorbool, table, any,
    common / common_or_dynamic / common_orderable (must share one type with the other common
    arguments); alternatives with `|`. `@constant`, `@literal`, `@literal_nonempty`,
    `@column`, `@star` (may be `*`), `@star_only`, `@aggregate` restrict the argument's form.
    Return rules: a type; `$N` (type of argument N); `literal($N)` (the type literal at N);
    `common` (common type of the common arguments); `widest` (widest numeric argument);
    `promoted($1)` (int -> long); `table`; `tuple` (several columns, from the arguments);
    `tuple(a:real,b:dynamic,...)` (several named columns); `subquery` (toscalar: the type
    of the subquery's first column).
Result names (default column name in extend/summarize): `arg` (the first argument's name),
    `prefix:P` (P_arg, or P_ without argument), `name` (function_arg), `only:P` (P),
    `onlyarg` (the argument's name when it is the only one), `argvalue` (column_ifexists).
"""
import argparse
import gzip
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PARAM_KINDS = {
    'Scalar': 'scalar', 'Integer': 'integer', 'Number': 'number', 'Summable': 'summable',
    'DynamicArray': 'array', 'DynamicBag': 'bag', 'NotDynamic': 'notdynamic',
    'StringOrDynamic': 'string|dynamic', 'Orderable': 'orderable',
    'CommonScalarOrDynamic': 'common_or_dynamic', 'CommonScalar': 'common',
    'CommonOrderable': 'common_orderable', 'Tabular': 'table', 'NumberOrBool': 'number|bool',
    'StringOrArray': 'string|array', 'IntegerOrArray': 'integer|array',
    'NotRealOrBool': 'notrealorbool', 'Any': 'any',
}
ARG_KINDS = {
    'Expression': '', 'Constant': '@constant', 'Literal': '@literal',
    'LiteralNotEmpty': '@literal_nonempty', 'Column': '@column', 'StarAllowed': '@star',
    'StarOnly': '@star_only', 'Aggregate': '@aggregate', 'Column_Parameter0': '@column',
    'Column_Parameter0_Common': '@column', 'Expression_Parameter0_Element': '',
}
UNBOUNDED = 32767


def param_text(p):
    if p['kind'] == 'Declared':
        ty = '|'.join(p['types'])
    elif p['kind'] in PARAM_KINDS:
        ty = PARAM_KINDS[p['kind']]
    else:
        sys.exit(f"unknown parameter kind {p['kind']}")
    text = f"{p['name']}:{ty}{ARG_KINDS.get(p['arg'], '')}"
    lo, hi = p['min'], p['max']
    if (lo, hi) == (1, 1):
        return text
    if (lo, hi) == (0, 1):
        return f'[{text}]'
    return text + '{%d,%s}' % (lo, '' if hi >= UNBOUNDED else hi)


def return_text(fn, sig, custom):
    kind = sig['returnKind']
    if fn['category'] == 'plugin':
        return 'table'  # evaluate always yields a table, whatever the symbol declares
    if kind == 'Declared':
        return sig['declared'] or 'dynamic'
    simple = {'Parameter0': '$1', 'Parameter1': '$2', 'Parameter0Array': 'dynamic',
              'Common': 'common', 'CommonNonDynamic': 'common', 'Widest': 'widest',
              'Parameter0Promoted': 'promoted($1)'}
    if kind in simple:
        return simple[kind]
    if kind == 'ParameterNLiteral':
        return f"literal(${len(sig['params'])})"
    if kind.startswith('Parameter0') or sig['tabularity'] == 'Tabular':
        return 'table'
    if kind == 'Custom':
        if not custom:
            sys.exit(f"{fn['name']}: Kusto.Language computes its return type in code; add a "
                     f"`returns` line to the overlay")
        return custom.pop(0) if len(custom) > 1 else custom[0]
    sys.exit(f"{fn['name']}: unknown return kind {kind}")


def result_name(fn):
    k, p = fn['resultNameKind'], fn['resultNamePrefix']
    return {'None': '', 'FirstArgument': 'arg', 'PrefixAndFirstArgument': f'prefix:{p}',
            'NameAndFirstArgument': 'name', 'PrefixOnly': f'only:{p}', 'OnlyArgument': 'onlyarg',
            'FirstArgumentValueIfColumn': 'argvalue'}[k]


def read_tsv(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.rstrip('\n')
            if line and not line.startswith('#'):
                rows.append(line.split('\t'))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--kusto', required=True, help='output of tools/kusto_functions_dump.cjs')
    ap.add_argument('--overlay', default=os.path.join(HERE, 'function-catalog-overlay.tsv'))
    ap.add_argument('--descriptions', default=os.path.join(HERE, 'function-descriptions.tsv'))
    ap.add_argument('--out', default=os.path.join(ROOT, 'core', 'data', 'functions.tsv'))
    a = ap.parse_args()
    dump = json.load(open(a.kusto))

    overlay = {}
    adds = []
    for row in read_tsv(a.overlay):
        if row[1] == 'add':
            adds.append(row)
        else:
            overlay.setdefault(row[0], {})[row[1]] = row[2] if len(row) > 2 else ''
    descriptions = {row[0]: row[1] for row in read_tsv(a.descriptions)}

    entries = {}   # name -> entry
    aliases = []   # (alias, canonical, deprecated)
    # Aggregates first: for the names that are both (hll_merge, tdigest_merge, merge_tdigest)
    # the aggregate's signature and result name are the ones summarize needs.
    order = {'aggregate': 0, 'function': 1, 'plugin': 2}
    for fn in sorted(dump['functions'], key=lambda f: order[f['category']]):
        name = fn['name']
        o = overlay.get(name, {})
        if 'skip' in o or name.startswith('__'):
            continue
        if 'alias-of' in o or 'deprecated-alias-of' in o:
            deprecated = 'deprecated-alias-of' in o
            aliases.append((name, o.get('alias-of') or o['deprecated-alias-of'], deprecated))
            continue
        if fn['obsolete'] and fn['alt']:
            aliases.append((name, fn['alt'], True))
            continue
        if fn['hidden'] and 'keep' not in o:
            continue
        kind = {'function': 'scalar', 'aggregate': 'aggregate', 'plugin': 'plugin'}[fn['category']]
        if name in entries:
            # hll_merge, tdigest_merge, merge_tdigest exist as aggregate and scalar function
            # with one signature; the aggregate's entry is kept and marked as both.
            entries[name]['kind'] = 'aggregate+scalar'
            continue
        kind = o.get('kind', kind)
        sigs = [s for s in fn['signatures'] if not s['hidden']]
        custom = [r.strip() for r in o['returns'].split(';')] if 'returns' in o else []
        sig_text = ' ; '.join('(' + ', '.join(param_text(p) for p in s['params']) + ') -> '
                              + return_text(fn, s, custom) for s in sigs)
        entries[name] = {'name': name, 'kind': kind, 'sigs': sig_text, 'aliases': [],
                         'deprecated': [], 'result': result_name(fn), 'docs': o.get('docs', '')}
    for row in adds:
        name, _, kind, sigs = row[:4]
        entries[name] = {'name': name, 'kind': kind, 'sigs': sigs, 'aliases': [], 'deprecated': [],
                         'result': row[4] if len(row) > 4 else '', 'docs': overlay.get(name, {}).get('docs', '')}
    alias_target = {alias: canonical for alias, canonical, _ in aliases}
    for alias, canonical, deprecated in aliases:
        if alias in entries:
            continue
        seen = {alias}
        while canonical not in entries and canonical in alias_target and canonical not in seen:
            seen.add(canonical)  # toobject -> todynamic -> parse_json
            canonical = alias_target[canonical]
        target = entries.get(canonical)
        if target is None:
            sys.exit(f'alias {alias} -> {canonical}: no such entry')
        bucket = target['deprecated' if deprecated else 'aliases']
        if alias not in bucket:
            bucket.append(alias)

    missing = [n for n in sorted(entries) if n not in descriptions]
    lines = []
    for name in sorted(entries):
        e = entries[name]
        desc = descriptions.get(name, '')
        for field in ('sigs', 'docs'):
            if '\t' in e[field]:
                sys.exit(f'tab in {name} {field}')
        lines.append('\t'.join([name, e['kind'], e['sigs'], ','.join(sorted(e['aliases'])),
                                ','.join(sorted(e['deprecated'])), e['result'], e['docs'], desc]))
    header = [
        'Generated by tools/gen_function_catalog.py; do not edit by hand (edit the overlay or',
        f"descriptions in tools/ and regenerate). Signatures from {dump['source']}.",
        'Format: see the generator docstring and core/src/kql/functions/mod.rs.',
        'name\tkind\tsignatures\taliases\tdeprecated\tresult_name\tdocs\tdescription',
    ]
    text = ''.join(f'# {h}\n' for h in header) + ''.join(l + '\n' for l in lines)
    with open(a.out, 'w', encoding='utf-8') as f:
        f.write(text)
    raw = text.encode('utf-8')
    print(f'{os.path.relpath(a.out)}: {len(lines)} functions, '
          f'{sum(len(e["aliases"]) + len(e["deprecated"]) for e in entries.values())} aliases, '
          f'{len(raw)} bytes, {len(gzip.compress(raw, 9))} gzipped')
    unknown_overlay = sorted(n for n in overlay if n not in entries and not any(n == x[0] for x in aliases)
                             and 'skip' not in overlay[n])
    if unknown_overlay:
        print('overlay names matching nothing:', unknown_overlay)
    if missing:
        print(f'{len(missing)} without a description:', ' '.join(missing))


if __name__ == '__main__':
    main()
