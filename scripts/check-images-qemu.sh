#!/usr/bin/env bash
# Boots the guest images of scripts/build-images.sh in QEMU (the reference virt board) and drives
# its serial console: waits for the shell prompt, runs `uname -a`, `cat /proc/cpuinfo`, `ls /mnt`
# and `cat /mnt/README`, then `poweroff`, and checks that QEMU exits by itself. Prints the console
# transcript and the time from start to the first prompt. Not run by build-images.sh.
#
#   scripts/check-images-qemu.sh [--dir DIR] [--smp N] [--bios fw_dynamic|fw_jump] [--timeout SECONDS]
#
# DIR defaults to the one `scripts/build-images.sh --print-dir` names. The transcript is also
# written to DIR/../check-qemu.log (override with HARTVM_CHECK_LOG).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)

DIR="" SMP=1 BIOS=fw_dynamic TIMEOUT=180
while (($#)); do
  case $1 in
    --dir) DIR=$2; shift 2 ;;
    --smp) SMP=$2; shift 2 ;;
    --bios) BIOS=$2; shift 2 ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-images-qemu: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
done
[[ -n $DIR ]] || DIR=$("$ROOT/scripts/build-images.sh" --print-dir)
for f in Image rootfs.cpio.gz disk.ext2; do
  [[ -s $DIR/$f ]] || { echo "check-images-qemu: no $DIR/$f: run scripts/build-images.sh first" >&2; exit 1; }
done
FW=/usr/lib/riscv64-linux-gnu/opensbi/generic/$BIOS.bin
[[ -f $FW ]] || { echo "check-images-qemu: no $FW (Debian package opensbi)" >&2; exit 1; }
command -v qemu-system-riscv64 >/dev/null || { echo "check-images-qemu: no qemu-system-riscv64 (Debian package qemu-system-misc)" >&2; exit 1; }
LOG=${HARTVM_CHECK_LOG:-$(dirname "$DIR")/check-qemu.log}

# QEMU writes to the disk image: boot a scratch copy so the cached one stays as built.
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp --sparse=always "$DIR/disk.ext2" "$TMP/disk.ext2"

# shellcheck disable=SC2054 # the commas are QEMU's
QEMU=(qemu-system-riscv64 -M virt -smp "$SMP" -m 256M -nographic
  -bios "$FW" -kernel "$DIR/Image" -initrd "$DIR/rootfs.cpio.gz" -append "console=ttyS0"
  -drive "file=$TMP/disk.ext2,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0
  -no-reboot)
echo "check-images-qemu: ${QEMU[*]}"

# The console is QEMU's stdio (a pipe each way); a small Node program plays the person at the
# keyboard: it waits for each prompt before typing the next command.
node - "$TIMEOUT" "$LOG" "${QEMU[@]}" <<'EOF'
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const [timeoutS, logPath, cmd, ...args] = process.argv.slice(2);
const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1);
const log = fs.createWriteStream(logPath);
const qemu = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'inherit'] });
let out = '';
let exited = null;
let waiter = null;
qemu.stdout.on('data', (d) => {
  const s = d.toString('latin1');
  out += s;
  process.stdout.write(s);
  log.write(s);
  if (waiter) waiter();
});
qemu.on('exit', (code, signal) => { exited = { code, signal }; if (waiter) waiter(); });
const deadline = t0 + Number(timeoutS) * 1000;
const prompt = /~ # $/;
// Resolves when test(out.slice(from)) holds, or fails at the deadline / when QEMU exits early.
function waitFor(what, from, test) {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = test(out.slice(from));
      if (m) { waiter = null; clearTimeout(timer); resolve(m); }
      else if (exited) { waiter = null; clearTimeout(timer); reject(new Error(`QEMU exited (${JSON.stringify(exited)}) while waiting for ${what}`)); }
    };
    const timer = setTimeout(() => { waiter = null; reject(new Error(`timed out after ${timeoutS}s waiting for ${what}`)); }, Math.max(0, deadline - Date.now()));
    waiter = check;
    check();
  });
}
async function run(command) {
  const from = out.length;
  qemu.stdin.write(command + '\n');
  await waitFor(`the prompt after \`${command}\``, from, (s) => s.includes(command) && prompt.test(s));
  return out.slice(from);
}
const failures = [];
const expect = (ok, what) => { if (!ok) failures.push(what); };
(async () => {
  await waitFor('"hartvm guest ready"', 0, (s) => s.includes('hartvm guest ready'));
  const readyAt = secs();
  await waitFor('the first prompt', 0, (s) => /hartvm guest ready[\s\S]*~ # $/.test(s));
  const promptAt = secs();
  const uname = await run('uname -a');
  expect(/Linux hartvm 6\.1\.\S+ .* riscv64 GNU\/Linux|Linux hartvm 6\.1\.\S+ .*riscv64/.test(uname), 'uname -a names Linux 6.1 on riscv64');
  const cpuinfo = await run('cat /proc/cpuinfo');
  expect(/isa\s*: rv64i/.test(cpuinfo), '/proc/cpuinfo has an rv64 isa line');
  expect(/mmu\s*: sv\d+/.test(cpuinfo), '/proc/cpuinfo has an mmu line');
  const ls = await run('ls /mnt');
  expect(/README/.test(ls), 'ls /mnt lists the README of disk.ext2');
  const readme = await run('cat /mnt/README');
  expect(/hartvm guest disk/.test(readme), '/mnt/README reads back');
  const jobs = await run('sleep 30 & jobs; kill %1');
  expect(/\[1\]\+?\s+Running\s+sleep 30/.test(jobs), 'the shell has job control (jobs lists a background job)');
  expect(!/job control turned off/.test(out), 'no "job control turned off" from the shell');
  const offAt = Date.now();
  qemu.stdin.write('poweroff\n');
  await waitFor('QEMU to exit after poweroff', out.length, () => exited !== null);
  const offS = ((Date.now() - offAt) / 1000).toFixed(1);
  expect(exited.code === 0, `QEMU exits with 0 after poweroff (got ${JSON.stringify(exited)})`);
  expect(/reboot: Power down/.test(out), 'the kernel says "reboot: Power down"');
  const summary = [
    '',
    `check-images-qemu: "hartvm guest ready" after ${readyAt}s, first prompt after ${promptAt}s (from QEMU start)`,
    `check-images-qemu: poweroff to QEMU exit: ${offS}s; transcript in ${logPath}`,
    ...failures.map((f) => `check-images-qemu: FAILED: ${f}`),
    failures.length ? `check-images-qemu: ${failures.length} check(s) failed` : 'check-images-qemu: all checks passed',
  ].join('\n');
  console.log(summary);
  log.end(summary + '\n');
  process.exitCode = failures.length ? 1 : 0;
})().catch((e) => {
  console.log(`\ncheck-images-qemu: FAILED: ${e.message}`);
  log.end(`\ncheck-images-qemu: FAILED: ${e.message}\n`);
  if (exited === null) qemu.kill('SIGKILL');
  process.exitCode = 1;
});
EOF
