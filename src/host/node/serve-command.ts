// `hartvm serve` on the command line. The server itself (page-server.ts, with node:http) is
// loaded only when the command runs: every other command would pay for loading it.

import { InvalidArgumentError, type Command } from 'commander';
import { usageErrorLine } from './user-error.js';

const DEFAULT_PORT = 8080;

function portOption(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new InvalidArgumentError('expected a port number, 0 to 65535');
  return Number(text);
}

/** Adds `hartvm serve` to the command line; `setStatus` receives the exit status. */
export function registerServeCommand(program: Command, setStatus: (status: number) => void = (s) => { process.exitCode = s; }): void {
  program.command('serve')
    .description('serve the browser host (SMP Linux in a browser tab) and the default images on this machine')
    .configureOutput({ outputError: (text, write) => write(usageErrorLine(text, 'hartvm serve --help')) })
    .option('--port <n>', `TCP port (0: any free one)`, portOption, DEFAULT_PORT)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--images <dir>', 'serve this folder at /images/ (default: the page\'s images/, else the repository\'s images/)')
    .option('--log', 'print one line per request', false)
    .action(async (opts: { port: number; host: string; images?: string; log: boolean }) => {
      const { serve } = await import('./page-server.js');
      setStatus(await serve({ port: opts.port, host: opts.host, imagesDir: opts.images, log: opts.log }));
    });
}
