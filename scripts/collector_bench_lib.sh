#!/usr/bin/env bash
# Shared by scripts/bench_collector.sh and scripts/bench_collector_tls.sh (sourced, not run):
# the release `sprite` binary, a work directory, and `sprite edge` started and stopped around the
# "with" runs. Expects `set -euo pipefail` and the repository root as the working directory.
# Defines: SPRITE_BIN, work, api, free_port, query, start_collector, stop_collector, cpu_ticks,
# start_nginx (and an EXIT trap that stops nginx and the collector), nginx_pid,
# and cpid (the running collector's pid, empty when none runs).

if [ -z "${SPRITE_BIN:-}" ]; then
  timeout 3600 swift build -c release --product sprite >&2
  SPRITE_BIN="$(swift build -c release --show-bin-path)/sprite"
fi
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api=$(free_port)
cpid=

query() {  # PxL on stdin -> CSV on stdout
  timeout 60 "$SPRITE_BIN" run --server "http://127.0.0.1:$api" -f - -o csv
}
start_collector() {  # EDGE_ARGS adds flags to `sprite edge` (e.g. EDGE_ARGS="--poll-interval 2ms")
  "$SPRITE_BIN" edge --listen "127.0.0.1:$api" --log-level warning ${EDGE_ARGS:-} 2> "$work/collector.err" & cpid=$!
  # Ready once the collector wrote its start row (programs attached).
  for _ in $(seq 300); do
    if printf "import px\npx.display(px.DataFrame(table='sprite_collector_stats'), 's')\n" | query 2>/dev/null | grep -q started; then
      return
    fi
    kill -0 "$cpid" 2>/dev/null || { cat "$work/collector.err" >&2; exit 1; }
    sleep 0.1
  done
  echo "collector did not start within 30 s" >&2; cat "$work/collector.err" >&2; exit 1
}
stop_collector() { kill -INT "$cpid"; timeout 30 tail --pid="$cpid" -f /dev/null || kill -9 "$cpid"; wait "$cpid" 2>/dev/null || true; cpid=; }
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

nginx_pid=
cleanup() {
  [ -n "$cpid" ] && kill -INT "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
start_nginx() {  # $work/nginx.conf, one worker pinned to NGINX_CPU; $1 = a URL it serves once ready
  taskset -c "$NGINX_CPU" nginx -p "$work" -c "$work/nginx.conf" & nginx_pid=$!
  for _ in $(seq 50); do curl -fsk "$1" >/dev/null && break; sleep 0.1; done
}
