#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls `npm test`, which runs this):
# set up the machine, build hartvm and the guest programs, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

# Unit tests, FPU tests, guest programs on hartvm and QEMU, the translation store's statistics,
# the command line, and the differential test against QEMU.
node --test --test-reporter=spec \
  tests/unit/ tests/fpu/ tests/guest/ tests/cli/ tests/diff/
