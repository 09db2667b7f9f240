#!/usr/bin/env python3
"""Table store benchmark: append throughput and bytes per row, beside DuckDB's in-memory size.

Generates the canonical `http_events` workload (../shared/bench/gen_http_events.py), loads it into
Sprite's store through `sprite-bench store` (release build) and into an in-memory DuckDB, and
prints Sprite's append rate and bytes per row hot and after compaction, DuckDB's bytes per row
(sum of duckdb_memory()), and the ratio cold/DuckDB (target <= 0.2).

    scripts/bench_store.py [--rows 10000000] [--markdown]
"""
import argparse, json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from benchlib import print_measures, release_binary  # noqa: E402
SHARED = os.environ.get("SPRITE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))

DUCK_TYPES = {
    "time_": "BIGINT", "upid": "UUID", "remote_addr": "VARCHAR", "remote_port": "BIGINT", "local_addr": "VARCHAR",
    "local_port": "BIGINT", "trace_role": "BIGINT", "encrypted": "BOOLEAN", "major_version": "BIGINT",
    "minor_version": "BIGINT", "content_type": "BIGINT", "req_headers": "VARCHAR", "req_method": "VARCHAR",
    "req_path": "VARCHAR", "req_body": "VARCHAR", "req_body_size": "BIGINT", "resp_headers": "VARCHAR",
    "resp_status": "BIGINT", "resp_message": "VARCHAR", "resp_body": "VARCHAR", "resp_body_size": "BIGINT",
    "latency": "BIGINT",
}


def dataset(rows):
    path = f"/tmp/sprite_http_events_{rows}.csv"
    if not os.path.exists(path):
        print(f"generating {rows:,} rows -> {path}", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(SHARED, "bench", "gen_http_events.py"), "--rows", str(rows),
                        "--out", path], check=True)
    return path


def duckdb_bytes(path):
    import duckdb
    con = duckdb.connect(":memory:")
    cols = ", ".join(f"'{k}': '{v}'" for k, v in DUCK_TYPES.items())
    con.execute(f"CREATE TABLE http_events AS SELECT * FROM read_csv('{path}', header=true, columns={{{cols}}})")
    n = con.execute("SELECT count(*) FROM http_events").fetchone()[0]
    mem = con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchone()[0]
    return n, mem


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table for docs/benchmarks.md")
    a = ap.parse_args()
    path = dataset(a.rows)
    bench = release_binary("sprite-bench")
    sprite = json.loads(subprocess.run([bench, "store", "--csv", path], check=True, capture_output=True, text=True).stdout)
    n, duck = duckdb_bytes(path)
    assert n == int(sprite["rows"]), (n, sprite["rows"])
    duck_per_row = duck / n
    ratio = sprite["cold_bytes_per_row"] / duck_per_row
    rows = [
        ("rows", f"{n:,}"),
        ("append throughput (rows/s, one core)", f"{sprite['append_rows_per_s']:,.0f}"),
        ("compaction throughput (rows/s)", f"{sprite['compact_rows_per_s']:,.0f}"),
        ("CSV parse throughput (rows/s)", f"{sprite['csv_parse_rows_per_s']:,.0f}"),
        ("Sprite hot bytes/row", f"{sprite['hot_bytes_per_row']:.1f}"),
        ("Sprite cold bytes/row", f"{sprite['cold_bytes_per_row']:.1f}"),
        ("DuckDB in-memory bytes/row", f"{duck_per_row:.1f}"),
        ("cold / DuckDB (target <= 0.20)", f"{ratio:.3f}"),
    ]
    print_measures(rows, a.markdown)


if __name__ == "__main__":
    main()
