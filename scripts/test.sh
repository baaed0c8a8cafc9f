#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls `npm test`, which runs this):
# set up the machine, build hartvm and the guest programs, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# The guest images for the boot tests: found in the cache, or built there (once, with progress).
bash scripts/build-images.sh

# Unit tests, FPU tests, device models, guest programs on hartvm and QEMU, the translation store's statistics,
# the command line, Linux booted on the virt board, Linux on SMP boards (and smp-stress), and the
# differential test against QEMU; and the browser host in chromium (tests/browser).
node --test --test-reporter=spec \
  tests/unit/ tests/fpu/ tests/devices/ tests/guest/ tests/cli/ tests/boot/ tests/smp/ tests/diff/ tests/browser/
