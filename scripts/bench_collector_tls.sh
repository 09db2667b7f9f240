#!/usr/bin/env bash
# TLS capture overhead: wrk against nginx on loopback over HTTPS (uprobes on OpenSSL in nginx and
# in wrk) and, in the same run for comparison, over plain HTTP (syscall tracepoints only), with
# `sprite edge` (release build) as the collector, set up as scripts/bench_collector.sh does.
# Figures go to docs/benchmarks.md (## TLS capture overhead).
#
#   scripts/bench_collector_tls.sh
#
# ROUNDS (5) rounds; each runs both schemes without the collector and with it, the order of the
# two alternating between rounds; DURATION (10) seconds per wrk run; wrk -t1 -cCONNECTIONS (32)
# pinned to CPU WRK_CPU (1), nginx with one worker pinned to NGINX_CPU (0), the collector not
# pinned. Prints per run: req/s, p99, the collector's CPU per request (utime+stime from
# /proc/<pid>/stat), and its TLS rows and drops; then medians and the with/without ratios.
# EDGE_ARGS adds flags to `sprite edge` (e.g. EDGE_ARGS="--poll-interval 2ms").
# Needs root, nginx, wrk, openssl, taskset; bpftool to warn about other tools' libssl uprobes
# (uprobes belong to the library file, so another collector on the host slows "without" too).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5} DURATION=${DURATION:-10} CONNECTIONS=${CONNECTIONS:-32}
NGINX_CPU=${NGINX_CPU:-0} WRK_CPU=${WRK_CPU:-1}

source scripts/collector_bench_lib.sh
port=$(free_port) tls_port=$(free_port)
echo "hello from nginx" > "$work/index.html"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 2 -subj /CN=localhost 2>/dev/null
cat > "$work/nginx.conf" <<CONF
daemon off; worker_processes 1; error_log $work/error.log; pid $work/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work; keepalive_requests 10000000;
  server { listen 127.0.0.1:$port; root $work; }
  server { listen 127.0.0.1:$tls_port ssl; root $work;
    ssl_certificate $work/cert.pem; ssl_certificate_key $work/key.pem; } }
CONF
start_nginx "https://127.0.0.1:$tls_port/index.html"

rows_since() {  # $1 = encrypted (true/false), $2 = start ns: http_events rows and the ring's drops
  printf "import px\ndf = px.DataFrame(table='http_events', start_time=%s)\ndf = df[df.encrypted == %s]\ndf = df.agg(n=('latency', px.count))\npx.display(df, 'n')\n" \
    "$2" "$([ "$1" = true ] && echo True || echo False)" | query | tail -1
}
drops() { printf "import px\ndf = px.DataFrame(table='sprite_collector_stats')\ndf = df.agg(d=('drops', px.max))\npx.display(df, 'd')\n" | query | tail -1; }
foreign_uprobes() { bpftool perf list 2>/dev/null | grep -c "libssl" || true; }

run_wrk() {  # $1 = URL; prints "requests_per_sec p99_ms requests"
  timeout $((DURATION + 30)) taskset -c "$WRK_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" | awk '
    /Requests\/sec/ {rps=$2}
    /requests in/ {n=$1}
    /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
    END {print rps, p99, n}'
}

echo "## TLS overhead: $(nproc) CPUs, load before: $(cut -d' ' -f1-3 /proc/loadavg), nginx on CPU $NGINX_CPU, wrk -t1 -c$CONNECTIONS on CPU $WRK_CPU, ${DURATION}s x $ROUNDS rounds"
echo "round,mode,scheme,rps,p99_ms,collector_us_per_request,rows,drops"
results=()
measure() {  # $1 round, $2 mode
  local r=$1 mode=$2 scheme url
  [ "$mode" = without ] && [ "$(foreign_uprobes)" != 0 ] && echo "  warning: $(foreign_uprobes) libssl uprobes of another process attached during this round" >&2
  # TLS discovery attaches to nginx's and wrk's libssl right after the start row.
  if [ "$mode" = with ]; then start_collector; sleep 1; fi
  for scheme in http https; do
    if [ "$scheme" = http ]; then url="http://127.0.0.1:$port/index.html"; else url="https://127.0.0.1:$tls_port/index.html"; fi
    local t0=0 since; since=$(date +%s%N)
    [ "$mode" = with ] && t0=$(cpu_ticks "$cpid")
    read -r rps p99 n < <(run_wrk "$url")
    local us="" rows="" d=""
    if [ "$mode" = with ]; then
      us=$(python3 -c "import os; print(f'{($(cpu_ticks "$cpid")-$t0)/os.sysconf(\"SC_CLK_TCK\")*1e6/max(1,$n):.2f}')")
      sleep 1  # rows are appended every 500 ms
      rows=$(rows_since "$([ "$scheme" = https ] && echo true || echo false)" "$since")
      d=$(drops)
    fi
    echo "$r,$mode,$scheme,$rps,$p99,$us,$rows,$d"
    results+=("$mode $scheme $rps $p99 ${us:-0}")
  done
  [ "$mode" = with ] && stop_collector
  return 0
}
for r in $(seq "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then measure "$r" without; measure "$r" with; else measure "$r" with; measure "$r" without; fi
done
printf '%s\n' "${results[@]}" | python3 -c '
import sys, statistics as st
v = {}
for line in sys.stdin:
    mode, scheme, rps, p99, us = line.split()
    v.setdefault((mode, scheme), []).append((float(rps), float(p99), float(us)))
med = lambda xs: st.median(xs)
for scheme in ("http", "https"):
    b, w = v[("without", scheme)], v[("with", scheme)]
    br, wr = med([x[0] for x in b]), med([x[0] for x in w])
    bp, wp = med([x[1] for x in b]), med([x[1] for x in w])
    print(f"{scheme:5s}: rps without {br:.0f}, with {wr:.0f}, throughput ratio {wr/br:.3f}; p99 without {bp:.2f} ms, with {wp:.2f} ms, "
          f"p99 ratio {wp/bp:.3f}; collector {med([x[2] for x in w]):.2f} us CPU per request")
'
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
