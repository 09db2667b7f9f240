#!/usr/bin/env bash
# Runs Sprite on this node: installs dependencies, builds the release binary, starts `sprite up`
# (collector + table store + query API in one process). Extra arguments go to `sprite up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product sprite
exec "$(swift build -c release --show-bin-path)/sprite" up "$@"
