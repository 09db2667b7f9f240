#!/usr/bin/env bash
# Collector benchmarks against nginx on loopback, with `sprite edge` (release build) as the
# collector. Figures go to docs/benchmarks.md (## Collector overhead, ## Completeness).
#
#   scripts/bench_collector.sh overhead       # alternating rounds without / with the collector
#   scripts/bench_collector.sh completeness   # N unique /seq/<i> requests, then count them in http_events
#   scripts/bench_collector.sh all
#
# overhead:     ROUNDS (5) pairs of DURATION-second (10) wrk runs, the order alternating
#               (without,with / with,without / ...); wrk -t1 -cCONNECTIONS (32) pinned to CPU
#               WRK_CPU (1), nginx with 1 worker pinned to NGINX_CPU (0), the collector unpinned.
#               Prints medians, the throughput and p99 ratios, and the collector's CPU during the
#               "with" runs (utime+stime from /proc/<pid>/stat). BPF_STATS=1 adds one run with
#               kernel.bpf_stats_enabled=1 and prints the kernel-side ns per program and per request.
# completeness: SEQ_N (100000) requests with unique paths split over SEQ_CLIENTS (4) h2load -p
#               http/1.1 processes (one connection each, SEQ_PIPELINE (1) requests in flight), then
#               the distinct /seq paths among server-side http_events rows (each must appear once).
# EDGE_ARGS adds flags to `sprite edge` (e.g. EDGE_ARGS="--poll-interval 2ms").
# Every step runs under `timeout`; the whole run is bounded (overhead: ~ROUNDS*2*(DURATION+5) s).
# Needs root, nginx, wrk, h2load (nghttp2-client), taskset; perf (linux-perf) for wrk's CPU time
# (without it the nginx+wrk figure is nginx's only); bpftool for BPF_STATS.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-all}
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-10} CONNECTIONS=${CONNECTIONS:-32}
NGINX_CPU=${NGINX_CPU:-0} WRK_CPU=${WRK_CPU:-1}
SEQ_N=${SEQ_N:-100000} SEQ_CLIENTS=${SEQ_CLIENTS:-4} SEQ_PIPELINE=${SEQ_PIPELINE:-1}

source scripts/collector_bench_lib.sh
port=$(free_port)
echo "hello from nginx" > "$work/index.html"
cat > "$work/nginx.conf" <<CONF
daemon off; worker_processes 1; error_log $work/error.log; pid $work/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work; keepalive_requests 10000000;
  server { listen 127.0.0.1:$port; root $work; location /seq/ { return 200 "ok"; } } }
CONF
start_nginx "http://127.0.0.1:$port/index.html"

collector_stats() {  # drops, parse errors and events of the running collector
  printf "import px\ndf = px.DataFrame(table='sprite_collector_stats')\npx.display(df[['events', 'drops', 'parse_errors', 'message']], 's')\n" | query | tail -1
}

nginx_worker() { pgrep -P "$nginx_pid" | head -1; }
run_wrk() {  # prints "requests_per_sec p99_ms requests workload_cpu_us_per_request"
  local w t0 t1 tck; w=$(nginx_worker); tck=$(getconf CLK_TCK); t0=$(cpu_ticks "$w")
  local stat=()  # wrk's CPU time through perf stat (linux-perf) when available
  if perf stat -x, -e task-clock -o /dev/null true 2>/dev/null; then stat=(perf stat -x, -e task-clock -o "$work/wrk.stat"); fi
  : > "$work/wrk.stat"
  timeout $((DURATION + 30)) taskset -c "$WRK_CPU" "${stat[@]}" \
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/index.html" > "$work/wrk.txt"
  t1=$(cpu_ticks "$w")
  local wrk_ms; wrk_ms=$(awk -F, '/task-clock/ {print $1}' "$work/wrk.stat"); wrk_ms=${wrk_ms:-0}
  awk -v nginx_s="$(( t1 - t0 ))" -v tck="$tck" -v wrk_ms="$wrk_ms" '
    /Requests\/sec/ {rps=$2}
    /requests in/ {n=$1}
    /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
    END {printf "%s %s %s %.2f\n", rps, p99, n, (nginx_s / tck + wrk_ms / 1000) * 1e6 / (n > 0 ? n : 1)}' "$work/wrk.txt"
}

other_tracers() {  # syscall-tracepoint BPF programs attached by other processes (other collectors)
  if command -v bpftool >/dev/null; then bpftool prog show 2>/dev/null | grep -cE "tracepoint +name (exit_read|exit_write) " || true; else echo "?"; fi
}

overhead() {
  echo "## overhead: $(nproc) CPUs, load before: $(cut -d' ' -f1-3 /proc/loadavg), other tracers' read/write programs attached: $(other_tracers), nginx on CPU $NGINX_CPU, wrk -t1 -c$CONNECTIONS on CPU $WRK_CPU, ${DURATION}s x $ROUNDS rounds"
  echo "round,mode,rps,p99_ms,nginx_wrk_cpu_us_per_request,collector_cpu_pct,collector_us_per_request"
  local rows=()
  measure_with() {
    start_collector
    local t0 t1; t0=$(cpu_ticks "$cpid")
    read -r rps p99 n load < <(run_wrk)
    t1=$(cpu_ticks "$cpid")
    local tck; tck=$(getconf CLK_TCK)
    local pct us
    pct=$(python3 -c "print(f'{($t1-$t0)/$tck/$DURATION*100:.1f}')")
    us=$(python3 -c "print(f'{($t1-$t0)/$tck*1e6/max(1,$n):.2f}')")
    echo "$1,with,$rps,$p99,$load,$pct,$us"; rows+=("with $rps $p99 $pct $us $load")
    stop_collector
  }
  measure_without() {
    read -r rps p99 n load < <(run_wrk)
    echo "$1,without,$rps,$p99,$load,,"; rows+=("without $rps $p99 0 0 $load")
  }
  for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) -eq 1 ]; then measure_without "$r"; measure_with "$r"; else measure_with "$r"; measure_without "$r"; fi
  done
  printf '%s\n' "${rows[@]}" | python3 -c '
import sys, statistics as st
w = {"with": [], "without": []}
for line in sys.stdin:
    m, rps, p99, pct, us, load = line.split(); w[m].append((float(rps), float(p99), float(pct), float(us), float(load)))
med = lambda xs: st.median(xs)
b_rps, w_rps = med([x[0] for x in w["without"]]), med([x[0] for x in w["with"]])
b_p99, w_p99 = med([x[1] for x in w["without"]]), med([x[1] for x in w["with"]])
print(f"median rps without {b_rps:.0f}, with {w_rps:.0f}: throughput ratio {w_rps/b_rps:.3f} (target >= 0.97)")
print(f"median p99 without {b_p99:.2f} ms, with {w_p99:.2f} ms: p99 ratio {w_p99/b_p99:.3f} (target <= 1.10)")
cpu, us = med([x[2] for x in w["with"]]), med([x[3] for x in w["with"]])
print(f"collector process CPU while traced: median {cpu:.1f}% of one CPU, {us:.2f} us per request")
b_load, w_load = med([x[4] for x in w["without"]]), med([x[4] for x in w["with"]])
print(f"nginx+wrk CPU per request: median {b_load:.2f} us without, {w_load:.2f} us with (+{w_load - b_load:.2f} us: BPF programs and tracepoints in their syscalls)")
print(f"CPU-bound estimate, noise-free: without / (with + collector) = {b_load / (w_load + us):.3f}")
'
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg), other tracers' read/write programs attached: $(other_tracers)"
  if [ "${BPF_STATS:-0}" = 1 ]; then bpf_stats; fi
}

bpf_stats() {  # kernel-side cost per program during one traced wrk run
  start_collector
  sysctl -q kernel.bpf_stats_enabled=1
  bpftool prog show -j > "$work/p0.json"
  read -r rps p99 n load < <(run_wrk)
  bpftool prog show -j > "$work/p1.json"
  sysctl -q kernel.bpf_stats_enabled=0
  stop_collector
  echo "## BPF cost with kernel.bpf_stats_enabled=1 ($rps req/s; all loaded programs, other tools' included)"
  python3 - "$work/p0.json" "$work/p1.json" "$n" <<'PY'
import json, sys
a = {p["id"]: p for p in json.load(open(sys.argv[1]))}
n = int(sys.argv[3]); total = 0
for p in json.load(open(sys.argv[2])):
    q = a.get(p["id"])
    if not q or "name" not in p: continue
    dt, dc = p.get("run_time_ns", 0) - q.get("run_time_ns", 0), p.get("run_cnt", 0) - q.get("run_cnt", 0)
    if dc <= 0: continue
    total += dt
    print(f"  {p['name']:18s} runs/request {dc/n:6.2f}  ns/run {dt/dc:6.0f}  ns/request {dt/n:6.0f}")
print(f"  total BPF ns per request: {total/n:.0f}")
PY
}

completeness() {
  echo "## completeness: N=$SEQ_N over $SEQ_CLIENTS h2load clients, pipeline $SEQ_PIPELINE, load before: $(cut -d' ' -f1-3 /proc/loadavg), other tracers: $(other_tracers)"
  local per=$(( (SEQ_N + SEQ_CLIENTS - 1) / SEQ_CLIENTS ))
  python3 - "$work" "$port" "$SEQ_N" "$SEQ_CLIENTS" <<'PY'
import sys
work, port, n, k = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
per = (n + k - 1) // k
for c in range(k):
    with open(f"{work}/uris{c}.txt", "w") as f:
        for i in range(c * per, min(n, (c + 1) * per)):
            f.write(f"http://127.0.0.1:{port}/seq/{i}\n")
PY
  start_collector
  local t0; t0=$(date +%s.%N)
  local pids=()
  for c in $(seq 0 $((SEQ_CLIENTS - 1))); do
    local count; count=$(wc -l < "$work/uris$c.txt")
    timeout 300 h2load -p http/1.1 -c1 -m"$SEQ_PIPELINE" -n"$count" -i "$work/uris$c.txt" > "$work/h2load$c.txt" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  local t1; t1=$(date +%s.%N)
  local ok; ok=$(cat "$work"/h2load*.txt | awk '/^requests:/ {s += $8} END {print s}')
  echo "sent: $ok requests succeeded (h2load) in $(python3 -c "print(f'{$t1-$t0:.1f}')") s = $(python3 -c "print(f'{$ok/($t1-$t0):.0f}')") req/s"
  # Rows are appended every flush interval (500 ms); wait until the count stops growing.
  local script="import px
df = px.DataFrame(table='http_events')
df = df[px.contains(df.req_path, '/seq/')]
df = df.groupby(['trace_role', 'req_path']).agg(n=('latency', px.count))
df = df.groupby(['trace_role', 'n']).agg(paths=('req_path', px.count))
px.display(df, 'counts')"
  local prev= now=
  for _ in $(seq 60); do
    now=$(echo "$script" | query | tail -n +2 | sort)
    [ -n "$now" ] && [ "$now" = "$prev" ] && break
    prev=$now; sleep 1
  done
  echo "rows per distinct /seq path (trace_role,n,paths; 1 = client h2load, 2 = server nginx):"; echo "$now"
  # The collector writes its counters every 10 s: wait for a row written after the run.
  for _ in $(seq 120); do case "$(collector_stats | cut -d, -f4)" in started*) sleep 0.1 ;; *) break ;; esac; done
  echo "collector so far (events, drops, parse_errors, message): $(collector_stats)"
  stop_collector
  echo "$now" | python3 -c '
import sys
n = int(sys.argv[1]); out = {1: [0, 0, 0], 2: [0, 0, 0]}
for line in sys.stdin:
    if not line.strip(): continue
    role, k, c = map(int, line.split(","))
    o = out.setdefault(role, [0, 0, 0]); o[0] += c; o[1] += k * c; o[2] += c if k == 1 else 0
for role, name in ((2, "server"), (1, "client")):
    paths, rows, once = out[role]
    print(f"{name} side: {paths} of {n} distinct /seq paths in http_events, {once} exactly once, {rows} rows")
' "$SEQ_N"
}

case "$mode" in
  overhead) overhead ;;
  completeness) completeness ;;
  all) overhead; completeness ;;
  *) echo "usage: $0 overhead|completeness|all" >&2; exit 2 ;;
esac
