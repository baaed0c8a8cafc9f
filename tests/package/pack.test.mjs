// The package as users get it: `npm pack`, installed from the tarball into an empty folder,
// then `npx hartvm boot` from there boots the shipped images to a shell prompt with an empty
// cache (no apt, no build), and the library entry point imports with its type declarations.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT } from '../guest/harness.mjs';

const work = mkdtempSync(path.join(os.tmpdir(), 'hartvm-pack-'));
const app = path.join(work, 'app');
const emptyCache = path.join(work, 'cache');
let tarball;

function npm(args, cwd) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  // dist/ is built by the test command's setup; --ignore-scripts packs that build as it is.
  const out = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  const [info] = JSON.parse(out);
  tarball = path.join(work, info.filename);
  writeFileSync(path.join(work, 'files.json'), JSON.stringify(info.files.map((f) => f.path)));
  const files = new Set(info.files.map((f) => f.path));
  for (const f of ['bin/hartvm.js', 'dist/index.js', 'dist/index.d.ts', 'dist/host/node/cli.js', 'dist/host/node/cli.bundle.js', 'dist/host/node/hart-thread.js', 'dist/host/node/hart-thread.bundle.js', 'images/manifest.json', 'package.json']) {
    assert.ok(files.has(f), `the package lacks ${f}`);
  }
  for (const f of files) assert.ok(!/^(tests|src|\.ci|guest\/tests)\//.test(f), `the package should not hold ${f}`);
  npm(['init', '-y'], (spawnSync('mkdir', ['-p', app]), app));
  npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('npx hartvm boot from an installed tarball reaches the shell with an empty cache', async () => {
  const child = spawn('npx', ['--no-install', 'hartvm', 'boot'], {
    cwd: app, stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, HARTVM_CACHE: emptyCache, npm_config_update_notifier: 'false' },
  });
  let output = '', stderr = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const waitFor = async (pattern, ms) => {
    const deadline = Date.now() + ms;
    while (!output.includes(pattern)) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`no ${JSON.stringify(pattern)}; output tail:\n${output.slice(-2000)}\nstderr:\n${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  await waitFor('~ # ', 180000);
  child.stdin.write('uname -m\n');
  await waitFor('riscv64', 30000);
  child.stdin.write('poweroff\n');
  assert.equal(await exited, 0, stderr);
  assert.ok(!/build/i.test(stderr), `nothing was built: ${stderr}`);
  assert.ok(!existsSync(emptyCache) || readdirSync(emptyCache).length === 0 || !existsSync(path.join(emptyCache, 'linux')), 'no kernel was built into the cache');
});

test('the installed library imports, with its declarations and version', async () => {
  const pkg = path.join(app, 'node_modules', 'hartvm');
  const api = await import(path.join(pkg, 'dist', 'index.js'));
  assert.equal(typeof api.createMachine, 'function');
  assert.equal(typeof api.HartvmError, 'function');
  assert.ok(existsSync(path.join(pkg, 'dist', 'index.d.ts')));
  const version = spawnSync(process.execPath, [path.join(pkg, 'bin', 'hartvm.js'), '--version'], { encoding: 'utf8' });
  assert.equal(version.stdout.trim(), JSON.parse(npm(['pkg', 'get', 'version'], ROOT)));
  // Resolved by package name through the exports map, as a user's code does.
  writeFileSync(path.join(app, 'probe.mjs'), "import { createMachine, OptionError } from 'hartvm';\ntry { createMachine({ memory: '1K' }); } catch (e) { console.log(e instanceof OptionError, e.code); }\n");
  const probe = spawnSync(process.execPath, ['probe.mjs'], { cwd: app, encoding: 'utf8' });
  assert.equal(probe.stdout.trim(), 'true ERR_HARTVM_OPTION', probe.stderr);
});

test('the installed package locks disk images (its lock dependency came with it)', () => {
  const image = path.join(work, 'disk.img');
  writeFileSync(image, Buffer.alloc(1 << 20));
  const drive = `file=${image},format=raw`;
  const r = spawnSync('npx', ['--no-install', 'hartvm', 'boot', '--dump-dtb', path.join(work, 'virt.dtb'), '-drive', drive, '-drive', drive],
    { cwd: app, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
  assert.notEqual(r.status, 0, r.stderr);
  assert.match(r.stderr, /^hartvm: -drive \S+: in use by another drive of this hartvm, which is writing it\n$/);
});
