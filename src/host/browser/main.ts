// The page: the UI on the main thread, which never blocks. It reads the options from the URL,
// starts a machine through the browser library (machine.ts: a device worker loads the images and
// runs the machine, with a Web Worker per hart from two harts on), shows the console in xterm.js (keys to the guest, the guest's bytes in batches), the
// loading progress, the board and live statistics, and how the guest ended. Every failure is
// said plainly in one message.

import '@xterm/xterm/css/xterm.css';
import './style.css';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import type { MachineStatistics } from '../../machine/statistics.js';
import { formatSize } from '../../machine/size.js';
import { BrowserOptionError, parseOptions, type BrowserOptions } from './options.js';
import { BrowserMachine, type LoadProgress } from './machine.js';
import type { BoardInfo } from './protocol.js';

/** What tests (and the curious) can read: window.hartvm. */
interface PageState {
  state: 'loading' | 'running' | 'ended' | 'error';
  /** everything the guest wrote to its console, as text */
  transcript: string;
  error?: string;
  end?: { status: number; reason: string; message?: string; text: string };
  /** ms since the page's time origin: first console byte, the kernel's first message, the first shell prompt */
  timings: { workerStarted?: number; imagesLoaded?: number; firstOutput?: number; linuxVersion?: number; prompt?: number; ended?: number };
  statistics?: MachineStatistics;
  /** types on the guest's console, for scripts (the benchmark) */
  input(text: string): void;
}

const page: PageState = { state: 'loading', transcript: '', timings: {}, input: (text) => machine?.input(text) };
(globalThis as unknown as { hartvm: PageState }).hartvm = page;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const errorBox = $<HTMLDivElement>('error');
const endBox = $<HTMLDivElement>('end');
const loading = $<HTMLDivElement>('loading');
const statisticsBox = $<HTMLElement>('statistics');
const boardLine = $<HTMLSpanElement>('board');
const downloadButton = $<HTMLButtonElement>('download');
const saveButton = $<HTMLButtonElement>('save');
const loadButton = $<HTMLButtonElement>('load');
const loadFile = $<HTMLInputElement>('load-file');
const stopButton = $<HTMLButtonElement>('stop');

let machine: BrowserMachine | undefined;
/** the first disk's name, for its download */
let diskName = 'disk.img';
let terminal: Terminal | undefined;

/** One clear message; the machine (if any) is ended. Only the first failure is shown. */
function fail(message: string): void {
  if (page.state === 'error') return;
  page.state = 'error';
  page.error = message;
  errorBox.textContent = message;
  errorBox.hidden = false;
  stopButton.disabled = true;
  saveButton.disabled = true;
  loadButton.disabled = true;
  void machine?.stop();
  document.title = 'hartvm: error';
}

window.addEventListener('error', (event) => fail(`page error: ${event.message}`));
window.addEventListener('unhandledrejection', (event) => fail(`page error: ${(event.reason as Error)?.message ?? event.reason}`));

function notIsolatedMessage(): string {
  if (!globalThis.isSecureContext) {
    return 'This page was loaded over plain HTTP from another machine, which is not a secure context: browsers share ' +
      'memory between a page\'s threads (SharedArrayBuffer) only on https:// pages or on http://localhost and ' +
      'http://127.0.0.1. Open it through https (a TLS proxy in front of the server), or on this machine through ' +
      'an SSH tunnel (ssh -L 8080:127.0.0.1:8080 host, then http://127.0.0.1:8080/).';
  }
  return 'This page is not cross-origin isolated, so its threads cannot share the guest\'s memory ' +
    '(SharedArrayBuffer and Atomics need it). The server must send the page with the headers\n' +
    '  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp\n' +
    '`hartvm serve` does (npx hartvm serve, then open the URL it prints); for another server, add the two ' +
    'headers to its configuration (see "The browser host" in hartvm\'s README).';
}

function formatBytes(n: number): string {
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(0)} KiB`;
  return `${n} B`;
}

// ---- loading progress ----------------------------------------------------------------------

const progressLines = new Map<string, HTMLDivElement>();

function showProgress({ what, name, loaded, total, done, unpacked, saved }: LoadProgress): void {
  let line = progressLines.get(what);
  if (!line) {
    line = document.createElement('div');
    progressLines.set(what, line);
    loading.append(line);
  }
  const of = total !== undefined ? ` of ${formatBytes(total)}` : '';
  const percent = total ? ` (${Math.floor((100 * loaded) / total)}%)` : '';
  if (saved) {
    line.textContent = `${what}: ${name} ${formatBytes(loaded)}, the copy saved in this browser (persist)`;
    return;
  }
  const state = done ? (unpacked !== undefined ? ` loaded, ${formatBytes(unpacked)} unpacked` : ' loaded') : total !== undefined && loaded >= total ? ' loaded, unpacking' : percent;
  line.textContent = `${what}: ${name} ${formatBytes(loaded)}${of}${state}`;
}

// ---- statistics ------------------------------------------------------------------------------

let previous: { seconds: number; instructions: number[] } | undefined;

function showStatistics(s: MachineStatistics): void {
  page.statistics = s;
  const dt = previous ? s.seconds - previous.seconds : s.seconds;
  const rows = s.harts.map((h, i) => {
    const before = previous?.instructions[i] ?? 0;
    const mips = dt > 0 ? (h.instructions - before) / dt / 1e6 : 0;
    const hitRate = h.lookups > 0 ? (100 * h.hits) / h.lookups : 0;
    return `<tr><td>${h.hartId}</td><td>${(h.instructions / 1e6).toFixed(1)} M</td><td>${mips.toFixed(1)}</td>` +
      `<td>${hitRate.toFixed(2)}%</td><td>${h.walks}</td></tr>`;
  }).join('');
  previous = { seconds: s.seconds, instructions: s.harts.map((h) => h.instructions) };
  const threads = s.threads
    ? `<table><caption>hart threads</caption><tr><th>hart</th><th>MMIO</th><th>MMIO wait</th><th>wfi sleep</th></tr>` +
      s.threads.map((t) => `<tr><td>${t.hartId}</td><td>${t.mmioRequests}</td><td>${(t.mmioWaitMs / 1000).toFixed(2)} s</td><td>${(t.idleMs / 1000).toFixed(2)} s</td></tr>`).join('') +
      '</table>'
    : '';
  statisticsBox.innerHTML =
    `<table><caption>--tlb-flush=${s.policy}, ${s.seconds.toFixed(0)} s, ${s.mips.toFixed(1)} MIPS on average</caption>` +
    `<tr><th>hart</th><th>instructions</th><th>MIPS</th><th>store hits</th><th>walks</th></tr>${rows}</table>${threads}`;
}

// ---- the machine -----------------------------------------------------------------------------

const decoder = new TextDecoder();

function output(bytes: Uint8Array): void {
  if (page.timings.firstOutput === undefined) page.timings.firstOutput = performance.now();
  terminal?.write(bytes);
  page.transcript += decoder.decode(bytes, { stream: true });
  if (page.timings.linuxVersion === undefined && page.transcript.includes('Linux version')) page.timings.linuxVersion = performance.now();
  if (page.timings.prompt === undefined && page.transcript.includes('~ # ')) page.timings.prompt = performance.now();
}

function endText(status: number, reason: string, message?: string): string {
  switch (reason) {
    case 'poweroff': return `The guest powered off (exit status ${status}).`;
    case 'fail': return `The guest reported a failure (exit status ${status}).`;
    case 'panic': return 'The guest kernel panicked (see the console above).';
    case 'reset': return 'The guest reset the board, and no-reboot was given: the machine has ended.';
    case 'trap-loop': return `The machine ended: ${message ?? 'a hart is stuck in a trap loop'}.`;
    case 'stopped': return `The machine was stopped${message ? ` (${message})` : ''}.`;
    default: return `The machine ended (${reason}, status ${status})${message ? `: ${message}` : ''}.`;
  }
}

function showBoard(info: BoardInfo): void {
  const images = info.images.map((i) => `${i.what} ${i.name}`).join(', ');
  const disks = info.disks.map((d, i) => `vd${String.fromCharCode(97 + i)} ${d.name}${d.readOnly ? ' (read-only)' : ''}${d.persisted ? ' (saved in this browser)' : ''}`).join(', ');
  boardLine.textContent = `smp=${info.harts}  m=${formatSize(info.ramSize)}  tlb-flush=${info.policy}` +
    (info.bootargs ? `  append="${info.bootargs}"` : '') + (info.disks.some((d) => d.persisted) ? '  persist (disk saved in this browser)' : '');
  boardLine.title = `${images}${disks ? `; disks: ${disks}` : ''}`;
}

/** A line above the terminal that does not end the machine: `bad` ones stay, others go after a while. */
function notice(text: string, bad = true): void {
  if (page.state !== 'running') return;
  endBox.textContent = text;
  endBox.classList.toggle('bad', bad);
  endBox.hidden = false;
  if (!bad) setTimeout(() => { if (page.state === 'running' && endBox.textContent === text) endBox.hidden = true; }, 5000);
}

function download(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The machine's events drive the page. */
function listen(m: BrowserMachine): void {
  const live = (): boolean => page.state !== 'error';
  m.addEventListener('progress', (e) => { if (live()) showProgress(e.detail); });
  m.addEventListener('booting', (e) => {
    if (!live()) return;
    page.timings.imagesLoaded = performance.now();
    page.state = 'running';
    showBoard(e.detail.info);
    loading.replaceChildren(...e.detail.warnings.map((w) => Object.assign(document.createElement('div'), { textContent: `warning: ${w}` })));
    stopButton.disabled = false;
    downloadButton.disabled = e.detail.info.disks.length === 0;
    saveButton.disabled = false;
    loadButton.disabled = false;
    diskName = e.detail.info.disks[0]?.name ?? diskName;
    terminal?.focus();
  });
  m.addEventListener('output', (e) => { if (live()) output(e.detail); });
  m.addEventListener('statistics', (e) => { if (live()) showStatistics(e.detail); });
  const event = (kind: 'reset' | 'panic' | 'virtio-error' | 'network-error', text: string): void => {
    if (!live()) return;
    // A panic without no-reboot leaves the guest halted, not ended: say so now.
    endBox.textContent = kind === 'panic' ? `${text} The machine is halted; reload the page to boot again.` : text;
    endBox.classList.toggle('bad', kind !== 'reset');
    endBox.hidden = false;
    if (kind === 'reset') setTimeout(() => { if (page.state === 'running') endBox.hidden = true; }, 5000);
  };
  m.addEventListener('reset', (e) => event('reset', e.detail));
  m.addEventListener('panic', (e) => event('panic', e.detail));
  m.addEventListener('virtio-error', (e) => event('virtio-error', e.detail));
  m.addEventListener('network-error', (e) => event('network-error', e.detail));
  m.addEventListener('exit', (e) => {
    if (!live()) return;
    const { status, reason, message } = e.detail;
    page.state = 'ended';
    page.timings.ended = performance.now();
    const text = endText(status, reason, message);
    page.end = { status, reason, message, text };
    endBox.textContent = text;
    endBox.classList.toggle('bad', status !== 0);
    endBox.hidden = false;
    stopButton.disabled = true;
    saveButton.disabled = true;
    loadButton.disabled = true;
    const statistics = m.statistics();
    if (statistics) showStatistics(statistics);
    document.title = 'hartvm: ended';
  });
  m.addEventListener('error', (e) => fail(e.detail.message));
}

function startTerminal(): void {
  terminal = new Terminal({
    fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, monospace', fontSize: 14, scrollback: 10000,
    cursorBlink: true, theme: { background: '#000000' },
  });
  const fit = new FitAddon();
  terminal.loadAddon(fit);
  terminal.open($('terminal'));
  fit.fit();
  new ResizeObserver(() => fit.fit()).observe($('terminal'));
  const encoder = new TextEncoder();
  terminal.onData((text) => {
    if (page.state !== 'running') return;
    machine?.input(encoder.encode(text));
  });
  terminal.onBinary((text) => {
    if (page.state !== 'running') return;
    machine?.input(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff));
  });
}

function main(): void {
  if (!globalThis.crossOriginIsolated) return fail(notIsolatedMessage());
  let options: BrowserOptions;
  try {
    options = parseOptions(location.search);
  } catch (e) {
    if (e instanceof BrowserOptionError) return fail(`bad option in the page's URL: ${e.message}`);
    throw e;
  }
  boardLine.textContent = `smp=${options.harts}  m=${formatSize(options.ramSize)}  tlb-flush=${options.policy}`;
  // The page's URL options are already checked and resolved against the page, which is where the
  // bundle and its images/ are too. The machine's worker starts before the terminal is drawn.
  machine = new BrowserMachine(options, new URL('./', location.href), []);
  page.timings.workerStarted = performance.now();
  listen(machine);
  startTerminal();
  stopButton.onclick = () => void machine?.stop();
  downloadButton.onclick = () => void machine?.diskContents(0).then((bytes) => download(diskName, bytes));
  saveButton.onclick = () => {
    saveButton.disabled = true;
    void machine?.saveSnapshot().then((bytes) => download('hartvm-state.snapshot', bytes), (e: Error) => notice(`Save state: ${e.message}`))
      .finally(() => { saveButton.disabled = page.state !== 'running'; });
  };
  loadButton.onclick = () => loadFile.click();
  loadFile.onchange = () => {
    const file = loadFile.files?.[0];
    loadFile.value = '';
    if (file) void machine?.loadSnapshot(file).then(() => notice(`Loaded ${file.name}.`, false), (e: Error) => notice(`Load state: ${e.message}`));
  };
  machine.start().catch(() => { /* said by the error event */ });
}

main();
