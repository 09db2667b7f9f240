#!/usr/bin/env bash
# Runs Sprite's whole test suite: installs dependencies, builds, runs every test.
# As root the collector tests trace real traffic; set SPRITE_REQUIRE_ROOT_TESTS=1 (CI does) to make
# a test that would skip for lack of root fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build "$@"
