#!/usr/bin/env bash
# Kernel-side cost per syscall of the socket tracer's programs, this tree against BASE (a git
# revision, default main~1), on three paths: reads/writes on files (dd on /dev/zero -> /dev/null:
# fds that are not sockets), non-DNS UDP datagrams (sendto/recvfrom on loopback), and HTTP on
# known TCP connections (wrk against nginx). Each object is loaded and attached on its own by a
# small libbpf loader (no collector: the ring buffer has no consumer, identically for both), with
# kernel.bpf_stats_enabled=1; prints run_time_ns / run_cnt per program. Figures in
# docs/benchmarks.md (## Socket tracer paths). Needs root, gcc, libbpf-dev, nginx, wrk.
#   scripts/bench_bpf_paths.sh [BASE] ; ROUNDS (2) runs per object and workload.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-main~1} ROUNDS=${ROUNDS:-2}
work=$(mktemp -d)
cat > "$work/loader.c" <<'EOF'
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static volatile int stop;
static void on_signal(int s) { (void)s; stop = 1; }
int main(int argc, char **argv) {
    if (argc < 2) return 2;
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj) return 1;
    struct bpf_map *m;
    bpf_object__for_each_map(m, obj) if (!strcmp(bpf_map__name(m), "scratch")) bpf_map__set_max_entries(m, libbpf_num_possible_cpus());
    if (bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 1; }
    struct bpf_program *p;
    bpf_object__for_each_program(p, obj) bpf_program__attach(p);
    signal(SIGINT, on_signal);
    printf("ready\n"); fflush(stdout);
    while (!stop) usleep(50000);
    bpf_object__for_each_program(p, obj) {
        struct bpf_prog_info info = {}; __u32 len = sizeof(info);
        bpf_obj_get_info_by_fd(bpf_program__fd(p), &info, &len);
        if (info.run_cnt > 1000) printf("%s %llu %.1f\n", bpf_program__name(p), info.run_cnt, (double)info.run_time_ns / info.run_cnt);
    }
    return 0;
}
EOF
gcc -O2 -o "$work/loader" "$work/loader.c" -lbpf
mkdir -p "$work/base/bpf" "$work/base/include"
for f in $(git ls-tree --name-only "$base" bpf/); do git show "$base:$f" > "$work/base/$f"; done
git show "$base:Sources/CSpriteBPF/include/sprite_bpf.h" > "$work/base/include/sprite_bpf.h"
scripts/build-bpf.sh "$work/base/bpf" "$work/base/include" "$work/base/out" "$work/base/out.swift" >/dev/null
scripts/build-bpf.sh bpf Sources/CSpriteBPF/include "$work/tree/out" "$work/tree/out.swift" >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo hello > "$work/index.html"
cat > "$work/nginx.conf" <<CONF
daemon off; worker_processes 1; error_log $work/error.log; pid $work/nginx.pid;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work; keepalive_requests 10000000;
  server { listen 127.0.0.1:$port; root $work; } }
CONF
cat > "$work/udp.py" <<'EOF'
import socket
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0)); r.setblocking(False)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(300000):
    s.sendto(b"x" * 100, r.getsockname())
    try: r.recvfrom(2048)
    except BlockingIOError: pass
EOF
nginx -p "$work" -c "$work/nginx.conf" & nginx_pid=$!
old_stats=$(sysctl -n kernel.bpf_stats_enabled)
trap 'kill $nginx_pid 2>/dev/null; sysctl -qw kernel.bpf_stats_enabled=$old_stats; rm -rf "$work"' EXIT
sysctl -qw kernel.bpf_stats_enabled=1
sleep 1

measure() {  # object, workload name, programs to report, command...
  local obj=$1 name=$2 progs=$3; shift 3
  "$work/loader" "$obj" > "$work/out" & local l=$!
  until grep -q ready "$work/out" 2>/dev/null; do sleep 0.05; done
  "$@" >/dev/null 2>&1
  kill -INT $l; wait $l
  grep -E "^($progs) " "$work/out" | awk -v n="$name" '{printf "  %-6s %-14s %10d calls %8.1f ns/call\n", n, $1, $2, $3}'
}
for r in $(seq "$ROUNDS"); do
  for v in base tree; do
    echo "round $r, $v:"
    obj="$work/$v/out/socket_trace.bpf.o"
    measure "$obj" files "exit_read|exit_write" dd if=/dev/zero of=/dev/null bs=1 count=2000000
    measure "$obj" udp "exit_sendto|exit_recvfrom" python3 "$work/udp.py"
    measure "$obj" http "exit_recvfrom|exit_writev" wrk -t1 -c32 -d8s "http://127.0.0.1:$port/index.html"
  done
done
