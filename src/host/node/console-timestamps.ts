// QEMU's console timestamps (Ctrl-A T): while on, every line of the guest's output starts with
// the time since the first line stamped after they were turned on, as [hh:mm:ss.mmm].

import { Transform, type TransformCallback } from 'node:stream';

export class ConsoleTimestamps extends Transform {
  private stamping = false;
  private lineStart = true;
  /** ms (performance.now()) of the first stamp since turned on */
  private origin: number | undefined;

  /** Turns the stamps on or off; says which. */
  toggle(): boolean {
    this.stamping = !this.stamping;
    this.origin = undefined;
    // a line already begun is not stamped in its middle
    this.lineStart = false;
    return this.stamping;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.stamping) {
      if (chunk.length > 0) this.lineStart = chunk[chunk.length - 1] === 0x0a;
      callback(null, chunk);
      return;
    }
    const parts: Buffer[] = [];
    let from = 0;
    while (from < chunk.length) {
      if (this.lineStart) {
        parts.push(Buffer.from(this.stamp()));
        this.lineStart = false;
      }
      const newline = chunk.indexOf(0x0a, from);
      const to = newline < 0 ? chunk.length : newline + 1;
      parts.push(chunk.subarray(from, to));
      if (newline >= 0) this.lineStart = true;
      from = to;
    }
    callback(null, Buffer.concat(parts));
  }

  private stamp(): string {
    const now = performance.now();
    this.origin ??= now;
    const ms = Math.floor(now - this.origin);
    const s = Math.floor(ms / 1000);
    const two = (n: number): string => String(n).padStart(2, '0');
    return `[${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.${String(ms % 1000).padStart(3, '0')}] `;
  }
}
