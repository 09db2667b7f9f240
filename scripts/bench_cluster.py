#!/usr/bin/env python3
"""Cluster benchmark: the canonical `http_events` data split across three edges and one aggregator,
against one node holding all of it.

- Transport: bytes the edges send the aggregator for Q1-Q4 with partial aggregation (the default)
  versus shipping the rows the aggregates read (`"partial_aggregation": false`: the filtered rows,
  only the columns the aggregate needs, in the same binary encoding). Reported by the broker as
  `stats.bytes_from_edges`.
- Latency: wall-clock time of each query through the broker (three edges) versus the same query on
  one `sprite edge` with all rows, both over HTTP from this script, median of --runs runs after a
  warm-up. All processes share this machine's cores.

Rows are dealt to the edges round-robin, so each edge covers the whole hour (as nodes running side
by side do). Release build; tokens on (as in production).

    scripts/bench_cluster.py [--rows 3000000] [--runs 7] [--markdown]
"""
import argparse, json, os, statistics, subprocess, sys, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from benchlib import release_binary  # noqa: E402
SHARED = os.environ.get("SPRITE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
QUERIES = os.path.join(SHARED, "bench", "queries")
if not os.path.isdir(QUERIES):
    QUERIES = os.path.join(ROOT, "Tests", "SpriteClusterTests", "Fixtures")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_store import dataset  # noqa: E402

TOKEN = "bench-token"
ENV = dict(os.environ, SPRITE_API_TOKENS=TOKEN, SPRITE_TOKEN=TOKEN)


def call(url, body=None, data=None, content_type="application/json", timeout=600):
    payload = data if data is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=payload, headers={"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


def wait_healthy(url):
    for _ in range(300):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return
        except Exception:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not start")


def split_csv(path, parts):
    outs = [f"{path}.part{i}of{parts}" for i in range(parts)]
    if all(os.path.exists(o) for o in outs):
        return outs
    with open(path) as f:
        header = f.readline()
        files = [open(o, "w") for o in outs]
        for fh in files:
            fh.write(header)
        for i, line in enumerate(f):
            files[i % parts].write(line)
        for fh in files:
            fh.close()
    return outs


def timed(url, script, runs, extra=None):
    body = {"script": script, **(extra or {})}
    call(url + "/api/v1/query", body)  # warm-up
    samples, answer = [], None
    for _ in range(runs):
        t = time.perf_counter()
        answer = call(url + "/api/v1/query", body)
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), answer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=3_000_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    path = dataset(a.rows)
    parts = split_csv(path, 3)
    sprite = release_binary("sprite")
    procs = []
    common = ["--no-collector", "--retention", "off", "--memory", "6GiB", "--log-level", "warning"]

    def start(args):
        p = subprocess.Popen([sprite] + args, env=ENV)
        procs.append(p)
        return p

    try:
        agg = "http://127.0.0.1:7301"
        start(["aggregator", "--listen", "127.0.0.1:7301", "--log-level", "warning"])
        wait_healthy(agg)
        edges = []
        for i in range(3):
            url = f"http://127.0.0.1:{7311 + i}"
            start(["edge", "--listen", f"127.0.0.1:{7311 + i}", "--join", agg, "--name", f"edge{i}", "--heartbeat", "1s"] + common)
            edges.append(url)
        single = "http://127.0.0.1:7321"
        start(["edge", "--listen", "127.0.0.1:7321"] + common)
        for u in edges + [single]:
            wait_healthy(u)
        t = time.time()
        for u, p in zip(edges, parts):
            call(u + "/api/v1/tables/http_events/csv", data=open(p, "rb").read(), content_type="text/csv")
        call(single + "/api/v1/tables/http_events/csv", data=open(path, "rb").read(), content_type="text/csv")
        print(f"loaded in {time.time() - t:.1f}s", file=sys.stderr)
        for _ in range(100):
            agents = call(agg + "/api/v1/agents")["agents"]
            if sum(1 for x in agents if x["status"] == "ok") == 3:
                break
            time.sleep(0.1)
        results = []
        for q in sorted(f for f in os.listdir(QUERIES) if f.endswith(".pxl")):
            script = open(os.path.join(QUERIES, q)).read()
            t_cluster, ans = timed(agg, script, a.runs)
            assert all(x["status"] == "ok" for x in ans["agents"]), ans["agents"]
            _, rows_ans = timed(agg, script, 1, {"partial_aggregation": False})
            t_single, single_ans = timed(single, script, a.runs)
            n = sum(len(t["rows"]) for t in ans["tables"])
            assert n == sum(len(t["rows"]) for t in single_ans["tables"]), q
            results.append((q[:2].upper(), n, ans["stats"]["bytes_from_edges"], rows_ans["stats"]["bytes_from_edges"],
                            t_cluster, t_single))
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait()

    if a.markdown:
        print(f"| query | result rows | bytes edge→aggregator, partial aggregates | bytes, filtered rows shipped | ratio | "
              f"latency, 3 edges + aggregator | latency, one node | ratio |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for q, n, pb, rb, tc, ts in results:
            print(f"| {q} | {n:,} | {pb:,} | {rb:,} | {100 * pb / rb:.3f}% | {tc * 1000:.1f} ms | {ts * 1000:.1f} ms | {tc / ts:.2f}x |")
    else:
        for q, n, pb, rb, tc, ts in results:
            print(f"{q}: rows {n}, partial {pb} B vs rows {rb} B ({100 * pb / rb:.3f}%), "
                  f"cluster {tc * 1000:.1f} ms vs one node {ts * 1000:.1f} ms ({tc / ts:.2f}x)")


if __name__ == "__main__":
    main()
