// SMP Linux in a browser tab: the page served by `hartvm serve`, in Debian's chromium (headless),
// boots the default images to the shell at smp=1 and smp=4. Commands are typed on the page's
// terminal; a file written on the disk is checked by its md5sum (and found in the disk the page
// downloads); smp-stress passes on 4 harts; poweroff is reported on the page. Any page error or
// console error fails the test, and so does a page that is not cross-origin isolated.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { artifact, BrowserGuest, defaultImages, launchBrowser, openPage, pageState, settle, startServe } from './harness.mjs';

const PROMPT = '~ # ';
let server, browser;

before(async () => {
  server = await startServe(['--images', defaultImages()]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.stop();
});

async function bootToShell(query) {
  const opened = await openPage(browser, `${server.url}?${query}`);
  const { page, problems } = opened;
  assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true, 'the page is cross-origin isolated');
  const guest = new BrowserGuest(page);
  const started = Date.now();
  await guest.expect('hartvm guest ready', 180000);
  await guest.expect(PROMPT, 60000);
  const state = await pageState(page);
  const t = state.timings;
  process.stderr.write(`# ${query}: first console byte ${(t.firstOutput / 1000).toFixed(2)} s, 'Linux version' ${(t.linuxVersion / 1000).toFixed(2)} s ` +
    `after the page's start; images loaded at ${(t.imagesLoaded / 1000).toFixed(2)} s; prompt after ${((Date.now() - started) / 1000).toFixed(2)} s\n`);
  return { ...opened, guest };
}

async function powerOff(page, guest, problems) {
  await guest.type('poweroff\n');
  const state = await settle(page, 60000);
  assert.equal(state.state, 'ended', `the page reports the end: ${state.error ?? ''}`);
  assert.equal(state.end.reason, 'poweroff');
  assert.equal(state.end.status, 0);
  assert.match(await page.locator('#end').innerText(), /powered off \(exit status 0\)/);
  assert.deepEqual(problems, [], 'no page or console errors');
}

test('smp=1: Linux boots to a shell in the page; uname, nproc, cpuinfo; a file on the disk; the disk downloads; poweroff', { timeout: 300000 }, async () => {
  const { page, context, problems, guest } = await bootToShell('smp=1');
  try {
    assert.match(await guest.run('uname -a'), /^Linux \S+ 6\.1\.\d+ .* riscv64 GNU\/Linux\n$/);
    assert.equal((await guest.run('nproc')).trim(), '1');
    const cpuinfo = await guest.run('cat /proc/cpuinfo');
    assert.match(cpuinfo, /^processor\s*: 0$/m);
    assert.match(cpuinfo, /^mmu\s*: sv57$/m);
    const stamp = `written-in-the-browser-${process.pid}-${Date.now()}`;
    const expected = createHash('md5').update(stamp + '\n').digest('hex');
    await guest.run(`echo ${stamp} > /mnt/proof.txt && sync`);
    assert.equal((await guest.run('md5sum /mnt/proof.txt')).trim(), `${expected}  /mnt/proof.txt`);
    // The disk as the page holds it, through the download button: the file is in it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const saved = artifact('browser-disk.ext2');
    await download.saveAs(saved);
    const disk = readFileSync(saved);
    assert.equal(disk.length, 32 * 2 ** 20, 'the downloaded disk is the whole disk');
    assert.ok(disk.includes(Buffer.from(stamp)), 'the file written by the guest is in the downloaded disk');
    await page.screenshot({ path: artifact('browser-smp1.png') });
    await powerOff(page, guest, problems);
  } finally {
    await context.close();
  }
});

test('smp=4: four harts on Web Workers boot Linux; nproc is 4; a file on the disk; smp-stress passes; poweroff', { timeout: 900000 }, async () => {
  const { page, context, problems, guest } = await bootToShell('smp=4');
  try {
    assert.match(await guest.run('uname -a'), /^Linux \S+ 6\.1\.\d+ .* SMP .* riscv64 GNU\/Linux\n$/);
    assert.equal((await guest.run('nproc')).trim(), '4');
    const cpuinfo = await guest.run('cat /proc/cpuinfo');
    for (let h = 0; h < 4; h++) assert.match(cpuinfo, new RegExp(`^processor\\s*: ${h}$`, 'm'));
    const stamp = `four-harts-${process.pid}-${Date.now()}`;
    const expected = createHash('md5').update(stamp + '\n').digest('hex');
    await guest.run(`echo ${stamp} > /mnt/proof4.txt && sync`);
    assert.equal((await guest.run('md5sum /mnt/proof4.txt')).trim(), `${expected}  /mnt/proof4.txt`);
    const stress = await guest.run('smp-stress -t 4 -s 600; echo status=$?', PROMPT, 700000);
    assert.match(stress, /^smp-stress: PASS threads=4 /m, stress);
    assert.match(stress, /^status=0$/m, stress);
    process.stderr.write(`# ${stress.split('\n').find((l) => l.startsWith('smp-stress: PASS'))}\n`);
    const statistics = (await pageState(page)).statistics;
    assert.equal(statistics?.harts.length, 4, 'the page shows statistics for 4 harts');
    assert.ok(statistics.harts.every((h) => h.instructions > 0), 'every hart has run instructions');
    await page.screenshot({ path: artifact('browser-smp4.png') });
    await powerOff(page, guest, problems);
  } finally {
    await context.close();
  }
});

test('persist: the disk kept in the browser\'s storage (OPFS) keeps a file across a reload; persist=fresh starts from the image again', { timeout: 300000 }, async () => {
  const context = await browser.newContext();
  const problems = [];
  const boot = async (query) => {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await page.goto(`${server.url}?${query}`);
    const guest = new BrowserGuest(page);
    await guest.expect('hartvm guest ready', 180000);
    await guest.expect(PROMPT, 60000);
    return { page, guest };
  };
  try {
    const stamp = `kept-${process.pid}-${Date.now()}`;
    let { page, guest } = await boot('persist');
    assert.match(await page.locator('#board').innerText(), /persist \(disk saved in this browser\)/);
    await guest.run(`echo ${stamp} > /mnt/kept.txt && sync`);
    await page.close();
    ({ page, guest } = await boot('persist'));
    assert.equal((await guest.run('cat /mnt/kept.txt')).trim(), stamp, 'the file is there after a reload');
    await page.close();
    ({ page, guest } = await boot('persist=fresh'));
    assert.match(await guest.run('cat /mnt/kept.txt 2>&1'), /No such file or directory/, 'persist=fresh starts from the image');
    await guest.type('poweroff\n');
    assert.equal((await settle(page, 60000)).end?.reason, 'poweroff');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
