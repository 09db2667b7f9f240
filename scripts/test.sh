#!/usr/bin/env bash
# Runs Sprite's whole test suite: installs dependencies, builds, runs every test.
# As root the collector tests trace real traffic; set SPRITE_REQUIRE_ROOT_TESTS=1 (CI does) to make
# a test that would skip for lack of root fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build --build-tests
if [ $# -gt 0 ]; then
  exec swift test --skip-build "$@"
fi
# Two passes. The root collector tests are synchronous (they drive real servers and poll for rows,
# sleeping between polls) and hold threads of Swift's cooperative pool, which has one thread per
# core; run beside the asynchronous cluster tests on a small machine, they starve those of
# threads until requests time out. So the root tests run on their own, after everything else.
swift test --skip-build --skip RootIntegrationTests
swift test --skip-build --filter RootIntegrationTests
