// The DTB writer and the virt board's device tree. dtc (Debian's device-tree-compiler) is the
// oracle for the format; QEMU's own virt tree (qemu-system-riscv64 -M virt,dumpdtb=...) is the
// reference for the content.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceTree, DeviceTreeFormatError, parseDeviceTree } from '../../dist/machine/fdt.js';
import { buildVirtDeviceTree } from '../../dist/machine/virt-devicetree.js';

const haveDtc = spawnSync('dtc', ['--version']).status === 0;
const QEMU = 'qemu-system-riscv64';
const haveQemu = spawnSync(QEMU, ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'hartvm-fdt-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const ISA = 'rv64imafdc_zicsr_zifencei_zba_zbb_zbs_sstc';
const SEED = Uint8Array.from({ length: 32 }, (_, i) => i + 1);

function virtOptions(overrides = {}) {
  return {
    harts: 1, ramBase: 0x80000000n, ramSize: 256n << 20n, isa: ISA, mmuType: 'riscv,sv57',
    bootargs: 'console=ttyS0', timebaseHz: 10000000, virtioSlots: 8, ...overrides,
  };
}

/** dtc -I dtb -O dts, insisting on a clean run. */
function decompile(blob, name) {
  const file = join(dir, `${name}.dtb`);
  writeFileSync(file, blob);
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, `dtc failed: ${r.stderr}`);
  assert.equal(r.stderr, '', 'dtc printed warnings or errors');
  return r.stdout;
}

/**
 * dtc's output as an ordered list of node paths, each with its properties in order
 * ([name, raw value text], or [name, true] for an empty property).
 */
function parseDts(text) {
  const nodes = new Map();
  const stack = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line === '/dts-v1/;' || line.startsWith('/memreserve/')) continue;
    if (line.endsWith('{')) {
      const name = line.slice(0, -1).trim();
      const parent = stack.at(-1);
      const path = name === '/' ? '/' : parent === '/' ? `/${name}` : `${parent}/${name}`;
      stack.push(path);
      nodes.set(path, []);
    } else if (line === '};') {
      stack.pop();
    } else {
      const m = /^(\S+?)(?: = (.*))?;$/.exec(line);
      assert.ok(m, `unparsed dts line: ${line}`);
      nodes.get(stack.at(-1)).push([m[1], m[2] ?? true]);
    }
  }
  return nodes;
}

const prop = (nodes, path, name) => nodes.get(path)?.find(([n]) => n === name)?.[1];
const cells = (raw) => raw.replace(/^<|>$/g, '').split(/\s+/).map((c) => BigInt(c));

/** Property values with phandles replaced by the paths they point at, for comparing two trees. */
function normalise(nodes) {
  const byPhandle = new Map();
  for (const [path, props] of nodes) {
    const ph = props.find(([n]) => n === 'phandle');
    if (ph) byPhandle.set(cells(ph[1])[0], path);
  }
  const target = (c) => byPhandle.get(c) ?? `dangling ${c}`;
  const out = new Map();
  for (const [path, props] of nodes) {
    out.set(path, props.map(([name, value]) => {
      if (name === 'phandle') return [name, 'self'];
      if (['interrupt-parent', 'regmap', 'cpu'].includes(name)) return [name, target(cells(value)[0])];
      if (name === 'interrupts-extended') {
        const c = cells(value);
        return [name, c.map((x, i) => (i % 2 === 0 ? target(x) : String(x))).join(' ')];
      }
      if (name.startsWith('linux,initrd-')) return [name, String(cells(value).reduce((acc, x) => (acc << 32n) | x, 0n))];
      if (name === 'rng-seed') return [name, 'random'];
      return [name, value];
    }));
  }
  return out;
}

// ---- the writer --------------------------------------------------------------------------------

test('the blob has a version 17 header, aligned blocks and deduplicated property names', () => {
  const tree = new DeviceTree();
  tree.reservations.push({ address: 0x80000000n, size: 0x200000n });
  tree.root.u32('#address-cells', 2).string('compatible', 'test,board');
  tree.root.addNode('a@1').string('compatible', 'x').u32('reg', 1);
  tree.root.addNode('b').string('compatible', 'y');
  const blob = tree.toBlob();
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = (i) => view.getUint32(4 * i);
  assert.equal(h(0), 0xd00dfeed, 'magic');
  assert.equal(h(1), blob.length, 'totalsize');
  const [offStruct, offStrings, offRsv] = [h(2), h(3), h(4)];
  assert.equal(h(5), 17, 'version');
  assert.equal(h(6), 16, 'last_comp_version');
  assert.equal(h(7), 0, 'boot_cpuid_phys');
  const [sizeStrings, sizeStruct] = [h(8), h(9)];
  assert.equal(offRsv % 8, 0);
  assert.equal(offStruct % 4, 0);
  assert.equal(offStruct, offRsv + 32, 'one reservation and the terminating entry');
  assert.equal(view.getBigUint64(offRsv), 0x80000000n);
  assert.equal(view.getBigUint64(offRsv + 8), 0x200000n);
  assert.equal(view.getBigUint64(offRsv + 16) | view.getBigUint64(offRsv + 24), 0n);
  assert.equal(offStruct + sizeStruct, offStrings);
  assert.equal(offStrings + sizeStrings, blob.length);
  assert.equal(view.getUint32(offStruct + sizeStruct - 4), 9, 'FDT_END closes the structure block');
  const strings = Buffer.from(blob.subarray(offStrings)).toString('latin1');
  assert.equal(strings, '#address-cells\0compatible\0reg\0', 'each name once');
});

test('every kind of property decompiles as written', { skip: !haveDtc && 'dtc not installed' }, () => {
  const tree = new DeviceTree();
  tree.reservations.push({ address: 0x1000n, size: 0x2000n });
  const p = tree.allocatePhandle();
  tree.root.u32('#address-cells', 2).u32('#size-cells', 2);
  const node = tree.root.addNode('node@10000000');
  node.u32('cells', 1, 0xffffffff)
    .u64('wide', 0x1_0000_0002n, 3n)
    .string('name-ish', 'hello')
    .strings('list', ['a', 'bc', 'def'])
    .bytes('raw', Uint8Array.of(1, 2, 3))
    .empty('flag')
    .phandle(p)
    .u64('reg', 0x10000000n, 0x1000n);
  node.u32('cells', 7); // replaced in place
  tree.root.addNode('user').u32('ref', p);
  tree.root.addNode('empty');
  const dts = decompile(tree.toBlob(), 'kinds');
  assert.match(dts, /\/memreserve\/\s+0x0*1000 0x0*2000;/);
  const nodes = parseDts(dts);
  assert.deepEqual([...nodes.keys()], ['/', '/node@10000000', '/user', '/empty']);
  assert.deepEqual(nodes.get('/node@10000000'), [
    ['cells', '<0x07>'],
    ['wide', '<0x01 0x02 0x00 0x03>'],
    ['name-ish', '"hello"'],
    ['list', '"a\\0bc\\0def"'],
    ['raw', '[01 02 03]'],
    ['flag', true],
    ['phandle', '<0x01>'],
    ['reg', '<0x00 0x10000000 0x00 0x1000>'],
  ]);
  assert.deepEqual(nodes.get('/user'), [['ref', '<0x01>']]);
  assert.deepEqual(nodes.get('/empty'), []);
});

test('bad names and values are refused', () => {
  const tree = new DeviceTree();
  assert.throws(() => tree.root.addNode(''), /node name/);
  assert.throws(() => tree.root.addNode('a/b'), /node name/);
  assert.throws(() => tree.root.addNode('x'.repeat(32)), /node name/);
  tree.root.addNode('twice');
  assert.throws(() => tree.root.addNode('twice'), /already exists/);
  assert.throws(() => tree.root.u32('bad name', 1), /property name/);
  assert.throws(() => tree.root.u32('n', -1), RangeError);
  assert.throws(() => tree.root.u32('n', 2 ** 32), RangeError);
  assert.throws(() => tree.root.u64('n', 1n << 64n), RangeError);
  assert.throws(() => tree.root.string('s', 'a\0b'), /NUL/);
});

// ---- the virt board's tree -------------------------------------------------------------------

for (const harts of [1, 4]) {
  test(`virt tree with ${harts} hart(s) decompiles cleanly with the expected nodes`, { skip: !haveDtc && 'dtc not installed' }, () => {
    const blob = buildVirtDeviceTree(virtOptions({
      harts, initrd: { start: 0x84000000n, end: 0x84100000n }, rngSeed: SEED,
    }));
    const nodes = parseDts(decompile(blob, `virt-${harts}`));
    const paths = [...nodes.keys()];
    const expected = ['/', '/chosen', '/poweroff', '/reboot', '/memory@80000000', '/cpus'];
    for (let h = 0; h < harts; h++) expected.push(`/cpus/cpu@${h}`, `/cpus/cpu@${h}/interrupt-controller`);
    expected.push('/cpus/cpu-map', '/cpus/cpu-map/cluster0');
    for (let h = 0; h < harts; h++) expected.push(`/cpus/cpu-map/cluster0/core${h}`);
    expected.push('/soc', '/soc/rtc@101000', '/soc/serial@10000000', '/soc/test@100000');
    for (let slot = 8; slot >= 1; slot--) expected.push(`/soc/virtio_mmio@1000${slot}000`);
    expected.push('/soc/plic@c000000', '/soc/clint@2000000');
    assert.deepEqual(paths, expected);

    assert.equal(prop(nodes, '/', 'compatible'), '"riscv-virtio"');
    assert.equal(prop(nodes, '/', 'model'), '"riscv-virtio,qemu"');
    assert.equal(prop(nodes, '/chosen', 'bootargs'), '"console=ttyS0"');
    assert.equal(prop(nodes, '/chosen', 'stdout-path'), '"/soc/serial@10000000"');
    assert.equal(prop(nodes, '/chosen', 'linux,initrd-start'), '<0x00 0x84000000>');
    assert.equal(prop(nodes, '/chosen', 'linux,initrd-end'), '<0x00 0x84100000>');
    assert.equal(prop(nodes, '/chosen', 'rng-seed'), '<0x1020304 0x5060708 0x90a0b0c 0xd0e0f10 0x11121314 0x15161718 0x191a1b1c 0x1d1e1f20>');
    assert.equal(prop(nodes, '/memory@80000000', 'reg'), '<0x00 0x80000000 0x00 0x10000000>');
    assert.equal(prop(nodes, '/cpus', 'timebase-frequency'), '<0x989680>');
    assert.equal(prop(nodes, '/cpus/cpu@0', 'riscv,isa'), `"${ISA}"`);
    assert.equal(prop(nodes, '/cpus/cpu@0', 'mmu-type'), '"riscv,sv57"');
    assert.equal(prop(nodes, `/cpus/cpu@${harts - 1}`, 'reg'), `<0x${(harts - 1).toString(16).padStart(2, '0')}>`);
    assert.equal(prop(nodes, '/cpus/cpu@0/interrupt-controller', 'compatible'), '"riscv,cpu-intc"');
    assert.equal(prop(nodes, '/soc', 'ranges'), true);
    assert.equal(prop(nodes, '/soc/serial@10000000', 'reg'), '<0x00 0x10000000 0x00 0x100>');
    assert.equal(prop(nodes, '/soc/serial@10000000', 'interrupts'), '<0x0a>');
    assert.equal(prop(nodes, '/soc/rtc@101000', 'interrupts'), '<0x0b>');
    assert.equal(prop(nodes, '/soc/virtio_mmio@10003000', 'interrupts'), '<0x03>');
    assert.equal(prop(nodes, '/soc/plic@c000000', 'riscv,ndev'), '<0x5f>');
    assert.equal(prop(nodes, '/soc/plic@c000000', 'reg'), '<0x00 0xc000000 0x00 0x600000>');
    assert.equal(prop(nodes, '/poweroff', 'value'), '<0x5555>');
    assert.equal(prop(nodes, '/reboot', 'value'), '<0x7777>');

    // the interrupt wiring, with phandles resolved
    const norm = normalise(nodes);
    const get = (path, name) => norm.get(path).find(([n]) => n === name)[1];
    const perHart = (a, b) => Array.from({ length: harts }, (_, h) =>
      `/cpus/cpu@${h}/interrupt-controller ${a} /cpus/cpu@${h}/interrupt-controller ${b}`).join(' ');
    assert.equal(get('/soc/plic@c000000', 'interrupts-extended'), perHart(11, 9));
    assert.equal(get('/soc/clint@2000000', 'interrupts-extended'), perHart(3, 7));
    assert.equal(get('/soc/serial@10000000', 'interrupt-parent'), '/soc/plic@c000000');
    assert.equal(get('/poweroff', 'regmap'), '/soc/test@100000');
    assert.equal(get('/reboot', 'regmap'), '/soc/test@100000');
    assert.equal(get(`/cpus/cpu-map/cluster0/core${harts - 1}`, 'cpu'), `/cpus/cpu@${harts - 1}`);
  });
}

test('virt tree options: no initrd, no bootargs, fewer virtio slots; limits', { skip: !haveDtc && 'dtc not installed' }, () => {
  const nodes = parseDts(decompile(buildVirtDeviceTree(virtOptions({ bootargs: '', virtioSlots: 2 })), 'virt-min'));
  assert.deepEqual(nodes.get('/chosen'), [['stdout-path', '"/soc/serial@10000000"']]);
  assert.deepEqual([...nodes.keys()].filter((p) => p.includes('virtio')), ['/soc/virtio_mmio@10002000', '/soc/virtio_mmio@10001000']);
  const high = parseDts(decompile(buildVirtDeviceTree(virtOptions({
    ramBase: 0x80000000n, ramSize: 8n << 30n, initrd: { start: 0x2_0000_0000n, end: 0x2_0001_0000n },
  })), 'virt-high'));
  assert.equal(prop(high, '/memory@80000000', 'reg'), '<0x00 0x80000000 0x02 0x00>');
  assert.equal(prop(high, '/chosen', 'linux,initrd-start'), '<0x02 0x00>');
  assert.throws(() => buildVirtDeviceTree(virtOptions({ virtioSlots: 9 })), RangeError);
  assert.throws(() => buildVirtDeviceTree(virtOptions({ harts: 0 })), RangeError);
});

// ---- against QEMU's own virt tree ------------------------------------------------------------

/** What QEMU's virt has and hartvm's board does not. */
const QEMU_ONLY = new Set(['/pmu', '/fw-cfg@10100000', '/flash@20000000', '/platform-bus@4000000', '/soc/pci@30000000']);

for (const harts of [1, 4]) {
  test(`virt tree with ${harts} hart(s) matches QEMU's where both have a device`, { skip: (!haveDtc || !haveQemu) && 'dtc or QEMU not installed' }, () => {
    const kernel = join(dir, 'kernel.bin'), initrd = join(dir, 'initrd.bin'), dumped = join(dir, `qemu-${harts}.dtb`);
    writeFileSync(kernel, new Uint8Array(4096));
    writeFileSync(initrd, new Uint8Array(1000));
    const bootargs = 'console=ttyS0 earlycon';
    const r = spawnSync(QEMU, ['-M', `virt,dumpdtb=${dumped}`, '-m', '256M', '-smp', String(harts), '-nographic',
      '-kernel', kernel, '-initrd', initrd, '-append', bootargs], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const qemuDts = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', dumped], { encoding: 'utf8' }).stdout;
    const qemu = normalise(parseDts(qemuDts));
    const qemuRaw = parseDts(qemuDts);
    // describe the same machine: QEMU's CPU, memory and where it put the ramdisk
    const cell = (path, name) => cells(prop(qemuRaw, path, name)).reduce((acc, x) => (acc << 32n) | x, 0n);
    const unquote = (s) => s.slice(1, -1);
    const ours = normalise(parseDts(decompile(buildVirtDeviceTree(virtOptions({
      harts, bootargs, rngSeed: SEED,
      isa: unquote(prop(qemuRaw, '/cpus/cpu@0', 'riscv,isa')),
      mmuType: unquote(prop(qemuRaw, '/cpus/cpu@0', 'mmu-type')),
      initrd: { start: cell('/chosen', 'linux,initrd-start'), end: cell('/chosen', 'linux,initrd-end') },
    })), `ours-${harts}`)));

    const ourPaths = [...ours.keys()], qemuPaths = [...qemu.keys()];
    assert.deepEqual(ourPaths.filter((p) => !qemu.has(p)), [], 'nodes QEMU does not have');
    const missing = qemuPaths.filter((p) => !ours.has(p));
    assert.deepEqual(missing.filter((p) => ![...QEMU_ONLY].some((q) => p === q || p.startsWith(`${q}/`))), [],
      'QEMU nodes left out without a reason');
    assert.deepEqual(ourPaths, qemuPaths.filter((p) => ours.has(p)), 'node order');

    for (const path of ourPaths) {
      const mine = ours.get(path), theirs = new Map(qemu.get(path));
      const names = mine.map(([n]) => n).filter((n) => theirs.has(n));
      // QEMU 7.2 leaves #address-cells out of the hart interrupt controllers (dtc warns about it)
      const extra = mine.map(([n]) => n).filter((n) => !theirs.has(n));
      assert.deepEqual(extra, path.endsWith('/interrupt-controller') ? ['#address-cells'] : [], `extra properties in ${path}`);
      assert.deepEqual(names, qemu.get(path).map(([n]) => n).filter((n) => names.includes(n)), `property order in ${path}`);
      for (const [name, value] of mine) {
        if (!theirs.has(name)) continue;
        // QEMU 7.2 advertises riscv,ndev = 96 though its highest source id is 95
        if (path === '/soc/plic@c000000' && name === 'riscv,ndev') continue;
        assert.equal(value, theirs.get(name), `${path} ${name}`);
      }
    }
  });
}

test('a blob read back (parseDeviceTree, for -dtb) writes the same bytes again', () => {
  const blob = buildVirtDeviceTree(virtOptions({ harts: 4, initrd: { start: 0x88000000n, end: 0x88200000n }, rngSeed: SEED }));
  const tree = parseDeviceTree(blob);
  assert.deepEqual(tree.toBlob(), blob);
  assert.equal(tree.root.child('chosen').property('bootargs').value.length, 'console=ttyS0'.length + 1);
});

test("QEMU's own virt device tree reads back to the same tree", { skip: (!haveQemu || !haveDtc) && 'qemu-system-riscv64 or dtc not installed' }, () => {
  const file = join(dir, 'qemu-read-back.dtb');
  const r = spawnSync(QEMU, ['-M', `virt,dumpdtb=${file}`, '-smp', '2', '-m', '256M', '-nographic'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const original = readFileSync(file);
  writeFileSync(join(dir, 'qemu-written.dtb'), parseDeviceTree(original).toBlob());
  // dtc warns about QEMU's interrupt controllers (no #address-cells), in both
  const text = (name) => spawnSync('dtc', ['-q', '-I', 'dtb', '-O', 'dts', join(dir, name)], { encoding: 'utf8' }).stdout;
  assert.match(text('qemu-read-back.dtb'), /cpu@1 \{/);
  assert.equal(text('qemu-written.dtb'), text('qemu-read-back.dtb'));
});

test('a truncated or corrupted blob is a DeviceTreeFormatError, never another error', () => {
  const blob = buildVirtDeviceTree(virtOptions({ harts: 2 }));
  const outcomes = (bytes) => {
    try {
      parseDeviceTree(bytes);
      return 'read';
    } catch (e) {
      assert.ok(e instanceof DeviceTreeFormatError, `${e?.constructor?.name}: ${e?.message}`);
      return 'refused';
    }
  };
  for (let length = 0; length < blob.length; length += 7) assert.equal(outcomes(blob.subarray(0, length)), 'refused', `cut at ${length}`);
  let seed = 12345;
  const random = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
  for (let i = 0; i < 2000; i++) {
    const bad = blob.slice();
    for (let k = 0; k < 4; k++) bad[random() % bad.length] = random() & 255;
    outcomes(bad);
  }
});
