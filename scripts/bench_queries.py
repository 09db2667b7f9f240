#!/usr/bin/env python3
"""Query benchmark: the four queries of ../shared/bench/queries on the canonical `http_events` data in
Sprite, DuckDB and Polars in the same run.

Sprite runs as `sprite up --no-collector` (release build) with the CSV loaded through `sprite load`;
its time is the `compile_ns + exec_ns` it reports. DuckDB's time is its execute call (with the small
result fetched); Polars' is `collect()` of the lazy query. Loading is excluded everywhere; each query's
time is the median of --runs runs after one warm-up.

    scripts/bench_queries.py [--rows 10000000] [--runs 5] [--markdown]
"""
import argparse, json, os, statistics, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from benchlib import release_binary  # noqa: E402
SHARED = os.environ.get("SPRITE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
QUERIES = os.path.join(SHARED, "bench", "queries")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_store import DUCK_TYPES, dataset  # noqa: E402


def post(url, body, timeout=600):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def sprite_times(path, runs, port=7199):
    sprite = release_binary("sprite")
    node = subprocess.Popen([sprite, "up", "--no-collector", "--retention", "off", "--memory", "12GiB",
                             "--listen", f"127.0.0.1:{port}", "--log-level", "warning"])
    server = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(server + "/healthz", timeout=1); break
            except Exception:
                time.sleep(0.1)
        t = time.time()
        subprocess.run([sprite, "load", "--server", server, "--table", "http_events", path], check=True)
        print(f"sprite: loaded in {time.time() - t:.1f}s", file=sys.stderr)
        out = {}
        for q in sorted(f for f in os.listdir(QUERIES) if f.endswith(".pxl")):
            script = open(os.path.join(QUERIES, q)).read()
            post(server + "/api/v1/query", {"script": script})  # warm-up
            samples = []
            for _ in range(runs):
                r = post(server + "/api/v1/query", {"script": script})
                samples.append((r["stats"]["compile_ns"] + r["stats"]["exec_ns"]) / 1e9)
            out[q[:2].upper()] = (statistics.median(samples), sum(len(t["rows"]) for t in r["tables"]))
        return out
    finally:
        node.terminate()
        node.wait()


def duckdb_times(path, runs):
    import duckdb
    con = duckdb.connect(":memory:")
    cols = ", ".join(f"'{k}': '{v}'" for k, v in DUCK_TYPES.items())
    con.execute(f"CREATE TABLE http_events AS SELECT * FROM read_csv('{path}', header=true, columns={{{cols}}})")
    sql = open(os.path.join(QUERIES, "peers.sql")).read()
    queries = {}
    for block in sql.split("-- ")[1:]:
        name, _, body = block.partition("\n")
        queries[name.strip()] = body.strip()
    out = {}
    for name, q in queries.items():
        con.execute(q).fetchall()
        samples = []
        for _ in range(runs):
            t = time.perf_counter(); rows = con.execute(q).fetchall(); samples.append(time.perf_counter() - t)
        out[name] = (statistics.median(samples), len(rows))
    return out


def polars_times(path, runs):
    import polars as pl
    df = pl.read_csv(path).lazy().collect().lazy()
    s = pl.col
    queries = {
        "Q1": df.group_by("upid").agg(
            s("latency").count().alias("requests"), (s("resp_status") >= 400).mean().alias("error_rate"),
            s("latency").mean().alias("lat_mean"), s("latency").quantile(0.5).alias("p50"),
            s("latency").quantile(0.99).alias("p99"), s("resp_body_size").sum().alias("bytes_out")),
        "Q2": df.filter(s("req_path").str.contains("/orders/", literal=True) & (s("resp_status") >= 500))
                .group_by("req_path").agg(s("latency").count().alias("n"), s("latency").max().alias("worst")),
        "Q3": df.with_columns((s("time_") - s("time_") % 10_000_000_000).alias("timestamp"))
                .group_by("timestamp", "req_method").agg(s("latency").count().alias("n"), s("latency").mean().alias("lat")),
        "Q4": df.group_by("req_path").agg(s("latency").count().alias("n"), s("latency").mean().alias("lat"))
                .join(df.filter(s("resp_status") >= 500).group_by("req_path").agg(s("latency").count().alias("errors")),
                      on="req_path", how="left")
                .with_columns((s("errors") / s("n")).alias("err_rate")),
    }
    out = {}
    for name, q in queries.items():
        q.collect()
        samples = []
        for _ in range(runs):
            t = time.perf_counter(); r = q.collect(); samples.append(time.perf_counter() - t)
        out[name] = (statistics.median(samples), r.height)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    path = dataset(a.rows)
    sp = sprite_times(path, a.runs)
    dk = duckdb_times(path, a.runs)
    pl_ = polars_times(path, a.runs)
    rows = []
    for q in ["Q1", "Q2", "Q3", "Q4"]:
        s, d, p = sp[q][0], dk[q][0], pl_[q][0]
        rows.append((q, s, d, p, s / d, s / p, sp[q][1], dk[q][1]))
    if a.markdown:
        print(f"| query | Sprite (s) | DuckDB (s) | Polars (s) | Sprite/DuckDB | Sprite/Polars | result rows (Sprite/DuckDB) |")
        print("|---|---|---|---|---|---|---|")
        for r in rows:
            print(f"| {r[0]} | {r[1]:.3f} | {r[2]:.3f} | {r[3]:.3f} | {r[4]:.2f} | {r[5]:.2f} | {r[6]}/{r[7]} |")
    else:
        print(f"{'query':6s} {'sprite':>8s} {'duckdb':>8s} {'polars':>8s} {'s/duck':>7s} {'s/pol':>7s}  rows")
        for r in rows:
            print(f"{r[0]:6s} {r[1]:8.3f} {r[2]:8.3f} {r[3]:8.3f} {r[4]:7.2f} {r[5]:7.2f}  {r[6]}/{r[7]}")


if __name__ == "__main__":
    main()
