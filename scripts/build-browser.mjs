// Builds the browser host into dist/browser: the page script, the browser library (hartvm.js:
// hartvm/browser), the device worker, the hart worker and the image worker (src/host/browser), each bundled with esbuild as a minified ES module, xterm.js's CSS
// with the page's own, and index.html. The folder works from any static host that sends
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (see
// README, "The browser host"); `hartvm serve` serves it. The project's images (images/, if
// present) are copied into dist/browser/images, only when they changed.
// Type checking: tsc -p tsconfig.browser.json (run first; esbuild only strips types).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src/host/browser');
const OUT = path.join(ROOT, 'dist/browser');
const quiet = process.argv.includes('--quiet');

// Type-checks the browser host and the core without Node's types, and writes the declarations of
// the browser library (hartvm/browser) into dist/browser-types.
rmSync(path.join(ROOT, 'dist/browser-types'), { recursive: true, force: true });
execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.browser.json')], { stdio: 'inherit' });

for (const f of ['main.js', 'main.css', 'hartvm.js', 'device-worker.js', 'hart-worker.js', 'image-worker.js']) rmSync(path.join(OUT, f), { force: true });
const result = await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: ['main.ts', 'hartvm.ts', 'device-worker.ts', 'hart-worker.ts', 'image-worker.ts'].map((f) => path.join(SRC, f)),
  outdir: OUT,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
copyFileSync(path.join(SRC, 'index.html'), path.join(OUT, 'index.html'));

// The default images, next to the page, so that dist/browser is complete by itself.
const images = path.join(ROOT, 'images');
if (existsSync(images)) {
  mkdirSync(path.join(OUT, 'images'), { recursive: true });
  for (const name of readdirSync(images)) {
    const from = path.join(images, name), to = path.join(OUT, 'images', name);
    const a = statSync(from);
    if (!a.isFile()) continue;
    const b = existsSync(to) ? statSync(to) : undefined;
    if (!b || b.size !== a.size || b.mtimeMs < a.mtimeMs) copyFileSync(from, to);
  }
}

if (!quiet) {
  const sizes = Object.entries(result.metafile.outputs).filter(([f]) => !f.endsWith('.map'))
    .map(([f, o]) => `${path.relative(ROOT, f)} ${(o.bytes / 1024).toFixed(1)} KiB`);
  process.stdout.write(`build-browser: ${sizes.join(', ')}\n`);
}
