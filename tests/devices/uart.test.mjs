// The ns16550a UART: output, divisor latch, line and modem status, and the interrupt behaviour
// Linux's 8250 driver and OpenSBI's uart8250 driver depend on.
import test from 'node:test';
import assert from 'node:assert/strict';
import { Uart16550 } from '../../dist/devices/uart16550.js';

/** any PLIC source: the UART drives the one it is given (the virt board gives it 10) */
const UART_IRQ = 10;

const RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const IIR_NONE = 0x01, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_MSI = 0x00, FIFOS = 0xc0;
const ERBFI = 1, ETBEI = 2, EDSSI = 8;

function setup() {
  const out = [];
  const levels = [];
  const sink = { setLevel: (irq, high) => levels.push([irq, high]) };
  const uart = new Uart16550((b) => out.push(b), sink, UART_IRQ);
  const read = (reg) => Number(uart.read(reg, 1));
  const write = (reg, value) => assert.equal(uart.write(reg, 1, BigInt(value)), true);
  const line = () => (levels.length ? levels[levels.length - 1][1] : false);
  return { uart, out, levels, read, write, line };
}

test('bytes written to THR reach the output sink; while the host keeps up the transmitter is empty at once', () => {
  const { out, read, write } = setup();
  for (const c of Buffer.from('hi\n')) write(THR, c);
  assert.deepEqual(Buffer.from(out).toString(), 'hi\n');
  assert.equal(read(LSR), 0x60, 'THRE | TEMT, no data ready');
});

test('DLAB switches offsets 0 and 1 to the divisor latch', () => {
  const { out, read, write } = setup();
  write(IER, 0x05);
  write(LCR, 0x83);
  write(DLL, 0x01);
  write(DLM, 0x02);
  assert.equal(read(DLL), 0x01);
  assert.equal(read(DLM), 0x02);
  assert.deepEqual(out, [], 'a DLL write is not output');
  write(LCR, 0x03);
  assert.equal(read(LCR), 0x03);
  assert.equal(read(IER), 0x05);
  write(LCR, 0x80);
  assert.equal(read(DLL), 0x01, 'the divisor is kept');
});

test('reset state, IIR FIFO bits, scratch register, read-only LSR and MSR', () => {
  const { read, write } = setup();
  assert.equal(read(IIR), IIR_NONE, 'FIFOs off after reset');
  assert.equal(read(IER), 0);
  assert.equal(read(LCR), 0);
  assert.equal(read(MCR), 0);
  write(FCR, 0x01);
  assert.equal(read(IIR), FIFOS | IIR_NONE);
  write(FCR, 0xc7);
  assert.equal(read(IIR), FIFOS | IIR_NONE);
  write(FCR, 0x00);
  assert.equal(read(IIR), IIR_NONE);
  write(SCR, 0x5a);
  assert.equal(read(SCR), 0x5a);
  write(LSR, 0);
  write(MSR, 0);
  assert.equal(read(LSR), 0x60);
  assert.equal(read(MSR), 0xb0, 'CTS | DSR | DCD: a terminal is attached and ready');
  assert.equal(read(0x10), 0, 'offsets past the 8 registers read as zero');
});

test('THR-empty interrupt: raised by enabling ETBEI, cleared by reading IIR, raised again by a THR write', () => {
  const { read, write, line, levels } = setup();
  write(FCR, 0x01);
  write(IER, ETBEI);
  assert.equal(line(), true);
  assert.deepEqual(levels, [[UART_IRQ, true]]);
  assert.equal(read(IIR), FIFOS | IIR_THRE);
  assert.equal(line(), false, 'reading IIR that reports THRE clears it');
  assert.equal(read(IIR), FIFOS | IIR_NONE);
  write(THR, 0x41);
  assert.equal(line(), true, 'the byte left at once: THR is empty again');
  assert.equal(read(IIR), FIFOS | IIR_THRE);
  write(IER, 0);
  assert.equal(line(), false);
  assert.equal(read(IIR), FIFOS | IIR_NONE);
});

test('the host behind: the transmitter shows busy (in LSR and channelStatus), and THRE interrupts once it drains', () => {
  const { uart, out, read, write, line } = setup();
  let changes = 0;
  uart.onStatusChange = () => { changes++; };
  write(FCR, 0x01);
  write(IER, ETBEI);
  assert.equal(read(IIR), FIFOS | IIR_THRE); // clears THRE
  changes = 0;
  uart.setTransmitterBusy(true);
  assert.equal(changes, 1, 'the hart threads\' status word is told');
  assert.equal(read(LSR) & 0x60, 0, 'neither THRE nor TEMT');
  assert.equal(uart.channelStatus() & 0x60, 0);
  write(THR, 0x41); // a driver that does not wait: the byte still reaches the host, which holds it
  assert.deepEqual(out, [0x41]);
  assert.equal(line(), false, 'no THR-empty interrupt while the host is behind');
  write(IER, 0);
  write(IER, ETBEI);
  assert.equal(line(), false, 'enabling ETBEI raises nothing while the transmitter is busy');
  assert.equal(read(IIR), FIFOS | IIR_NONE);
  const before = changes;
  uart.setTransmitterBusy(true);
  assert.equal(changes, before, 'no change, no call');
  uart.setTransmitterBusy(false);
  assert.equal(changes, before + 1);
  assert.equal(read(LSR) & 0x60, 0x60, 'THRE and TEMT again');
  assert.equal(uart.channelStatus() & 0x60, 0x60);
  assert.equal(line(), true, 'the drained host raises THR empty: an interrupt-driven driver writes on');
  assert.equal(read(IIR), FIFOS | IIR_THRE);
  assert.equal(line(), false);
});

test('Linux 8250 startup: THRE re-asserts when ETBEI is enabled again, and the TX irq test passes', () => {
  const { read, write } = setup();
  // serial8250_do_startup's UART_BUG_THRE probe
  write(IER, ETBEI);
  const iir1 = read(IIR);
  write(IER, 0);
  write(IER, ETBEI);
  const iir = read(IIR);
  write(IER, 0);
  assert.equal(iir1 & IIR_NONE, 0, 'THRE pending on first enable');
  assert.equal(iir & IIR_NONE, 0, 'and re-asserted: no UART_BUG_THRE');
  // its UART_BUG_TXEN probe: an interrupt must be visible right after enabling THRI
  write(IER, ETBEI);
  const lsr = read(LSR), iir2 = read(IIR);
  write(IER, 0);
  assert.ok(lsr & 0x40);
  assert.equal(iir2 & IIR_NONE, 0);
});

test('received data: DR, FIFO order, RDA interrupt above THRE, cleared when drained', () => {
  const { uart, read, write, line } = setup();
  write(FCR, 0x01);
  write(IER, ERBFI | ETBEI);
  assert.equal(read(IIR), FIFOS | IIR_THRE); // clears THRE
  assert.equal(line(), false);
  assert.equal(uart.pushInput(Buffer.from('ok')), 2);
  assert.equal(line(), true);
  assert.equal(read(LSR), 0x61);
  write(THR, 0x2e); // THRE pending too, but received data ranks higher
  assert.equal(read(IIR), FIFOS | IIR_RDA);
  assert.equal(read(IIR), FIFOS | IIR_RDA, 'reading IIR does not clear RDA');
  assert.equal(read(RBR), 0x6f);
  assert.equal(read(RBR), 0x6b);
  assert.equal(read(LSR), 0x60);
  assert.equal(read(IIR), FIFOS | IIR_THRE, 'then the THRE interrupt shows');
  assert.equal(line(), false);
  assert.equal(read(RBR), 0, 'an empty receiver reads 0');
});

test('a break (Ctrl-A B): in order with the input, a NUL with LSR.BI while first, the line status interrupt above RDA', () => {
  const { uart, read, write, line } = setup();
  const ELSI = 4, IIR_RLS = 0x06, BI = 0x10;
  write(FCR, 0x01);
  write(IER, ERBFI | ELSI);
  assert.equal(uart.pushInput(Buffer.from('a')), 1);
  assert.equal(uart.sendBreak(), true);
  assert.equal(uart.pushInput(Buffer.from('b')), 1);
  assert.equal(read(LSR) & BI, 0, 'not while the byte before it is first');
  assert.equal(read(IIR), FIFOS | IIR_RDA);
  assert.equal(read(RBR), 0x61);
  assert.equal(read(LSR), 0x60 | BI | 1);
  assert.equal(read(IIR), FIFOS | IIR_RLS);
  assert.equal(line(), true);
  assert.equal(read(RBR), 0, 'a break reads as NUL');
  assert.equal(read(LSR), 0x61, 'BI is gone with it');
  assert.equal(read(RBR), 0x62);
  assert.equal(read(IIR), FIFOS | IIR_NONE);
  assert.equal(line(), false);
  // without ELSI, a break is received data like any other
  write(IER, ERBFI);
  uart.sendBreak();
  assert.equal(read(IIR), FIFOS | IIR_RDA);
});

test('input without ERBFI raises no interrupt but sets DR (polling, as OpenSBI does)', () => {
  const { uart, read, levels } = setup();
  uart.pushInput(Uint8Array.of(0x71));
  assert.deepEqual(levels, []);
  assert.equal(read(LSR) & 1, 1);
  assert.equal(read(RBR), 0x71);
  assert.equal(read(LSR) & 1, 0);
});

test('the host-side input queue holds 4 KiB and reports when it is full', () => {
  const { uart, read } = setup();
  assert.equal(uart.hasRoomForInput(), true);
  const big = new Uint8Array(5000).map((_, i) => i & 0xff);
  assert.equal(uart.pushInput(big), 4096);
  assert.equal(uart.hasRoomForInput(), false);
  assert.equal(uart.pushInput(Uint8Array.of(1)), 0);
  for (let i = 0; i < 4096; i++) assert.equal(read(RBR), i & 0xff);
  assert.equal(uart.hasRoomForInput(), true);
  assert.equal(uart.pushInput(big.subarray(4096)), 904);
  assert.equal(read(RBR), 4096 & 0xff);
});

test('clearing the receive FIFO drops at most the 16 bytes the hardware FIFO holds', () => {
  const { uart, read, write } = setup();
  uart.pushInput(new Uint8Array(20).map((_, i) => i));
  write(FCR, 0x01); // enabling the FIFOs empties them
  assert.equal(read(RBR), 16);
  write(FCR, 0x03); // clear RX, FIFOs stay on
  assert.equal(read(LSR) & 1, 0);
});

test('loopback: modem outputs come back as MSR inputs with delta bits, data returns to the receiver', () => {
  const { uart, out, read, write, line } = setup();
  write(IER, EDSSI);
  write(MCR, 0x10); // loopback, all outputs off
  assert.equal(read(IIR), IIR_MSI, 'CTS, DSR and DCD fell: modem status interrupt');
  assert.equal(read(MSR), 0x0b, 'DCTS | DDSR | DDCD, status bits clear');
  assert.equal(line(), false, 'reading MSR clears it');
  write(MCR, 0x1f);
  assert.equal(read(MSR), 0xfb, 'CTS DSR RI DCD set; RI rising is no TERI');
  write(MCR, 0x1b);
  assert.equal(read(MSR), 0xb4, 'TERI on the falling edge of RI');
  write(IER, 0);
  write(THR, 0x55);
  assert.deepEqual(out, []);
  assert.equal(read(RBR), 0x55);
  write(MCR, 0x00);
  assert.equal(read(MCR), 0);
  assert.equal(read(MSR) & 0xf0, 0xb0);
  uart.pushInput(Uint8Array.of(1));
  write(THR, 0x56);
  assert.deepEqual(out, [0x56]);
});

test('the line is driven only on changes, and a wide access acts on the byte register', () => {
  const { uart, levels, write } = setup();
  write(IER, ERBFI);
  uart.pushInput(Uint8Array.of(1));
  uart.pushInput(Uint8Array.of(2));
  assert.deepEqual(levels, [[UART_IRQ, true]]);
  assert.equal(uart.read(RBR, 4), 1n);
  assert.equal(uart.read(RBR, 4), 2n);
  assert.deepEqual(levels, [[UART_IRQ, true], [UART_IRQ, false]]);
});
