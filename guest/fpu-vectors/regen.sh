#!/bin/sh
# Regenerates tests/fpu/data/qemu-vectors.txt.gz by running the vector generator on QEMU.
# Usage: guest/fpu-vectors/regen.sh [PER_OP]   (from anywhere; needs riscv64-unknown-elf-gcc and
# qemu-system-riscv64). PER_OP = executions per rounding instruction (non-rounding ops get 1/5).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
per_op=${1:-2500}
out=$root/build/guest/fpu-vectors
mkdir -p "$out" "$root/tests/fpu/data"
riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany -O2 -nostdlib -nostartfiles \
  -ffreestanding -Wl,--no-warn-rwx-segments -T "$root/guest/common/link.ld" -DPER_OP="$per_op" \
  "$here/start.S" "$here/vectors.c" -o "$out/vectors.elf"
timeout 3600 qemu-system-riscv64 -M spike -bios none -nographic -kernel "$out/vectors.elf" \
  > "$out/vectors.txt" </dev/null
tr -d '\r' < "$out/vectors.txt" > "$out/vectors.clean"
tail -n 1 "$out/vectors.clean" | grep -q '^END$' || { echo "generator did not finish" >&2; exit 1; }
{ echo "# qemu-system-riscv64 $(qemu-system-riscv64 --version | head -n 1 | sed 's/.*version //'), PER_OP=$per_op"
  grep -v '^END$' "$out/vectors.clean"; } | gzip -9n > "$root/tests/fpu/data/qemu-vectors.txt.gz"
wc -l "$out/vectors.clean"
ls -l "$root/tests/fpu/data/qemu-vectors.txt.gz"
