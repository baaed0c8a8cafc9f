// The target description gdb reads with qXfer:features:read:target.xml: an rv64 hart with the
// features gdb knows for RISC-V (cpu, fpu, csr, virtual), written from the register table.

import { DEBUG_REGISTERS, type RegisterFeature } from './registers.js';

const FEATURES: readonly RegisterFeature[] = ['cpu', 'fpu', 'csr', 'virtual'];

function featureXml(feature: RegisterFeature): string {
  const registers = DEBUG_REGISTERS.filter((r) => r.feature === feature)
    .map((r) => `    <reg name="${r.name}" bitsize="${r.bits}" type="${r.type}" regnum="${r.number}"/>\n`).join('');
  return `  <feature name="org.gnu.gdb.riscv.${feature}">\n${registers}  </feature>\n`;
}

export const TARGET_XML = '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n' +
  '  <architecture>riscv:rv64</architecture>\n' + FEATURES.map(featureXml).join('') + '</target>\n';
