// Bundles the command line (dist/host/node/cli.js and everything it imports from dist) into one
// module, dist/host/node/cli.bundle.js, which bin/hartvm.js loads: Node then reads and compiles
// one file instead of about two hundred, which is most of a command's start-up (a restore with
// -loadvm is back at the shell in well under a second, and the module graph was a fifth of it).
// Packages stay outside (node_modules); the bundle sits beside cli.js, so that every path it
// makes from import.meta.url (the images, the hart thread's script, package.json) is the same.
// What a command imports only when it needs it stays a module of its own, imported then: in the
// bundle, its packages would be imported at every start (ws, for `serve`'s network relay).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_HOST = path.join(ROOT, 'dist/host/node');

await esbuild.build({
  absWorkingDir: ROOT,
  entryPoints: { 'cli.bundle': path.join(NODE_HOST, 'cli.js'), 'hart-thread.bundle': path.join(NODE_HOST, 'hart-thread.js') },
  outdir: NODE_HOST,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  // names kept: stack traces and profiles read as the sources do
  minify: false,
  logLevel: 'warning',
  plugins: [{
    name: 'imported-when-needed',
    setup(build) {
      build.onResolve({ filter: /^\.\/network-relay\.js$/ }, (args) => ({ path: args.path, external: true }));
    },
  }],
});
