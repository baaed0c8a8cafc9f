#!/usr/bin/env bash
# Installs what hartvm needs on a Debian machine, once: the RISC-V toolchains and libraries that
# build the guest programs, QEMU as the reference, then the npm packages and the TypeScript build.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: the bare-metal toolchain and C library for the test programs, QEMU (the
# reference in tests and benchmarks), OpenSBI and dtc (the virt board), make, and chromium (the
# browser host's tests drive it headless with playwright-core), passt (user-mode networking) and
# gdb-multiarch (the GDB stub's tests drive it).
# Then the npm packages, the TypeScript build and the guest programs.
PACKAGES=(
  make
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf picolibc-riscv64-unknown-elf
  qemu-system-misc opensbi device-tree-compiler
  chromium
  passt
  gdb-multiarch
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then SUDO=(); elif command -v sudo >/dev/null; then SUDO=(sudo); else
    echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -q
  "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

if [[ ! -d node_modules/commander || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi
echo "setup: building hartvm"
npm run build --silent
echo "setup: building the guest programs (build/guest)"
make -s -C guest -j"$(nproc)"
