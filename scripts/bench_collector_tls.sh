#!/usr/bin/env bash
# TLS capture overhead: wrk against nginx on loopback over HTTPS (uprobes on OpenSSL in nginx and
# in wrk) and, in the same run for comparison, over plain HTTP (syscall tracepoints only).
# Rounds alternate without and with the collector; reports throughput and p99 latency ratios
# (median with / median without) for both, the collector's CPU, and its TLS row count.
#
#   scripts/bench_collector_tls.sh                  # build and use sprite-collector-bench
#   COLLECTOR_CMD="sprite edge" scripts/bench_collector_tls.sh   # any command; stopped with SIGINT
#
# Env: ROUNDS (5), DURATION seconds per round (10), CONNECTIONS (32), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-10} CONNECTIONS=${CONNECTIONS:-32} THREADS=${THREADS:-2}
if [ -z "${COLLECTOR_CMD:-}" ]; then
  swift build -c release --scratch-path .build-collector --product sprite-collector-bench >&2
  COLLECTOR_CMD="$(swift build -c release --scratch-path .build-collector --show-bin-path)/sprite-collector-bench"
fi
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port) tls_port=$(free_port)
echo "hello from nginx" > "$work/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 2 -subj /CN=localhost 2>/dev/null
cat > "$work/nginx.conf" <<CONF
daemon off; worker_processes 1; error_log $work/error.log; pid $work/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; root $work; }
  server { listen 127.0.0.1:$tls_port ssl; root $work;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; } }
CONF
nginx -p "$work" -c "$work/nginx.conf" & nginx_pid=$!
trap 'kill $nginx_pid 2>/dev/null; [ -n "${cpid:-}" ] && kill -INT $cpid 2>/dev/null; rm -rf "$work"' EXIT
sleep 1

run_wrk() {  # $1 = URL; prints "requests_per_sec p99_ms"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '
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

# Uprobes live on the library file: another collector running anywhere on the host (a test run,
# another node process) slows every TLS call, "without" rounds included. Say so when it happens.
foreign_uprobes() { bpftool perf list 2>/dev/null | grep -c "libssl" || true; }
echo "round,mode,scheme,rps,p99_ms"
declare -A rps p99
for r in $(seq "$ROUNDS"); do
  for mode in without with; do
    [ "$mode" = without ] && [ "$(foreign_uprobes)" != 0 ] && echo "  warning: $(foreign_uprobes) libssl uprobes of another process attached during this round" >&2
    [ "$mode" = with ] && start_collector
    for scheme in http https; do
      if [ "$scheme" = http ]; then url="http://127.0.0.1:$port/index.html"; else url="https://127.0.0.1:$tls_port/index.html"; fi
      read -r a b < <(run_wrk "$url")
      rps[$mode,$scheme]+="$a " p99[$mode,$scheme]+="$b "
      echo "$r,$mode,$scheme,$a,$b"
    done
    if [ "$mode" = with ]; then
      stop_collector
      python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("  collector: cpu %.2fs, http rows %d, drops %d, parse errors %d" % (r["cpu_seconds"], r["http_rows"], r["drops"], r["parse_errors"]))' "$work/collector.json"
    fi
  done
done
python3 - "${rps[without,http]}" "${rps[with,http]}" "${p99[without,http]}" "${p99[with,http]}" \
  "${rps[without,https]}" "${rps[with,https]}" "${p99[without,https]}" "${p99[with,https]}" <<'PY'
import sys, statistics as st
f = lambda s: [float(x) for x in s.split()]
a = [f(x) for x in sys.argv[1:9]]
for name, (bw, ww, bp, wp) in (("http ", a[0:4]), ("https", a[4:8])):
    print(f"{name}: rps median without {st.median(bw):.0f}, with {st.median(ww):.0f}; throughput ratio {st.median(ww)/st.median(bw):.3f}; "
          f"p99 ms without {st.median(bp):.2f}, with {st.median(wp):.2f}; p99 ratio {st.median(wp)/st.median(bp):.3f}")
PY
