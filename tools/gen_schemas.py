#!/usr/bin/env python3
"""Generate the compact schema data compiled into rulelab-core (core/data/schemas/).

Run by hand when ../shared/schemas changes, and commit the output:

    python3 tools/gen_schemas.py [--shared ../shared] [--out core/data/schemas]

The repository builds without ../shared: only the generated files are compiled in.

Inputs (../shared/schemas, see its README.md):
    defender/                  Defender XDR advanced-hunting tables (uses `Timestamp`)
    azure-monitor/             every Log Analytics table (uses `TimeGenerated`)
    sentinel-custom-tables/    tables the Sentinel CI validates rules against (custom `_CL`,
                               ASIM `im*` parsers, connector tables)
    sentinel-custom-functions/ ASIM `_Im_*` / `_ASIM_*` parser functions

Outputs, one line per table, `Table<TAB>col,col:type,...`, ordered as in the source:
    defender.tsv        defender/ as is
    log-analytics.tsv   azure-monitor/ as is
    sentinel-custom.tsv sentinel-custom-tables/ (duplicate names merged, names trimmed)
    asim-functions.tsv  `Name<TAB>param:type[?],...<TAB>col:type,...` (`?` = optional)

Type codes (a column without one is a string, three columns in four are):
    b bool  i int  l long  r real  m decimal  d datetime  t timespan  g guid  y dynamic

The profiles are assembled at run time (core/src/kql/schema/builtin.rs), mirroring how
../shared/tools/kusto-oracle/build_semantic_schemas.py gave Microsoft's analyzer its schemas,
so that our verdicts stay comparable: `sentinel` = log-analytics, then sentinel-custom, then
the defender columns of the streamed Defender tables, then the standard Log Analytics columns a
table lacks (first source wins on a type conflict); `defender` = defender plus TimeGenerated.

Type spellings are normalised as the oracle's script does (String, DateTime, Int32/Integer ->
int, Int64 -> long, Double -> real, Boolean/SByte -> bool, Object/array -> dynamic,
enum -> string, "nullable bool" -> bool ...); an unknown spelling stops the generator.
"""
import argparse
import glob
import gzip
import json
import os
import re
import sys

CODES = {'bool': 'b', 'int': 'i', 'long': 'l', 'real': 'r', 'decimal': 'm', 'string': '',
         'datetime': 'd', 'timespan': 't', 'guid': 'g', 'dynamic': 'y'}

TYPE_MAP = {
    'string': 'string', 'datetime': 'datetime', 'date': 'datetime', 'date/time': 'datetime',
    'int': 'int', 'int32': 'int', 'integer': 'int', 'int16': 'int', 'byte': 'int',
    'long': 'long', 'int64': 'long', 'bigint': 'long',
    'real': 'real', 'double': 'real', 'single': 'real', 'float': 'real',
    'bool': 'bool', 'boolean': 'bool', 'sbyte': 'bool', 'nullable bool': 'bool',
    'dynamic': 'dynamic', 'object': 'dynamic', 'array': 'dynamic',
    'guid': 'guid', 'uniqueid': 'guid',
    'timespan': 'timespan', 'time': 'timespan',
    'decimal': 'decimal',
    'enum': 'string',
}

IDENT = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')


def norm_type(t, where):
    k = str(t or '').strip().lower()
    if k.startswith('system.'):
        k = k[len('system.'):]
    if k not in TYPE_MAP:
        sys.exit(f'unknown type {t!r} in {where}: add it to TYPE_MAP (and to rulelab normalize_type)')
    return TYPE_MAP[k]


def ci_get(d, key):
    for k, v in d.items():
        if k.lower() == key:
            return v
    return None


def load_json_lenient(path):
    with open(path, encoding='utf-8-sig') as f:
        s = f.read()
    try:
        return json.loads(s)
    except json.JSONDecodeError:
        # Trailing commas, as shipped upstream in GitLab*.json.
        return json.loads(re.sub(r',\s*([\]}])', r'\1', s))


def column(name, ty, where):
    # Upstream slips such as 'patterns_s ' (trailing space) are trimmed; other odd names
    # ('TimeGenerated [UTC]') are kept: a query can still write them as ['...'].
    name = name.strip()
    if not name or any(c in name for c in ',\t\n:'):
        sys.exit(f'column name {name!r} in {where} cannot be encoded')
    return name, norm_type(ty, where)


def add_columns(cols, new):
    seen = {n for n, _ in cols}
    for n, t in new:
        if n not in seen:
            seen.add(n)
            cols.append((n, t))


def encode(cols):
    return ','.join(n + (':' + CODES[t] if CODES[t] else '') for n, t in cols)


def write(path, header, lines):
    text = ''.join(f'# {h}\n' for h in header) + ''.join(line + '\n' for line in lines)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    raw = len(text.encode('utf-8'))
    gz = len(gzip.compress(text.encode('utf-8'), 9))
    print(f'{os.path.relpath(path)}: {len(lines)} lines, {raw} bytes, {gz} gzipped')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    ap = argparse.ArgumentParser()
    ap.add_argument('--shared', default=os.environ.get('RULELAB_SHARED', os.path.join(root, '..', 'shared')))
    ap.add_argument('--out', default=os.path.join(root, 'core', 'data', 'schemas'))
    a = ap.parse_args()
    src = os.path.join(a.shared, 'schemas')
    os.makedirs(a.out, exist_ok=True)
    note = 'Generated by tools/gen_schemas.py from shared/schemas; do not edit by hand.'
    fmt = 'Table<TAB>column[:type],...; types: b bool i int l long r real m decimal d datetime t timespan g guid y dynamic; none = string'

    tables = {}
    for p in sorted(glob.glob(os.path.join(src, 'defender', '*.json'))):
        j = load_json_lenient(p)
        tables[j['table']] = [column(c['name'], c['type'], p) for c in j['columns']]
    write(os.path.join(a.out, 'defender.tsv'), [note, 'Defender XDR advanced hunting (shared/schemas/defender).', fmt],
          [f'{n}\t{encode(tables[n])}' for n in sorted(tables)])

    tables = {}
    for p in sorted(glob.glob(os.path.join(src, 'azure-monitor', '*.json'))):
        j = load_json_lenient(p)
        tables[j['table']] = [column(c['name'], c['type'], p) for c in j['columns']]
    write(os.path.join(a.out, 'log-analytics.tsv'), [note, 'Azure Monitor Logs tables (shared/schemas/azure-monitor).', fmt],
          [f'{n}\t{encode(tables[n])}' for n in sorted(tables)])

    tables, skipped = {}, []
    for p in sorted(glob.glob(os.path.join(src, 'sentinel-custom-tables', '*.json'))):
        j = load_json_lenient(p)
        name = (ci_get(j, 'name') or '').strip()
        if not IDENT.match(name):
            skipped.append(name)  # e.g. 'Syslog (Digital Guardian)': not a table name
            continue
        cols = [column(ci_get(c, 'name') or '', ci_get(c, 'type'), p) for c in ci_get(j, 'properties') or []]
        add_columns(tables.setdefault(name, []), cols)
    write(os.path.join(a.out, 'sentinel-custom.tsv'),
          [note, 'Sentinel CI custom tables (shared/schemas/sentinel-custom-tables).', fmt],
          [f'{n}\t{encode(tables[n])}' for n in sorted(tables)])
    if skipped:
        print('skipped custom tables (not identifiers):', skipped)

    lines = []
    for p in sorted(glob.glob(os.path.join(src, 'sentinel-custom-functions', '*.json'))):
        j = load_json_lenient(p)
        params = []
        for q in j.get('FunctionParameters') or []:
            n, t = column(q['Name'], q['Type'], p)
            params.append(f'{n}:{CODES[t] or "s"}' + ('' if q.get('IsRequired', True) else '?'))
        cols = [column(c['Name'], c['Type'], p) for c in j.get('FunctionResultColumns') or []]
        lines.append(f"{j['FunctionName']}\t{','.join(params)}\t{encode(cols)}")
    write(os.path.join(a.out, 'asim-functions.tsv'),
          [note, 'ASIM parser functions (shared/schemas/sentinel-custom-functions).',
           'Name<TAB>param:type[?],... (? = optional; types as below, s = string)<TAB>result columns', fmt],
          lines)


if __name__ == '__main__':
    main()
