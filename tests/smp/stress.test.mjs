// The project's SMP stress program (guest/smp/stress.c, /usr/bin/smp-stress in the initramfs)
// inside Linux on hartvm: threads bumping shared counters with AMOs, LR/SC and locks, and
// churning mmap/mprotect/munmap and fork so that the guest kernel sends remote TLB shootdowns.
// Every total is checked exactly by the program; it must PASS under all three flush policies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { imagesDir, SerialSession } from '../boot/serial.mjs';

const images = imagesDir();
const PROMPT = '~ # ';

// The instruction policy walks the page tables for every access: a smaller run keeps it to minutes.
const RUNS = [
  { policy: 'fence', harts: 2, args: '' },
  { policy: 'fence', harts: 4, args: '' },
  { policy: 'block', harts: 2, args: '' },
  { policy: 'instruction', harts: 2, args: '-n 20000' },
];

for (const { policy, harts, args } of RUNS) {
  test(`smp-stress ${args || '(defaults)'} passes at -smp ${harts} under --tlb-flush=${policy}`, { timeout: 1800000 }, async () => {
    const guest = new SerialSession(['-smp', String(harts), '-m', '256M', '-no-reboot', `--tlb-flush=${policy}`,
      '-kernel', path.join(images, 'Image'), '-initrd', path.join(images, 'rootfs.cpio.gz'), '-append', 'console=ttyS0']);
    try {
      await guest.expect(`${harts} hart(s)`, 1200000);
      await guest.expect(PROMPT, 300000);
      const out = await guest.run(`smp-stress -t ${harts} -s 900 ${args}; echo status=$?`, PROMPT, 1000000);
      assert.match(out, new RegExp(`^smp-stress: PASS threads=${harts} `, 'm'), out);
      assert.match(out, /^status=0$/m, out);
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, `exit status after poweroff\n${guest.stderr}`);
    } finally {
      guest.kill();
    }
  });
}
