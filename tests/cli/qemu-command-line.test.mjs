// QEMU's command line, pasted into hartvm: the qemu-system-riscv64 line of
// scripts/check-images-qemu.sh boots Linux unchanged; QEMU's spellings of the board, the harts,
// the memory and the devices mean what they mean there; hartvm with QEMU's options and no command
// boots; what hartvm does not have is refused in one line that names the option as typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { imagesDir, SerialSession } from '../boot/serial.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HARTVM = path.join(ROOT, 'bin/hartvm.js');

/** The QEMU command line of scripts/check-images-qemu.sh, its variables given values. */
function checkImagesLine(vars) {
  const script = readFileSync(path.join(ROOT, 'scripts/check-images-qemu.sh'), 'utf8');
  const m = /QEMU=\(qemu-system-riscv64 ([^)]*)\)/.exec(script);
  assert.ok(m, 'check-images-qemu.sh has its QEMU=( ... ) line');
  // the words of a bash array: double-quoted or bare, with $NAME substituted
  return [...m[1].matchAll(/"([^"]*)"|(\S+)/g)].map((w) => (w[1] ?? w[2]).replace(/\$(\w+)/g, (_, name) => {
    assert.ok(name in vars, `a value for $${name}`);
    return vars[name];
  }));
}

function hartvm(args) {
  return spawnSync(process.execPath, [HARTVM, ...args], { encoding: 'utf8', timeout: 60000 });
}

function deviceTree(dtb) {
  return execFileSync('dtc', ['-I', 'dtb', '-O', 'dts', dtb], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

test('the QEMU line of check-images-qemu.sh, pasted unchanged, boots Linux to a shell', { timeout: 600000 }, async () => {
  const images = imagesDir();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-qemu-line-'));
  try {
    copyFileSync(path.join(images, 'disk.ext2'), path.join(tmp, 'disk.ext2'));
    const args = checkImagesLine({ SMP: '2', FW: path.join(images, 'fw_dynamic.bin'), DIR: images, TMP: tmp });
    assert.ok(args.includes('-device') && args.includes('-M'), `the line uses -M and -device: ${args.join(' ')}`);
    const guest = new SerialSession(args);
    try {
      await guest.expect('hartvm guest ready', 300000);
      await guest.expect('~ # ');
      assert.equal((await guest.run('nproc')).trim(), '2');
      assert.match(await guest.run('cat /sys/block/vda/size'), /^\d+\n$/);
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, guest.stderr);
    } finally {
      guest.kill();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("QEMU's spellings of the board, the harts and the memory, with no command", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-qemu-dtb-'));
  try {
    const dtb = path.join(tmp, 'virt.dtb');
    const r = hartvm(['-machine', 'virt', '-cpu', 'rv64', '-m', 'size=512', '-smp', 'cpus=3,sockets=1,cores=3,threads=1,maxcpus=3',
      '-bios', 'default', '-nographic', '-display', 'none', '-serial', 'mon:stdio', '-monitor', 'none', '-accel', 'tcg',
      '-device', 'virtio-rng-device', '-object', 'rng-random,filename=/dev/urandom,id=rng0', '-M', `virt,dumpdtb=${dtb}`]);
    assert.equal(r.status, 0, r.stderr);
    const dts = deviceTree(dtb);
    assert.match(dts, /memory@80000000 \{[^}]*reg = <0x00 0x80000000 0x00 0x20000000>/, '-m 512 is 512 MiB, as in QEMU');
    assert.equal(dts.match(/cpu@\d+ \{/g)?.length, 3);
    // -smp by its topology alone
    assert.equal(hartvm(['-smp', 'sockets=2,cores=2', '-M', `virt,dumpdtb=${dtb}`]).status, 0);
    assert.equal(deviceTree(dtb).match(/cpu@\d+ \{/g)?.length, 4);
    // -cpu switches for what the harts have, paging modes included
    const cpu = hartvm(['-cpu', 'rv64,sv39=on,sv48=on,sv57=on,zba=on,zbb=true,sstc=on,pmp=on,mmu=on', '-M', `virt,dumpdtb=${dtb}`]);
    assert.equal(cpu.status, 0, cpu.stderr);
    assert.match(deviceTree(dtb), /mmu-type = "riscv,sv57"/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('-drive if=none with -device virtio-blk-device, and -snapshot, keep the image as it was', { timeout: 600000 }, async () => {
  const images = imagesDir();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-qemu-snapshot-'));
  try {
    const disk = path.join(tmp, 'disk.ext2');
    copyFileSync(path.join(images, 'disk.ext2'), disk);
    const before = readFileSync(disk);
    const guest = new SerialSession(['-snapshot', '-drive', `file=${disk},format=raw,if=none,id=hd`, '-device', 'virtio-blk-device,drive=hd', '-no-reboot']);
    try {
      await guest.expect('~ # ', 300000);
      await guest.run('echo written > /mnt/snapshot.txt; sync; cat /mnt/snapshot.txt');
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, guest.stderr);
    } finally {
      guest.kill();
    }
    assert.ok(readFileSync(disk).equals(before), '-snapshot: the image file is unchanged');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("-dtb boots with the given device tree, its /chosen told the command line and the initrd", { timeout: 600000 }, async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-qemu-dtb-'));
  try {
    // the board's own tree at 256 MiB, given to a machine with 512 MiB: Linux sees what the tree says
    const dtb = path.join(tmp, 'virt-256m.dtb');
    assert.equal(hartvm(['-M', `virt,dumpdtb=${dtb}`, '-m', '256M']).status, 0);
    const guest = new SerialSession(['-m', '512M', '-dtb', dtb, '-append', 'console=ttyS0 given=dtb', '-no-reboot']);
    try {
      await guest.expect('~ # ', 300000);
      assert.match(await guest.run('cat /proc/cmdline'), /given=dtb/);
      const kb = Number(/MemTotal:\s+(\d+) kB/.exec(await guest.run('cat /proc/meminfo'))?.[1]);
      assert.ok(kb > 200000 && kb <= 262144, `MemTotal ${kb} kB: the tree's 256 MiB, not the board's 512`);
      guest.send('poweroff\n');
      assert.equal(await guest.exited, 0, guest.stderr);
    } finally {
      guest.kill();
    }
    // not a device tree, and one cut short: one line each
    const cut = path.join(tmp, 'cut.dtb');
    writeFileSync(cut, readFileSync(dtb).subarray(0, 200));
    for (const [file, message] of [[path.join(ROOT, 'README.md'), /not a flattened device tree/], [cut, /device tree .*cut\.dtb: /]]) {
      const r = hartvm(['-dtb', file]);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("-virtfs, and -fsdev with -device virtio-9p-device, are taken (commas in a path doubled)", () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hartvm-qemu-9p-'));
  try {
    const dtb = path.join(tmp, 'virt.dtb');
    const folder = path.join(tmp, 'a,b');
    mkdirSync(folder);
    for (const args of [
      ['-virtfs', `local,path=${folder.replace(/,/g, ',,')},mount_tag=host,security_model=mapped-xattr,readonly=on`],
      ['-virtfs', `local,path=${tmp},mount_tag=host,security_model=mapped`],
      ['-fsdev', `local,id=fs0,path=${tmp},security_model=none`, '-device', 'virtio-9p-device,fsdev=fs0,mount_tag=host0',
        '-fsdev', `local,id=fs1,path=${tmp},security_model=none,readonly=on`, '-device', 'virtio-9p-device,id=p1,fsdev=fs1,mount_tag=host1'],
    ]) {
      const r = hartvm([...args, '-M', `virt,dumpdtb=${dtb}`]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(deviceTree(dtb), /virtio_mmio@10001000/);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('-version prints the version', () => {
  const r = hartvm(['-version']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^hartvm \d+\.\d+\.\d+\n$/);
});

for (const [args, message] of [
  [['-gdb', 'tcp:192.168.1.5:1234'], /^hartvm: -gdb tcp:192\.168\.1\.5:1234: hartvm's GDB stub listens on the loopback interface only/],
  [['-gdb', 'tcp:0.0.0.0:1234'], /^hartvm: -gdb tcp:0\.0\.0\.0:1234: hartvm's GDB stub listens on the loopback interface only/],
  [['-gdb', 'udp::1234'], /^hartvm: -gdb udp::1234: give tcp:\[HOST\]:PORT/],
  [['-gdb', 'tcp::99999'], /^hartvm: -gdb tcp::99999: no port 99999\n$/],
  [['-machine', 'sifive_u'], /^hartvm: -machine sifive_u: hartvm has only the virt board/],
  [['-M', 'virt,aia=aplic-imsic'], /^hartvm: -M virt,aia=aplic-imsic: aia=aplic-imsic is not supported/],
  [['-cpu', 'rv64,v=true'], /^hartvm: -cpu rv64,v=true: hartvm does not implement v\n$/],
  [['-cpu', 'rv64,f=off'], /^hartvm: -cpu rv64,f=off: f cannot be turned off/],
  [['-cpu', 'sifive-u54'], /^hartvm: -cpu sifive-u54: hartvm's harts are QEMU's rv64/],
  [['-smp', '2,maxcpus=4'], /^hartvm: -smp 2,maxcpus=4: maxcpus=4 is not supported \(hartvm has no CPU hotplug\)/],
  [['-m', '256M,maxmem=1G'], /^hartvm: -m 256M,maxmem=1G: maxmem= is not supported/],
  [['-device', 'virtio-net-device'], /^hartvm: -device virtio-net-device: no netdev= given \(a -netdev user,id=ID\)\n$/],
  [['-device', 'virtio-net-device,netdev=n0'], /^hartvm: -device virtio-net-device,netdev=n0: no -netdev user has id=n0\n$/],
  [['-device', 'virtio-net-pci,netdev=n0'], /^hartvm: -device virtio-net-pci,netdev=n0: hartvm's virt board has no virtio-net-pci/],
  [['-netdev', 'tap,id=n0'], /^hartvm: -netdev tap,id=n0: the only network backend is user-mode networking \(user\)\n$/],
  [['-netdev', 'user,id=n0,restrict=on'], /^hartvm: -netdev user,id=n0,restrict=on: restrict is not supported \(user networking takes hostfwd=\)\n$/],
  [['-nic', 'user,hostfwd=tcp::99999-:22'], /^hartvm: hostfwd=tcp::99999-:22: the host port 99999 is not a port number \(1 to 65535\)\n$/],
  [['-nic', 'user,hostfwd=tcp:localhost:2222-:22'], /^hartvm: hostfwd=tcp:localhost:2222-:22: the host address localhost is not an IPv4 address\n$/],
  [['-nic', 'user,hostfwd=tcp::2222-10.1.2.3:22'], /^hartvm: hostfwd=tcp::2222-10\.1\.2\.3:22: the guest's address is the one DHCP gives it: leave GUESTADDR empty\n$/],
  [['-nic', 'user', '-nic', 'user'], /^hartvm: hartvm's virt board has one network card: 2 were given\n$/],
  [['-net', 'nic'], /^hartvm: -net nic: the legacy -net is not supported: use -nic user,\.\.\. or -netdev user,id=ID with -device virtio-net-device,netdev=ID\n$/],
  [['-drive', 'file=x.img,if=none,id=a', '-device', 'virtio-blk-device,drive=b'], /^hartvm: -device virtio-blk-device,drive=b: no -drive has id=b\n$/],
  [['-drive', 'file=x.img,if=ide'], /^hartvm: -drive file=x.img,if=ide: if=ide is not supported/],
  [['-device', 'virtconsole,chardev=c0'], /^hartvm: -device virtconsole,chardev=c0: a virtconsole sits on a virtio-serial bus: give -device virtio-serial-device before it\n$/],
  [['-chardev', 'socket,id=c0,path=/tmp/x'], /^hartvm: -chardev socket,id=c0,path=\/tmp\/x: the only character device is the terminal \(stdio\)\n$/],
  [['-device', 'virtio-serial-device', '-device', 'virtconsole,chardev=c9'], /^hartvm: -device virtconsole,chardev=c9: no -chardev stdio has id=c9\n$/],
  [['-monitor', 'tcp:127.0.0.1:4444,server,nowait'], /^hartvm: -monitor tcp:127\.0\.0\.1:4444,server,nowait: the monitor goes to stdio \(Ctrl-A C\), a UNIX socket \(unix:PATH,server,nowait\) or none\n$/],
  [['-monitor', 'unix:/tmp/m.sock'], /^hartvm: -monitor unix:\/tmp\/m\.sock: hartvm listens on the socket: add server/],
  [['-enable-kvm'], /^hartvm: -enable-kvm: hartvm has no KVM/],
  [['-kernel'], /^hartvm: -kernel: argument missing\n$/],
  [['-virtfs', 'local,path=/nonexistent-hartvm,mount_tag=t,security_model=none'], /^hartvm: -virtfs local,path=\/nonexistent-hartvm,mount_tag=t,security_model=none: cannot open \/nonexistent-hartvm: no such file or directory\n$/],
  [['-virtfs', `local,path=${HARTVM},mount_tag=t,security_model=none`], /^hartvm: -virtfs local,path=\S+hartvm\.js,mount_tag=t,security_model=none: \S+hartvm\.js is not a directory\n$/],
  [['-virtfs', `local,path=${ROOT},security_model=none`], /^hartvm: -virtfs local,path=\S+,security_model=none: no mount_tag= given \(the name the guest mounts it by\)\n$/],
  [['-virtfs', `local,path=${ROOT},mount_tag=t`], /^hartvm: -virtfs local,path=\S+,mount_tag=t: no security_model= given \(none or mapped-xattr\)\n$/],
  [['-virtfs', `local,path=${ROOT},mount_tag=t,security_model=passthrough`], /: security_model=passthrough is not supported \(none or mapped-xattr; passthrough and mapped-file are not\)\n$/],
  [['-virtfs', 'local,mount_tag=t,security_model=none'], /^hartvm: -virtfs local,mount_tag=t,security_model=none: no path= given \(the host folder to share\)\n$/],
  [['-virtfs', 'proxy,sock_fd=3,mount_tag=t'], /^hartvm: -virtfs proxy,sock_fd=3,mount_tag=t: the only file system driver is local/],
  [['-virtfs', `local,path=${ROOT},mount_tag=t,security_model=none,readonly=maybe`], /: readonly=maybe: expected on or off\n$/],
  [['--virtfs', 'local,path=/nonexistent-hartvm,mount_tag=t,security_model=none'], /^hartvm: --virtfs local,path=\/nonexistent-hartvm,mount_tag=t,security_model=none: cannot open \/nonexistent-hartvm: no such file or directory\n$/],
  [['-fsdev', `local,path=${ROOT},security_model=none`], /^hartvm: -fsdev local,path=\S+,security_model=none: no id= given\n$/],
  [['-fsdev', 'local,id=f,path=/nonexistent-hartvm,security_model=none'], /^hartvm: -fsdev local,id=f,path=\/nonexistent-hartvm,security_model=none: cannot open/],
  [['-device', 'virtio-9p-device,mount_tag=t'], /^hartvm: -device virtio-9p-device,mount_tag=t: no fsdev= given/],
  [['-fsdev', `local,id=f,path=${ROOT},security_model=none`, '-device', 'virtio-9p-device,fsdev=f'], /^hartvm: -device virtio-9p-device,fsdev=f: no mount_tag= given/],
  [['-device', 'virtio-9p-device,fsdev=f,mount_tag=t'], /^hartvm: -device virtio-9p-device,fsdev=f,mount_tag=t: no -fsdev local has id=f\n$/],
  [['-device', 'virtio-9p-pci,fsdev=f,mount_tag=t'], /^hartvm: -device virtio-9p-pci,fsdev=f,mount_tag=t: the virt board has no PCI: use virtio-9p-device \(or -virtfs\)\n$/],
  [['-virtfs', `local,path=${ROOT},mount_tag=t,security_model=none`, '-virtfs', `local,path=${ROOT},mount_tag=t,security_model=none`], /^hartvm: shared folder \S+ \(mount_tag t\): two shared folders have the mount_tag t\n$/],
  [Array.from({ length: 8 }, (_, i) => ['-virtfs', `local,path=${ROOT},mount_tag=t${i},security_model=none`]).flat(), /^hartvm: 8 shared folders: the board takes at most 7 \(it has 8 virtio-mmio slots, and one is the entropy device's\)\n$/],
  [[...Array.from({ length: 5 }, (_, i) => ['-virtfs', `local,path=${ROOT},mount_tag=t${i},security_model=none`]).flat(), '-drive', 'file=x.img,format=raw', '-drive', 'file=y.img,format=raw', '-drive', 'file=z.img,format=raw'],
    /^hartvm: 3 -drive options: the board takes at most 2 disks \(it has 8 virtio-mmio slots, and one is the entropy device's, one is a shared folder's/],
]) {
  test(`refused in one line: ${args.join(' ')}`, () => {
    for (const line of [args, ['boot', ...args]]) {
      const r = hartvm(line);
      assert.equal(r.status, 1, `${line.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
  });
}

test('-gdb on a port in use: one line, a failing status, before the guest runs', async () => {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  try {
    for (const gdb of [['-gdb', `tcp::${port}`], ['-gdb', `tcp:127.0.0.1:${port}`], ['--gdb', `tcp:localhost:${port}`]]) {
      const r = hartvm(['-bios', 'none', '-kernel', path.join(ROOT, 'build', 'guest', 'cli', 'spin.elf'), '-nographic', '-monitor', 'none', ...gdb]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr, `hartvm: ${gdb[0] === '--gdb' ? '-gdb' : gdb[0]} ${gdb[1]}: port ${port} is in use\n`);
    }
  } finally {
    server.close();
  }
});
