#!/usr/bin/env node
// Entry point of the `hartvm` command: the compiled Node host in dist/, bundled into one module
// (scripts/bundle-cli.mjs).
import { existsSync } from 'node:fs';

const cli = new URL('../dist/host/node/cli.bundle.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('hartvm: not built yet; run `npm ci` (or `npm run build`) in the hartvm folder first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
process.exitCode = await main(process.argv);
