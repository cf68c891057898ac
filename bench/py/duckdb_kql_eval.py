"""KQL evaluation benchmark, duckdb-kql side (KQL translated to DuckDB SQL).

    python bench/py/duckdb_kql_eval.py --data DIR [--iterations N]

Loads the generated NDJSON into DuckDB once (timed), writes Parquet and times loading it
back (the figure the issue quotes), then times each query of bench/kql-eval-queries.json
(median of N runs) with `query_now` at the same instant as the other engines. Prints one
JSON object.
"""

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import time

import duckdb
import duckdb_kql

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLES = ["DeviceProcessEvents", "DeviceNetworkEvents"]
NOW = "2025-10-01T12:00:00Z"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(ROOT, "target/bench/eval"))
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()

    con = duckdb.connect()
    load = []
    for table in TABLES:
        path = os.path.join(args.data, f"{table}.ndjson")
        started = time.perf_counter()
        con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_json_auto(?, format='newline_delimited', timestampformat='%Y-%m-%dT%H:%M:%S.%fZ')",
            [path],
        )
        # Datetime columns as datetimes (read_json_auto leaves ISO strings with `Z` as text).
        for (column,) in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND (column_name LIKE '%Time%' OR column_name = 'Timestamp')",
            [table],
        ).fetchall():
            con.execute(f'ALTER TABLE {table} ALTER "{column}" TYPE TIMESTAMP USING CAST("{column}" AS TIMESTAMP)')
        ndjson_ms = (time.perf_counter() - started) * 1000
        parquet = os.path.join(args.data, f"{table}.parquet")
        con.execute(f"COPY {table} TO '{parquet}' (FORMAT parquet)")
        con.execute(f"DROP TABLE {table}")
        started = time.perf_counter()
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM read_parquet(?)", [parquet])
        parquet_ms = (time.perf_counter() - started) * 1000
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        size = os.path.getsize(path)
        load.append({
            "table": table, "rows": rows, "bytes": size, "ndjson_load_ms": ndjson_ms,
            "mb_per_s": size / 1e6 / (ndjson_ms / 1000), "parquet_load_ms": parquet_ms,
        })

    with open(os.path.join(ROOT, "bench/kql-eval-queries.json")) as f:
        queries = json.load(f)
    now = datetime.datetime(2025, 10, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
    results = []
    for query in queries:
        times, answer = [], None
        for _ in range(max(1, args.iterations)):
            started = time.perf_counter()
            try:
                rows = duckdb_kql.query(con, query["kql"], query_now=now).fetchall()
                answer = {"rows": len(rows), "first": [str(v) for v in rows[0]] if rows else None}
            except Exception as error:  # report, do not stop the run
                answer = {"error": f"{type(error).__name__}: {error}"[:300]}
            times.append((time.perf_counter() - started) * 1000)
        results.append({"name": query["name"], "ms": statistics.median(times), "answer": answer})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"engine": "duckdb-kql", "load": load, "queries": results, "peak_rss_mib": peak}))


if __name__ == "__main__":
    sys.exit(main())
