// The virtio console: Linux's hvc0 as its console, the terminal's input going to it, spelled
// hartvm's way (--virtio-console) and QEMU's (-device virtio-serial-device, -chardev stdio,
// -device virtconsole), at one hart and at two (the device on the device thread).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { imagesDir, SerialSession } from './serial.mjs';

const images = imagesDir();
const PROMPT = '~ # ';
const boot = (...args) => ['-bios', path.join(images, 'fw_dynamic.bin'), '-kernel', path.join(images, 'Image'),
  '-initrd', path.join(images, 'rootfs.cpio.gz'), '-no-reboot', ...args];

const cases = [
  ['--virtio-console, console=hvc0 after ttyS0: both consoles, the shell on hvc0', ['--virtio-console', '-append', 'console=ttyS0 console=hvc0'], /^hvc0 .*\nttyS0 /m],
  ['QEMU\'s virtconsole on a stdio chardev, -smp 2', ['-smp', '2', '-device', 'virtio-serial-device', '-chardev', 'stdio,id=con0,mux=on',
    '-device', 'virtconsole,chardev=con0', '-append', 'console=hvc0'], /^hvc0 /m],
];

for (const [name, args, consoles] of cases) {
  test(name, { timeout: 600000 }, async () => {
    const guest = new SerialSession(boot(...args));
    try {
      await guest.expect('hartvm guest ready', 300000);
      await guest.expect(PROMPT);
      assert.equal(await guest.run('tty'), '/dev/hvc0\n');
      assert.match(await guest.run('cat /proc/consoles'), consoles);
      assert.equal(await guest.run('echo $((6*7))'), '42\n');
      assert.equal(await guest.run(`echo ${'y'.repeat(50)} | wc -c`), '51\n');
      // output of many transmit buffers, in order
      const lines = await guest.run('seq 1 3000');
      assert.equal(lines, Array.from({ length: 3000 }, (_, i) => `${i + 1}\n`).join(''));
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, guest.stderr);
      assert.equal(guest.stderr, '');
    } finally {
      guest.kill();
    }
  });
}
