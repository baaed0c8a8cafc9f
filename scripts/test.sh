#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls `npm test`, which runs this):
# set up the machine, build hartvm and the guest programs, then run every test.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# The guest images, found in the cache or built there (once, with progress): tests/images/ checks
# that they are the shipped ones (images/), which the boot tests boot.
bash scripts/build-images.sh

# Unit tests, FPU tests, device models, guest programs on hartvm and QEMU, the translation store's statistics,
# the command line, the shipped images (images/ is what the build above made, byte for byte),
# Linux booted on the virt board, hartvm as a library (createMachine), the npm package installed
# from its tarball, the browser host in chromium, Linux on SMP boards (and smp-stress), the
# differential test against QEMU, and the GDB stub (raw RSP, gdb-multiarch, Linux under -s -S).
node --test --test-reporter=spec \
  tests/unit/ tests/fpu/ tests/devices/ tests/guest/ tests/jit/ tests/cli/ tests/images/ tests/boot/ tests/api/ tests/package/ \
  tests/browser/ tests/smp/ tests/diff/ tests/gdb/
