#!/usr/bin/env python3
"""OTLP export benchmark: `http_events` rows exported as spans (scripts/pxl/export_http_spans.pxl)
to the real OTLP receiver on loopback (`scripts/otlp_receiver.py --count-only`), protobuf with gzip
off and on. Reports Sprite's encode-only rate, the query step on each path (store directly; through
the coordinator as `sprite up` runs it; through an aggregator with one loopback edge), the
end-to-end spans/s and the bytes per span on the wire. Release build.

    scripts/bench_otlp.py [--rows 200000] [--markdown]
"""
import argparse, json, os, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from benchlib import print_measures, release_binary  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    bench = release_binary("sprite-otlp-bench")
    receiver = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "otlp_receiver.py"), "0", "--count-only"],
                                stdout=subprocess.PIPE, text=True)
    try:
        port = int(receiver.stdout.readline().split()[1])
        out = json.loads(subprocess.run([bench, "--rows", str(a.rows), "--receiver", f"http://127.0.0.1:{port}",
                                         "--script", os.path.join(ROOT, "scripts", "pxl", "export_http_spans.pxl")],
                                        check=True, capture_output=True, text=True).stdout)
    finally:
        receiver.kill()
    rows = [
        ("spans exported", f"{int(out['gzip_spans']):,}"),
        ("encode only (plan + build + protobuf), spans/s", f"{out['encode_spans_per_s']:,.0f}"),
        ("query step only, on the store directly, spans/s", f"{out['query_direct_spans_per_s']:,.0f}"),
        ("query step only, through the coordinator, local edge (sprite up), spans/s", f"{out['query_up_spans_per_s']:,.0f}"),
        ("query step only, through the coordinator, one loopback edge (sprite aggregator), spans/s", f"{out['query_aggregator_spans_per_s']:,.0f}"),
        ("compiling the script once, µs", f"{out['compile_us']:,.0f}"),
        ("to the receiver, sprite up path, gzip off, spans/s", f"{out['plain_spans_per_s']:,.0f}"),
        ("to the receiver, sprite up path, gzip on, spans/s", f"{out['gzip_spans_per_s']:,.0f}"),
        ("to the receiver, aggregator + one loopback edge, gzip on, spans/s", f"{out['aggregator_gzip_spans_per_s']:,.0f}"),
        ("bytes per span on the wire, gzip off", f"{out['plain_wire_bytes_per_span']:.1f}"),
        ("bytes per span on the wire, gzip on", f"{out['gzip_wire_bytes_per_span']:.1f}"),
    ]
    print_measures(rows, a.markdown, width=50)


if __name__ == "__main__":
    main()
