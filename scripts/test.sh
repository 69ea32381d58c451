#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then builds and runs every unit and
# integration test. This is the README's test command; .ci/run calls it exactly as written there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
exec mvn -B -ntp verify "$@"
