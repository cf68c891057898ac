#!/bin/sh
# Lists every function the KQL corpus and the Kusto docs conformance cases call, by parsing
# each query with rulelab and walking its tree (tests/tests/kql_function_catalog.rs), with
# how the catalog resolves it: built-in, alias, plugin, schema (ASIM, _GetWatchlist,
# FileProfile), stored (allow-listed), let (defined in the query) or unknown.
#
# Usage: tools/function_usage.sh [OUT.tsv]     (default: target/function-usage.tsv)
# Needs ../shared (or RULELAB_SHARED).
set -eu
cd "$(dirname "$0")/.."
out="${1:-target/function-usage.tsv}"
mkdir -p "$(dirname "$out")"
RULELAB_FUNCTION_USAGE="$(realpath -m "$out")" \
  cargo test -q -p rulelab-tests --test kql_function_catalog -- --nocapture
echo "name<TAB>calls<TAB>status in $out"
