// Random RV64GC(+Zba/Zbb/Zbs) program generator for differential testing.
//
// genProgram(seed, opts) returns the text of a self-contained assembly file:
//   - random initial x1..x31 (except sp) / f0..f31 / fcsr (valid frm only)
//   - `blocks` blocks of about `insns` random instructions each; after every
//     block a dump prints x1..x31, f0..f31 (raw bits), fcsr and a checksum of
//     the scratch area through HTIF, one 16-digit hex value per line
//   - sp is reserved: it points at a 2 KiB scratch area (random contents) that
//     is the only data memory the random code touches (loads, stores, AMOs, LR/SC);
//     the register save area for the dump sits just below it. The scratch area
//     straddles a page boundary (at sp + CROSS), and some accesses cross it
//   - control flow is forward-only short branches/jumps plus bounded loops
//     with a counter register the loop body never writes; hot loops run hundreds
//     to thousands of times (so that a JIT translates them), some sweeping a
//     pointer across the page boundary, some rewriting one of their own
//     instructions part way (store, fence.i, then the new instruction runs)
//   - at most `fenceIs` fence.i (random ones and those of self-modifying loops)
//   - an unexpected trap prints "TRAP <mcause> <mepc>" and exits with code 3
// Everything is deterministic in the seed.

export function makeRng(seed) {
  // splitmix64 on BigInt state, returning 32-bit chunks
  let s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 0x632be59bd9b4e019n);
  const next64 = () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  };
  const rng = {
    u64: next64,
    u32: () => Number(next64() & 0xffffffffn),
    int: (n) => Number(next64() % BigInt(n)), // 0 .. n-1
    range: (lo, hi) => lo + rng.int(hi - lo + 1),
    pick: (arr) => arr[rng.int(arr.length)],
    chance: (p) => rng.int(1000000) < p * 1000000,
  };
  return rng;
}

const hex64 = (v) => '0x' + BigInt.asUintN(64, v).toString(16);

// Integer registers the random code may write: everything but x0 and sp.
const WREGS = [1, ...Array.from({ length: 29 }, (_, i) => i + 3)];
const RREGS = [0, 1, 2, ...WREGS.slice(1)];
const CREGS = [8, 9, 10, 11, 12, 13, 14, 15];
const RMS = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'dyn'];

const SCRATCH = 2048;
// offset from sp of the page boundary inside the scratch area (see the layout in genProgram)
const CROSS = 1024;

function interestingInt(r) {
  switch (r.int(12)) {
    case 0: return 0n;
    case 1: return 1n;
    case 2: return -1n;
    case 3: return 0x8000000000000000n;
    case 4: return 0x7fffffffffffffffn;
    case 5: return 0x80000000n;
    case 6: return 0xffffffff80000000n;
    case 7: return 0x7fffffffn;
    case 8: return BigInt(r.range(-100, 100));
    case 9: return BigInt.asIntN(32, BigInt(r.u32()));
    case 10: return BigInt(r.u32());
    default: return r.u64();
  }
}

// Interesting FP register images (raw 64-bit): doubles, NaN-boxed singles, specials.
function interestingFp(r) {
  const boxS = (b) => 0xffffffff00000000n | BigInt(b >>> 0);
  const sSpecial = [0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
    0xffc00000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x40490fdb, 0x4b000001, 0x3eaaaaab];
  const dSpecial = [0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n,
    0xfff0000000000000n, 0x7ff8000000000000n, 0x7ff0000000000001n, 0x0000000000000001n, 0x800fffffffffffffn,
    0x0010000000000000n, 0x7fefffffffffffffn, 0x400921fb54442d18n, 0x4330000000000001n, 0x3fd5555555555555n,
    0x41dfffffffc00000n, 0xc1e0000000000000n, 0x43e0000000000000n];
  const smallD = () => {
    // small integers / simple fractions as doubles
    const v = r.range(-2000, 2000) / (1 << r.int(6));
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v);
    return b.getBigUint64(0);
  };
  const smallS = () => {
    const v = r.range(-2000, 2000) / (1 << r.int(6));
    const b = new DataView(new ArrayBuffer(4));
    b.setFloat32(0, v);
    return boxS(b.getUint32(0));
  };
  switch (r.int(10)) {
    case 0: return boxS(r.pick(sSpecial));
    case 1: return r.pick(dSpecial);
    case 2: return smallD();
    case 3: return smallS();
    case 4: return boxS(r.u32());
    case 5: return r.u64(); // random double (or an improperly boxed single)
    case 6: { // random normal double near 1
      return (BigInt(r.range(0x3f0, 0x40f)) << 52n) | (r.u64() & 0xfffffffffffffn) | (r.chance(0.5) ? 1n << 63n : 0n);
    }
    case 7: { // random normal single near 1
      return boxS(((r.range(0x70, 0x8f) << 23) | (r.u32() & 0x7fffff) | (r.chance(0.5) ? 0x80000000 : 0)) >>> 0);
    }
    case 8: return boxS(r.u32() & 0x807fffff); // single subnormal
    default: return r.u64() & 0x800fffffffffffffn; // double subnormal
  }
}

class Block {
  constructor(r, labelBase) {
    this.r = r;
    this.out = [];
    this.label = labelBase;
  }
  newLabel() { return `.L${this.label.n++}`; }
  x(reg) { return `x${reg}`; }
  wreg(exclude = []) {
    let v;
    do { v = this.r.pick(WREGS); } while (exclude.includes(v));
    return v;
  }
  rreg() { return this.r.pick(RREGS); }
  freg() { return this.r.int(32); }
  imm12() { return this.r.chance(0.3) ? this.r.pick([0, 1, -1, 2047, -2048, 31, 32, 63]) : this.r.range(-2048, 2047); }
  rm() { return this.r.pick(RMS); }
  emit(s) { this.out.push('  ' + s); }

  alu(exclude = []) {
    const r = this.r;
    const rd = this.x(this.wreg(exclude));
    const a = this.x(this.rreg());
    const b = this.x(this.rreg());
    const kind = r.int(100);
    if (kind < 28) {
      const op = r.pick(['add', 'sub', 'sll', 'srl', 'sra', 'slt', 'sltu', 'xor', 'or', 'and',
        'addw', 'subw', 'sllw', 'srlw', 'sraw']);
      this.emit(`${op} ${rd}, ${a}, ${b}`);
    } else if (kind < 50) {
      const op = r.pick(['addi', 'slti', 'sltiu', 'xori', 'ori', 'andi', 'addiw', 'slli', 'srli', 'srai',
        'slliw', 'srliw', 'sraiw']);
      let imm;
      if (/^s[lr][la]iw$/.test(op)) imm = r.int(32);
      else if (/^s[lr][la]i$/.test(op)) imm = r.int(64);
      else imm = this.imm12();
      this.emit(`${op} ${rd}, ${a}, ${imm}`);
    } else if (kind < 54) {
      this.emit(`lui ${rd}, ${r.int(1 << 20)}`);
    } else if (kind < 56) {
      this.emit(`auipc ${rd}, ${r.int(1 << 20)}`);
    } else if (kind < 70) {
      const op = r.pick(['mul', 'mulh', 'mulhu', 'mulhsu', 'div', 'divu', 'rem', 'remu',
        'mulw', 'divw', 'divuw', 'remw', 'remuw']);
      this.emit(`${op} ${rd}, ${a}, ${b}`);
    } else if (kind < 76) {
      const op = r.pick(['sh1add', 'sh2add', 'sh3add', 'add.uw', 'sh1add.uw', 'sh2add.uw', 'sh3add.uw']);
      if (r.chance(0.15)) this.emit(`slli.uw ${rd}, ${a}, ${r.int(64)}`);
      else this.emit(`${op} ${rd}, ${a}, ${b}`);
    } else if (kind < 88) {
      const k = r.int(3);
      if (k === 0) {
        const op = r.pick(['andn', 'orn', 'xnor', 'max', 'maxu', 'min', 'minu', 'rol', 'ror', 'rolw', 'rorw']);
        this.emit(`${op} ${rd}, ${a}, ${b}`);
      } else if (k === 1) {
        const op = r.pick(['clz', 'clzw', 'ctz', 'ctzw', 'cpop', 'cpopw', 'sext.b', 'sext.h', 'zext.h', 'orc.b', 'rev8']);
        this.emit(`${op} ${rd}, ${a}`);
      } else {
        if (r.chance(0.5)) this.emit(`rori ${rd}, ${a}, ${r.int(64)}`);
        else this.emit(`roriw ${rd}, ${a}, ${r.int(32)}`);
      }
    } else if (kind < 92) {
      const op = r.pick(['bclr', 'bset', 'binv', 'bext']);
      if (r.chance(0.5)) this.emit(`${op} ${rd}, ${a}, ${b}`);
      else this.emit(`${op}i ${rd}, ${a}, ${r.int(64)}`);
    } else {
      this.compressible(exclude);
    }
  }

  // Forms the assembler turns into RVC encodings (rd == rs1, x8-x15, small immediates).
  compressible(exclude = []) {
    const r = this.r;
    let rd;
    do { rd = r.pick(CREGS); } while (exclude.includes(rd));
    const rs = r.pick(CREGS);
    const k = r.int(10);
    const d = this.x(rd), s = this.x(rs);
    switch (k) {
      case 0: this.emit(`c.addi ${d}, ${r.pick([1, -1, 31, -32, 7])}`); break;
      case 1: this.emit(`c.li ${d}, ${r.range(-32, 31)}`); break;
      case 2: this.emit(`c.lui ${d}, ${r.pick([1, 0x1f, 0xfffe0, 0xfffff, 5])}`); break;
      case 3: this.emit(`c.${r.pick(['sub', 'xor', 'or', 'and', 'subw', 'addw'])} ${d}, ${s}`); break;
      case 4: this.emit(`c.${r.pick(['srli', 'srai'])} ${d}, ${r.range(1, 63)}`); break;
      case 5: this.emit(`c.andi ${d}, ${r.range(-32, 31)}`); break;
      case 6: this.emit(`c.slli ${d}, ${r.range(1, 63)}`); break;
      case 7: this.emit(`c.mv ${d}, ${s === 'x0' ? 'x8' : s}`); break;
      case 8: this.emit(`c.add ${d}, ${s}`); break;
      default: this.emit(`c.addiw ${d}, ${r.range(-32, 31)}`); break;
    }
  }

  // An offset for a `w`-byte access: aligned, misaligned, or straddling the page boundary.
  memOffset(w) {
    const r = this.r;
    const k = r.int(100);
    if (k < 10 && w > 1) return CROSS - r.range(1, w - 1);
    if (k < 25) return r.int(SCRATCH - 8);
    return r.int(SCRATCH / w) * w;
  }

  mem(exclude = []) {
    const r = this.r;
    const widths = { b: 1, h: 2, w: 4, d: 8 };
    const kind = r.int(10);
    if (kind < 4) {
      const op = r.pick(['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu']);
      this.emit(`${op} ${this.x(this.wreg(exclude))}, ${this.memOffset(widths[op[1]])}(sp)`);
    } else if (kind < 7) {
      const op = r.pick(['sb', 'sh', 'sw', 'sd']);
      this.emit(`${op} ${this.x(this.rreg())}, ${this.memOffset(widths[op[1]])}(sp)`);
    } else if (kind < 9) {
      const op = r.pick(['flw', 'fld', 'fsw', 'fsd']);
      this.emit(`${op} f${this.freg()}, ${this.memOffset(op[2] === 'w' ? 4 : 8)}(sp)`);
    } else {
      this.atomic(exclude);
    }
  }

  atomic(exclude = []) {
    const r = this.r;
    const dw = r.chance(0.5);
    const w = dw ? 8 : 4;
    const sfx = dw ? 'd' : 'w';
    const ra = this.wreg(exclude);
    const off = r.int(SCRATCH / w) * w;
    this.emit(`addi x${ra}, sp, ${off}`);
    const ord = r.pick(['', '', '.aq', '.rl', '.aqrl']);
    if (r.chance(0.7)) {
      const op = r.pick(['amoswap', 'amoadd', 'amoxor', 'amoand', 'amoor', 'amomin', 'amomax', 'amominu', 'amomaxu']);
      this.emit(`${op}.${sfx}${ord} ${this.x(this.wreg(exclude))}, ${this.x(this.rreg())}, (x${ra})`);
    } else {
      // LR then SC to the same address with only ALU ops (not writing the address) in between
      this.emit(`lr.${sfx}${ord} ${this.x(this.wreg([...exclude, ra]))}, (x${ra})`);
      const n = r.int(3);
      for (let i = 0; i < n; i++) this.alu([...exclude, ra]);
      this.emit(`sc.${sfx}${ord} ${this.x(this.wreg(exclude))}, ${this.x(this.rreg())}, (x${ra})`);
    }
  }

  fp(exclude = []) {
    const r = this.r;
    const p = r.chance(0.5) ? 's' : 'd';
    const fd = `f${this.freg()}`, fa = `f${this.freg()}`, fb = `f${this.freg()}`, fc = `f${this.freg()}`;
    const rmArg = () => { const m = this.rm(); return m === 'dyn' && r.chance(0.5) ? '' : `, ${m}`; };
    const k = r.int(100);
    if (k < 30) {
      const op = r.pick(['fadd', 'fsub', 'fmul', 'fdiv']);
      this.emit(`${op}.${p} ${fd}, ${fa}, ${fb}${rmArg()}`);
    } else if (k < 34) {
      this.emit(`fsqrt.${p} ${fd}, ${fa}${rmArg()}`);
    } else if (k < 46) {
      const op = r.pick(['fmadd', 'fmsub', 'fnmsub', 'fnmadd']);
      this.emit(`${op}.${p} ${fd}, ${fa}, ${fb}, ${fc}${rmArg()}`);
    } else if (k < 54) {
      const op = r.pick(['fmin', 'fmax', 'fsgnj', 'fsgnjn', 'fsgnjx']);
      this.emit(`${op}.${p} ${fd}, ${fa}, ${fb}`);
    } else if (k < 62) {
      const op = r.pick(['feq', 'flt', 'fle']);
      this.emit(`${op}.${p} ${this.x(this.wreg(exclude))}, ${fa}, ${fb}`);
    } else if (k < 65) {
      this.emit(`fclass.${p} ${this.x(this.wreg(exclude))}, ${fa}`);
    } else if (k < 76) {
      const it = r.pick(['w', 'wu', 'l', 'lu']);
      this.emit(`fcvt.${it}.${p} ${this.x(this.wreg(exclude))}, ${fa}${rmArg()}`);
    } else if (k < 84) {
      const it = r.pick(['w', 'wu', 'l', 'lu']);
      const exact = p === 'd' && (it === 'w' || it === 'wu');
      this.emit(`fcvt.${p}.${it} ${fd}, ${this.x(this.rreg())}${exact ? '' : rmArg()}`);
    } else if (k < 88) {
      if (p === 's') this.emit(`fcvt.s.d ${fd}, ${fa}${rmArg()}`);
      else this.emit(`fcvt.d.s ${fd}, ${fa}`);
    } else if (k < 94) {
      const op = r.pick(['fmv.x.w', 'fmv.x.d', 'fmv.w.x', 'fmv.d.x']);
      if (op.startsWith('fmv.x')) this.emit(`${op} ${this.x(this.wreg(exclude))}, ${fa}`);
      else this.emit(`${op} ${fd}, ${this.x(this.rreg())}`);
    } else {
      // fcsr manipulation (valid frm only) and reads
      const c = r.int(5);
      if (c === 0) this.emit(`fsrmi ${r.int(5)}`);
      else if (c === 1) this.emit(`fsflagsi ${r.int(32)}`);
      else if (c === 2) this.emit(`frflags ${this.x(this.wreg(exclude))}`);
      else if (c === 3) this.emit(`frcsr ${this.x(this.wreg(exclude))}`);
      else this.emit(`csrwi fcsr, ${r.int(32)}`);
    }
  }

  branch(exclude = []) {
    const r = this.r;
    const L = this.newLabel();
    const k = r.int(10);
    if (k < 6) {
      const op = r.pick(['beq', 'bne', 'blt', 'bge', 'bltu', 'bgeu']);
      this.emit(`${op} ${this.x(this.rreg())}, ${this.x(this.rreg())}, ${L}`);
    } else if (k < 8) {
      const op = r.pick(['beqz', 'bnez']);
      this.emit(`${op} ${this.x(r.pick(CREGS))}, ${L}`); // c.beqz/c.bnez
    } else if (k < 9) {
      this.emit(`jal ${this.x(this.wreg(exclude))}, ${L}`);
    } else {
      const t = this.wreg(exclude);
      this.emit(`la x${t}, ${L}`);
      this.emit(`jalr ${this.x(this.wreg(exclude))}, ${r.pick([0, 0, 1])}(x${t})`);
    }
    const n = r.range(1, 4);
    for (let i = 0; i < n; i++) this.simple(exclude);
    this.out.push(`${L}:`);
  }

  loop(exclude = []) {
    const r = this.r;
    const c = this.wreg(exclude);
    const L = this.newLabel();
    this.emit(`li x${c}, ${r.range(1, 6)}`);
    this.out.push(`${L}:`);
    const n = r.range(2, 6);
    for (let i = 0; i < n; i++) this.simple([...exclude, c]);
    this.emit(`addi x${c}, x${c}, -1`);
    this.emit(`bnez x${c}, ${L}`);
  }

  // Whether one more fence.i fits the program's budget (a JIT may give up translating code that
  // fence.i keeps making stale, and the programs should run translated).
  takeFenceI() {
    if (this.label.fenceIs <= 0) return false;
    this.label.fenceIs--;
    return true;
  }

  // A 32-bit ALU instruction (no RVC form), as text.
  alu32(exclude) {
    for (;;) {
      const b = new Block(this.r, this.label);
      b.alu(exclude);
      if (b.out.length === 1 && !b.out[0].trim().startsWith('c.')) return b.out[0].trim();
    }
  }

  // A loop run hundreds to thousands of times. Variants: a pointer sweeping bytes on both sides
  // of the scratch area's page boundary with loads and stores of every width; an instruction of
  // the loop rewritten by the loop itself at a random iteration (store, fence.i; the iterations
  // after it run the new instruction).
  hotLoop(exclude = []) {
    const r = this.r;
    const c = this.wreg(exclude);
    const L = this.newLabel();
    let kind = r.int(3);
    if (kind === 2 && !this.takeFenceI()) kind = 0;
    const ex = [...exclude, c];
    let p, t, u, site, tmpl, at;
    if (kind === 1) { p = this.wreg(ex); ex.push(p); }
    if (kind === 2) {
      t = this.wreg(ex); ex.push(t);
      u = this.wreg(ex); ex.push(u);
      site = this.newLabel(); tmpl = this.newLabel();
    }
    const n = r.range(200, 2000);
    this.emit(`li x${c}, ${n}`);
    this.out.push(`${L}:`);
    const body = () => { const k = r.range(2, 6); for (let i = 0; i < k; i++) this.simple(ex); };
    body();
    if (kind === 1) {
      // p = sp + (counter & 127): accesses at CROSS - 64 - 8 + p .. run across the boundary
      this.emit(`andi x${p}, x${c}, 127`);
      this.emit(`add x${p}, x${p}, sp`);
      const m = r.range(1, 3);
      for (let i = 0; i < m; i++) {
        const op = r.pick(['lb', 'lh', 'lw', 'ld', 'lbu', 'lhu', 'lwu', 'sb', 'sh', 'sw', 'sd', 'fld', 'fsd', 'flw', 'fsw']);
        const off = CROSS - 64 - r.int(8);
        if (op[0] === 'f') this.emit(`${op} f${this.freg()}, ${off}(x${p})`);
        else if (op[0] === 's') this.emit(`${op} ${this.x(this.rreg())}, ${off}(x${p})`);
        else this.emit(`${op} ${this.x(this.wreg(ex))}, ${off}(x${p})`);
      }
    }
    if (kind === 2) {
      at = r.range(1, n);
      this.emit('.option push');
      this.emit('.option norvc');
      this.out.push(`${site}:`);
      this.emit(this.alu32(ex));
      this.emit('.option pop');
      body();
      const skip = this.newLabel();
      this.emit(`li x${t}, ${at}`);
      this.emit(`bne x${c}, x${t}, ${skip}`);
      this.emit(`la x${t}, ${site}`);
      this.emit(`la x${u}, ${tmpl}`);
      this.emit(`lw x${u}, 0(x${u})`);
      this.emit(`sw x${u}, 0(x${t})`);
      this.emit('fence.i');
      this.out.push(`${skip}:`);
      this.emit('.pushsection .data');
      this.emit('.balign 4');
      this.emit('.option push');
      this.emit('.option norvc');
      this.out.push(`${tmpl}:`);
      this.emit(this.alu32(ex));
      this.emit('.option pop');
      this.emit('.popsection');
    }
    this.emit(`addi x${c}, x${c}, -1`);
    this.emit(`bnez x${c}, ${L}`);
  }

  simple(exclude = []) {
    const k = this.r.int(10);
    if (k < 6) this.alu(exclude);
    else if (k < 8) this.fp(exclude);
    else this.mem(exclude);
  }

  any() {
    const k = this.r.int(100);
    if (k < 45) this.alu();
    else if (k < 70) this.fp();
    else if (k < 85) this.mem();
    else if (k < 91) this.branch();
    else if (k < 94) this.loop();
    else if (k < 97) this.hotLoop();
    else {
      const f = this.r.pick(['fence', 'fence.i', 'fence rw, rw', 'nop']);
      this.emit(f !== 'fence.i' || this.takeFenceI() ? f : 'fence');
    }
  }
}

export function genProgram(seed, { blocks = 20, insns = 50, fenceIs = 3 } = {}) {
  const r = makeRng(seed);
  const o = [];
  o.push(`/* differential test program, seed ${seed}: ${blocks} blocks of ~${insns} random instructions */`);
  o.push('  .option norelax');
  o.push('  .section .text.init, "ax"');
  o.push('  .globl _start');
  o.push('_start:');
  o.push('  la t0, __trap; csrw mtvec, t0');
  o.push('  li t0, -1; csrw pmpaddr0, t0; li t0, 0x1f; csrw pmpcfg0, t0');
  o.push('  li t0, (1 << 13); csrs mstatus, t0');
  o.push(`  li t0, ${r.int(5) << 5 | r.int(32)}; csrw fcsr, t0`);
  o.push('  la sp, scratch');
  o.push('  la x31, init_tab');
  for (let i = 0; i < 32; i++) o.push(`  fld f${i}, ${8 * (32 + i)}(x31)`);
  for (const i of [1, ...Array.from({ length: 29 }, (_, j) => j + 3)]) o.push(`  ld x${i}, ${8 * i}(x31)`);
  o.push('  j __body');
  o.push(DUMP_CODE);
  o.push('  .text');
  o.push('__body:');
  const label = { n: 0, fenceIs };
  for (let b = 0; b < blocks; b++) {
    const blk = new Block(r, label);
    let count = 0;
    while (blk.out.length < insns && count < insns * 2) { blk.any(); count++; }
    o.push(`  /* block ${b} */`);
    o.push(...blk.out);
    o.push('  sd ra, -8(sp); jal ra, __dump; ld ra, -8(sp)');
  }
  o.push('  j __end');
  o.push('  .data');
  o.push('  .align 4');
  o.push('init_tab:');
  o.push('  .dword 0, 0');
  for (let i = 2; i < 32; i++) o.push(`  .dword ${hex64(interestingInt(r))}`);
  for (let i = 0; i < 32; i++) o.push(`  .dword ${hex64(interestingFp(r))}`);
  // scratch = sp starts 1024 bytes before a page boundary (CROSS)
  o.push('  .align 12');
  o.push(`  .fill ${4096 - CROSS - 1024}, 1, 0`);
  o.push('save_area: .fill 1024, 1, 0');
  o.push('scratch:');
  for (let i = 0; i < SCRATCH / 8; i++) o.push(`  .dword ${hex64(r.chance(0.3) ? interestingFp(r) : interestingInt(r))}`);
  o.push('  .fill 64, 1, 0');
  o.push(TOHOST);
  return o.join('\n') + '\n';
}

// The dump: registers are saved below sp (x1 was stored at -8(sp) by the caller),
// printed, and restored. It only uses integer registers and does not touch fcsr.
const DUMP_CODE = `
__dump:
  sd x3, -24(sp); sd x4, -32(sp); sd x5, -40(sp); sd x6, -48(sp); sd x7, -56(sp)
  sd x8, -64(sp); sd x9, -72(sp); sd x10, -80(sp); sd x11, -88(sp); sd x12, -96(sp)
  sd x13, -104(sp); sd x14, -112(sp); sd x15, -120(sp); sd x16, -128(sp); sd x17, -136(sp)
  sd x18, -144(sp); sd x19, -152(sp); sd x20, -160(sp); sd x21, -168(sp); sd x22, -176(sp)
  sd x23, -184(sp); sd x24, -192(sp); sd x25, -200(sp); sd x26, -208(sp); sd x27, -216(sp)
  sd x28, -224(sp); sd x29, -232(sp); sd x30, -240(sp); sd x31, -248(sp)
  sd sp, -16(sp)
${Array.from({ length: 32 }, (_, i) => `  fsd f${i}, ${-256 - 8 * i}(sp)`).join('\n')}
  frcsr t0; sd t0, -512(sp)
  /* checksum of the scratch area: h = rotl(h, 5) ^ dword */
  li t0, 0; mv t1, sp; li t2, ${SCRATCH}; add t2, t2, sp
1: ld t3, 0(t1); slli t4, t0, 5; srli t0, t0, 59; or t0, t0, t4; xor t0, t0, t3
  addi t1, t1, 8; bltu t1, t2, 1b
  sd t0, -520(sp)
  mv s11, ra
  li a0, 'B'; call __putc; li a0, 10; call __putc
  /* print -8(sp) down to -520(sp): x1..x31, f0..f31, fcsr, checksum */
  addi s10, sp, -8
  addi s9, sp, -528
2: ld a0, 0(s10); call __puthex
  addi s10, s10, -8
  bne s10, s9, 2b
  mv ra, s11
  ld x3, -24(sp); ld x4, -32(sp); ld x5, -40(sp); ld x6, -48(sp); ld x7, -56(sp)
  ld x8, -64(sp); ld x9, -72(sp); ld x10, -80(sp); ld x11, -88(sp); ld x12, -96(sp)
  ld x13, -104(sp); ld x14, -112(sp); ld x15, -120(sp); ld x16, -128(sp); ld x17, -136(sp)
  ld x18, -144(sp); ld x19, -152(sp); ld x20, -160(sp); ld x21, -168(sp); ld x22, -176(sp)
  ld x23, -184(sp); ld x24, -192(sp); ld x25, -200(sp); ld x26, -208(sp); ld x27, -216(sp)
  ld x28, -224(sp); ld x29, -232(sp); ld x30, -240(sp); ld x31, -248(sp)
  ret

/* __puthex: print a0 as 16 hex digits and a newline (clobbers a0-a3, t5, t6, s8) */
__puthex:
  mv s8, ra
  mv a2, a0
  li a3, 60
3: srl a0, a2, a3; andi a0, a0, 15
  addi a0, a0, 48; li t5, 58; blt a0, t5, 4f; addi a0, a0, 39
4: call __putc
  addi a3, a3, -4
  bgez a3, 3b
  li a0, 10; call __putc
  mv ra, s8
  ret

/* __putc: HTIF console write of a0 (clobbers t5, t6, a1) */
__putc:
  li t5, 0x0101000000000000
  or t5, t5, a0
  la t6, tohost
  sd t5, 0(t6)
  la t6, fromhost
5: ld a1, 0(t6)
  beqz a1, 5b
  sd x0, 0(t6)
  ret

__end:
  li a0, 'E'; call __putc; li a0, 'N'; call __putc; li a0, 'D'; call __putc; li a0, 10; call __putc
  li t0, 1
  la t1, tohost
  sd t0, 0(t1)
6: j 6b

  .align 2
__trap:
  la sp, scratch
  li a0, 'T'; call __putc; li a0, 'R'; call __putc; li a0, 'A'; call __putc; li a0, 'P'; call __putc
  li a0, 10; call __putc
  csrr a0, mcause; call __puthex
  csrr a0, mepc; call __puthex
  li t0, 7
  la t1, tohost
  sd t0, 0(t1)
7: j 7b
`;

const TOHOST = `
  .section .tohost, "aw", @progbits
  .align 6; .globl tohost; .type tohost, @object; .size tohost, 8; tohost: .dword 0
  .align 6; .globl fromhost; .type fromhost, @object; .size fromhost, 8; fromhost: .dword 0
`;

// Names of the values in one dump, in print order.
export const DUMP_NAMES = [
  ...Array.from({ length: 31 }, (_, i) => `x${i + 1}`),
  ...Array.from({ length: 32 }, (_, i) => `f${i}`),
  'fcsr', 'scratch-checksum',
];
