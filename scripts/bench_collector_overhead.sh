#!/usr/bin/env bash
# Collector overhead: wrk against nginx on loopback, alternating rounds without and with the
# collector, then the throughput ratio, p99 latency ratio and the collector's CPU.
# Completeness: N requests with unique paths /seq/<i>, then how many distinct ones reached
# http_events (server side), each exactly once.
#
#   scripts/bench_collector_overhead.sh                  # build and use sprite-collector-bench
#   COLLECTOR_CMD="sprite edge" scripts/bench_collector_overhead.sh   # any command; stopped with SIGINT
#
# Env: ROUNDS (3), DURATION seconds per round (10), CONNECTIONS (32), THREADS (2), SEQ_N (100000).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3} DURATION=${DURATION:-10} CONNECTIONS=${CONNECTIONS:-32} THREADS=${THREADS:-2} SEQ_N=${SEQ_N:-100000}
if [ -z "${COLLECTOR_CMD:-}" ]; then
  swift build -c release --scratch-path .build-collector --product sprite-collector-bench >&2
  COLLECTOR_CMD="$(swift build -c release --scratch-path .build-collector --show-bin-path)/sprite-collector-bench"
fi
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "hello from nginx" > "$work/index.html"
cat > "$work/nginx.conf" <<CONF
daemon off; worker_processes 1; error_log $work/error.log; pid $work/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $work; location /seq/ { return 200 "ok"; } } }
CONF
nginx -p "$work" -c "$work/nginx.conf" & nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; [ -n "${cpid:-}" ] && kill -INT $cpid 2>/dev/null; rm -rf "$work"' EXIT
sleep 1

run_wrk() {  # prints "requests_per_sec p99_ms"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/index.html" | awk '
    /Requests\/sec/ {rps=$2}
    /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
    END {print rps, p99}'
}
start_collector() {
  $COLLECTOR_CMD > "$work/collector.json" 2> "$work/collector.err" & cpid=$!
  for _ in $(seq 100); do grep -q running "$work/collector.err" 2>/dev/null && break; sleep 0.1; done
  sleep 1
}
stop_collector() { kill -INT $cpid; wait $cpid || true; cpid=; }

echo "round,mode,rps,p99_ms"
base_rps=() base_p99=() with_rps=() with_p99=() cpu=()
for r in $(seq "$ROUNDS"); do
  read -r rps p99 < <(run_wrk); base_rps+=("$rps"); base_p99+=("$p99"); echo "$r,without,$rps,$p99"
  start_collector
  read -r rps p99 < <(run_wrk); with_rps+=("$rps"); with_p99+=("$p99"); echo "$r,with,$rps,$p99"
  stop_collector
  c=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("cpu_seconds", 0))' "$work/collector.json" 2>/dev/null || echo 0)
  cpu+=("$c")
done
python3 - "$DURATION" "${base_rps[*]}" "${with_rps[*]}" "${base_p99[*]}" "${with_p99[*]}" "${cpu[*]}" <<'PY'
import sys, statistics as st
d = float(sys.argv[1]); f = lambda s: [float(x) for x in s.split()]
b, w, bp, wp, cpu = map(f, sys.argv[2:7])
print(f"throughput ratio (median with / median without): {st.median(w)/st.median(b):.3f}")
print(f"p99 latency ratio (median with / median without): {st.median(wp)/st.median(bp):.3f}")
print(f"collector CPU per round (includes start/stop): {', '.join(f'{c:.2f}s' for c in cpu)} over ~{d+2:.0f}s")
PY

# Completeness: SEQ_N unique paths through wrk with a Lua script, collector running.
cat > "$work/seq.lua" <<LUA
local i, done, n = -1, 0, $SEQ_N
request = function()
  i = i + 1
  if i >= n then return wrk.format("GET", "/after-seq") end
  return wrk.format("GET", "/seq/" .. i)
end
response = function()
  done = done + 1
  if done >= n then wrk.thread:stop() end
end
LUA
start_collector
# One connection issuing SEQ_N /seq requests back to back (then /after-seq until SEQ_DURATION ends;
# wrk 4.1 ignores wrk.thread:stop()). SEQ_DURATION must be long enough to reach SEQ_N.
wrk -t1 -c1 -d"${SEQ_DURATION:-30}s" -s "$work/seq.lua" "http://127.0.0.1:$port" > "$work/seq.txt"
grep -E "requests in|Requests/sec" "$work/seq.txt"
sleep 2
stop_collector
echo "completeness (N=$SEQ_N):"
cat "$work/collector.json"
python3 - "$work/collector.json" "$SEQ_N" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
print(f"distinct /seq paths in http_events (server side): {r['seq_distinct_server']} of {n}; rows {r['seq_rows_server']} (duplicates {r['seq_rows_server'] - r['seq_distinct_server']}); drops {r['drops']}")
PY
