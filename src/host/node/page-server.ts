// The server of `hartvm serve`: the browser host (dist/browser, built by scripts/build-browser.mjs) and
// the default guest images over HTTP on this machine, with the headers that make the page
// cross-origin isolated (SharedArrayBuffer and Atomics.wait in its workers need them):
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.
// Files are streamed, GET and HEAD, no directory listings; /net is the network relay for pages
// that ask for a network card (network-relay.ts).

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { printable } from '../../machine/printable.js';
import { UserError } from './user-error.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const PAGE_DIR = path.join(ROOT, 'dist', 'browser');
export const IMAGES_DIR = path.join(ROOT, 'images');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.gz': 'application/gzip',
};

/** The headers every answer carries: the page is cross-origin isolated, and its files may be loaded by it. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export interface ServeOptions {
  port: number;
  host: string;
  /** the built page (default dist/browser) */
  pageDir?: string;
  /** served at /images/ instead of the page's own images/ folder, if given or if the page has none */
  imagesDir?: string;
  /** one line per request on stderr */
  log?: boolean;
}

/** The file a URL path names under `root`, or undefined if it leaves root. */
function resolveUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function handler(options: ServeOptions) {
  const pageDir = path.resolve(options.pageDir ?? PAGE_DIR);
  const pageImages = path.join(pageDir, 'images');
  const imagesDir = path.resolve(options.imagesDir ?? (existsSync(pageImages) ? pageImages : IMAGES_DIR));
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (options.log) res.on('finish', () => process.stderr.write(`${req.method} ${url.pathname} ${res.statusCode}\n`));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    let file: string | undefined;
    if (url.pathname === '/images' || url.pathname.startsWith('/images/')) file = resolveUnder(imagesDir, url.pathname.slice('/images'.length));
    else file = resolveUnder(pageDir, url.pathname === '/' ? '/index.html' : url.pathname);
    if (file === undefined) return send(res, 400, 'bad path\n');
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) return send(res, 404, `not found: ${url.pathname}\n`);
      size = stat.size;
    } catch {
      return send(res, 404, `not found: ${url.pathname}\n`);
    }
    res.writeHead(200, {
      ...ISOLATION_HEADERS,
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      // The page and images change with every build: always ask again (cheap on localhost).
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  };
}

function isLoopback(host: string): boolean {
  return /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host);
}

/** Starts the server; resolves once it listens (to the URL it serves), rejects with a UserError. */
export async function startServer(options: ServeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const pageDir = path.resolve(options.pageDir ?? PAGE_DIR);
  if (!existsSync(path.join(pageDir, 'index.html'))) {
    throw new UserError(`the browser page is not built (no ${path.join(pageDir, 'index.html')}): run npm run build`);
  }
  const server = createServer(handler(options));
  // The relay gives a page this machine's network, its loopback included: for pages of this
  // machine only. (Loaded here: the WebSocket library takes tens of milliseconds to load, which
  // every other command would pay at its start.)
  const closeRelays = isLoopback(options.host)
    ? (await import('./network-relay.js')).attachNetworkRelay(server, options.log ? (line) => process.stderr.write(`${line}\n`) : undefined)
    : () => {};
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = printable(`${options.host}:${options.port}`);
      if (e.code === 'EADDRINUSE') reject(new UserError(`cannot serve on ${where}: the port is in use (choose another with --port)`));
      else if (e.code === 'EACCES') reject(new UserError(`cannot serve on ${where}: permission denied (use a port above 1023)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new UserError(`cannot serve on ${where}: no such address on this machine`));
      else reject(new UserError(`cannot serve on ${where}: ${e.message}`));
    });
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `http://${host}:${port}/`,
        close: () => new Promise<void>((done) => { closeRelays(); server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

/** Serves until interrupted; resolves to the exit status. */
export async function serve(options: ServeOptions): Promise<number> {
  const server = await startServer(options);
  process.stdout.write(`hartvm: serving the browser host at ${server.url} (Ctrl-C stops)\n`);
  if (!isLoopback(options.host)) {
    // Cross-origin isolation needs a secure context: https, or http on the loopback address.
    process.stdout.write('hartvm: note: a browser on another machine needs this page over https (plain http works only on localhost); use a TLS proxy or an SSH tunnel\n');
    process.stdout.write('hartvm: note: the network relay for nic=user is off: it would give other machines\' pages this one\'s network\n');
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
