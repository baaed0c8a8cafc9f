// The Goldfish RTC as Linux's rtc-goldfish driver uses it, on a clock the test controls.
import test from 'node:test';
import assert from 'node:assert/strict';
import { GoldfishRtc } from '../../dist/devices/goldfish-rtc.js';

const TIME_LOW = 0x00, TIME_HIGH = 0x04, ALARM_LOW = 0x08, ALARM_HIGH = 0x0c;
const IRQ_ENABLED = 0x10, CLEAR_ALARM = 0x14, ALARM_STATUS = 0x18, CLEAR_INTERRUPT = 0x1c;
const SECOND = 1_000_000_000n;
/** any PLIC source: the RTC drives the one it is given (the virt board gives it 11) */
const RTC_IRQ = 11;

function setup(startNs = 1_700_000_000n * SECOND) {
  const clock = { now: startNs };
  const levels = [];
  const rtc = new GoldfishRtc(() => clock.now, { setLevel: (irq, high) => levels.push([irq, high]) }, RTC_IRQ);
  const read = (offset) => rtc.read(offset, 4);
  const write = (offset, value) => assert.equal(rtc.write(offset, 4, BigInt(value)), true);
  const readTime = () => read(TIME_LOW) | (read(TIME_HIGH) << 32n);
  const setAlarm = (ns) => {
    write(ALARM_HIGH, ns >> 32n);
    write(ALARM_LOW, ns & 0xffffffffn);
  };
  const line = () => (levels.length ? levels[levels.length - 1][1] : false);
  return { rtc, clock, levels, read, write, readTime, setAlarm, line };
}

test('the time reads as nanoseconds since the epoch, TIME_LOW latching the upper half', () => {
  const { clock, read, readTime } = setup(0x1_2345_6789n);
  assert.equal(readTime(), 0x1_2345_6789n);
  clock.now = 0xffff_fff0n;
  const low = read(TIME_LOW);
  clock.now = 0x1_0000_0010n; // the clock crosses 2^32 between the two reads
  assert.equal(read(TIME_HIGH), 0n, 'TIME_HIGH belongs to the TIME_LOW sample');
  assert.equal(low, 0xffff_fff0n);
  assert.equal(readTime(), 0x1_0000_0010n);
});

test('setting the time (TIME_HIGH, then TIME_LOW) offsets the host clock', () => {
  const { clock, write, readTime } = setup(1000n * SECOND);
  const target = 1_600_000_000n * SECOND;
  write(TIME_HIGH, target >> 32n);
  write(TIME_LOW, target & 0xffffffffn);
  assert.equal(readTime(), target);
  clock.now += 5n * SECOND;
  assert.equal(readTime(), target + 5n * SECOND, 'and keeps running');
});

test('an alarm (ALARM_HIGH, then ALARM_LOW arms) fires when the time reaches it', () => {
  const { rtc, clock, read, write, setAlarm, line, levels } = setup();
  const at = clock.now + 2n * SECOND;
  setAlarm(at);
  write(IRQ_ENABLED, 1);
  assert.equal(read(ALARM_STATUS), 1n);
  assert.equal(read(ALARM_LOW) | (read(ALARM_HIGH) << 32n), at, 'the alarm reads back');
  assert.equal(rtc.nsUntilAlarm(), 2n * SECOND);
  clock.now = at - 1n;
  rtc.poll();
  assert.equal(line(), false);
  clock.now = at;
  rtc.poll();
  assert.deepEqual(levels, [[RTC_IRQ, true]]);
  assert.equal(read(ALARM_STATUS), 0n, 'a one-shot alarm');
  assert.equal(rtc.nsUntilAlarm(), undefined);
  write(CLEAR_INTERRUPT, 1);
  assert.equal(line(), false);
  rtc.poll();
  assert.equal(line(), false);
});

test('an alarm already in the past fires when armed', () => {
  const { clock, read, write, setAlarm, line } = setup();
  write(IRQ_ENABLED, 1);
  setAlarm(clock.now - SECOND);
  assert.equal(line(), true);
  assert.equal(read(ALARM_STATUS), 0n);
});

test('a register access notices an expired alarm without poll()', () => {
  const { clock, read, write, setAlarm, line } = setup();
  write(IRQ_ENABLED, 1);
  setAlarm(clock.now + SECOND);
  clock.now += SECOND;
  assert.equal(line(), false);
  read(TIME_LOW);
  assert.equal(line(), true);
});

test('IRQ_ENABLED gates the line; an alarm that expired while disabled is kept until cleared', () => {
  const { rtc, clock, read, write, setAlarm, line } = setup();
  setAlarm(clock.now + SECOND);
  assert.equal(read(IRQ_ENABLED), 0n);
  clock.now += 2n * SECOND;
  rtc.poll();
  assert.equal(line(), false);
  write(IRQ_ENABLED, 1);
  assert.equal(read(IRQ_ENABLED), 1n);
  assert.equal(line(), true);
  write(IRQ_ENABLED, 0);
  assert.equal(line(), false);
  write(CLEAR_INTERRUPT, 1);
  write(IRQ_ENABLED, 1);
  assert.equal(line(), false);
});

test('CLEAR_ALARM disarms a pending alarm', () => {
  const { rtc, clock, read, write, setAlarm, line } = setup();
  write(IRQ_ENABLED, 1);
  setAlarm(clock.now + SECOND);
  write(CLEAR_ALARM, 1);
  assert.equal(read(ALARM_STATUS), 0n);
  clock.now += 2n * SECOND;
  rtc.poll();
  assert.equal(line(), false);
});

test('setting the clock past an armed alarm fires it', () => {
  const { write, setAlarm, line } = setup(100n * SECOND);
  const setTime = (ns) => {
    write(TIME_HIGH, ns >> 32n);
    write(TIME_LOW, ns & 0xffffffffn);
  };
  write(IRQ_ENABLED, 1);
  setAlarm(200n * SECOND);
  setTime(150n * SECOND);
  assert.equal(line(), false);
  setTime(300n * SECOND);
  assert.equal(line(), true);
});

test('registers are 32 bits wide; unknown offsets read as zero', () => {
  const { rtc } = setup();
  assert.equal(rtc.read(TIME_LOW, 8), undefined);
  assert.equal(rtc.read(2, 4), undefined);
  assert.equal(rtc.write(IRQ_ENABLED, 1, 1n), false);
  assert.equal(rtc.read(0x20, 4), 0n);
  assert.equal(rtc.read(CLEAR_INTERRUPT, 4), 0n);
  assert.equal(rtc.write(0x40, 4, 1n), true);
});
