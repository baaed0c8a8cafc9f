// The GDB Remote Serial Protocol's framing: `$payload#cs` with a two-digit modulo-256 checksum,
// `+`/`-` acknowledgements (until QStartNoAckMode), and the interrupt byte 0x03 between
// packets. Bytes are handled as latin1 characters. A packet longer than the stub said it takes
// is dropped as it arrives (and nacked), so nothing a client sends is buffered without bound.

/** What the incoming bytes said. */
export type RspEvent =
  | { kind: 'packet'; payload: string }
  | { kind: 'interrupt' }
  /** the client asks for the last packet again (`-`) */
  | { kind: 'resend' }
  /** a packet was damaged (bad checksum) or too long: a `-` goes back while acks are on */
  | { kind: 'bad' };

const enum State { IDLE, PAYLOAD, CHECKSUM_1, CHECKSUM_2 }

export class RspReader {
  private state = State.IDLE;
  private payload = '';
  private checksum = 0;
  private sent = '';
  private tooLong = false;
  private readonly maxPayload: number;

  constructor(maxPayload: number) {
    this.maxPayload = maxPayload;
  }

  /** Feeds received bytes (latin1); returns what they completed. */
  feed(bytes: string): RspEvent[] {
    const events: RspEvent[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const ch = bytes[i];
      switch (this.state) {
        case State.IDLE:
          if (ch === '$') this.begin();
          else if (ch === '\x03') events.push({ kind: 'interrupt' });
          else if (ch === '-') events.push({ kind: 'resend' });
          // '+' and anything else between packets: nothing to do
          break;
        case State.PAYLOAD:
          if (ch === '#') this.state = State.CHECKSUM_1;
          else if (ch === '$') this.begin(); // a packet cut short: start again
          else {
            this.checksum = (this.checksum + ch.charCodeAt(0)) & 0xff;
            if (this.payload.length < this.maxPayload) this.payload += ch;
            else this.tooLong = true;
          }
          break;
        case State.CHECKSUM_1:
          this.sent = ch;
          this.state = State.CHECKSUM_2;
          break;
        case State.CHECKSUM_2: {
          this.state = State.IDLE;
          const given = Number.parseInt(this.sent + ch, 16);
          const good = /^[0-9a-fA-F]{2}$/.test(this.sent + ch) && given === this.checksum && !this.tooLong;
          events.push(good ? { kind: 'packet', payload: this.payload } : { kind: 'bad' });
          this.payload = '';
          break;
        }
      }
    }
    return events;
  }

  private begin(): void {
    this.state = State.PAYLOAD;
    this.payload = '';
    this.checksum = 0;
    this.tooLong = false;
  }
}

/** `payload` framed: escaped where it holds the protocol's own characters, with its checksum. */
export function framePacket(payload: string): string {
  let body = '';
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const ch = payload[i];
    const escaped = ch === '$' || ch === '#' || ch === '}' || ch === '*' ? `}${String.fromCharCode(ch.charCodeAt(0) ^ 0x20)}` : ch;
    body += escaped;
    for (let k = 0; k < escaped.length; k++) sum = (sum + escaped.charCodeAt(k)) & 0xff;
  }
  return `$${body}#${sum.toString(16).padStart(2, '0')}`;
}

/** Binary data of an X packet with the escapes (`}` then the byte xor 0x20) taken out. */
export function unescapeBinary(data: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const code = data.charCodeAt(i);
    if (code === 0x7d && i + 1 < data.length) out.push(data.charCodeAt(++i) ^ 0x20);
    else out.push(code & 0xff);
  }
  return Uint8Array.from(out);
}

/** Hex of `bytes` (two lowercase digits a byte). */
export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += b.toString(16).padStart(2, '0');
  return text;
}

/** The bytes of hex text, or undefined if it is not an even number of hex digits. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}
