// The translation store's own behaviour, read from --stats=json: the same guest work under every
// policy, negative entries that are really hit, and the policies ordered as the mission says
// (fence invalidates least, instruction most, so walks grow in that order).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, runHartvm } from './harness.mjs';

const POLICIES = ['fence', 'block', 'instruction'];

/** Hart 0's figures from the statistics object of --stats=json (the last line of stderr). */
export function parseStats(stderr, policy) {
  const line = stderr.trimEnd().split('\n').pop();
  assert.ok(line.startsWith('{'), `no statistics object in:\n${stderr}`);
  const stats = JSON.parse(line);
  assert.equal(stats.policy, policy);
  assert.equal(stats.harts.length, 1);
  return stats.harts[0];
}

async function statsUnderEveryPolicy(elf) {
  const result = {};
  for (const policy of POLICIES) {
    const r = await runHartvm(['run', '--stats=json', `--tlb-flush=${policy}`, path.join(ROOT, elf)]);
    assert.equal(r.status, 0, `${elf} under ${policy}: exit ${r.status}\n${r.stderr}`);
    result[policy] = parseStats(r.stderr, policy);
  }
  return result;
}

for (const elf of ['build/guest/tests/vm/negative.elf', 'build/guest/tests/vm/sv39.elf', 'build/guest/tests/vm/memwalk.elf']) {
  test(`store statistics of ${path.basename(elf)} follow the policies`, async () => {
    const s = await statsUnderEveryPolicy(elf);
    assert.equal(s.block.instructions, s.fence.instructions, 'same guest work under block and fence');
    assert.equal(s.instruction.instructions, s.fence.instructions, 'same guest work under instruction and fence');
    assert.ok(s.fence.walks > 0, 'paging is on, so there are walks');
    assert.ok(s.fence.walks < s.block.walks && s.block.walks < s.instruction.walks,
      `walks fence ${s.fence.walks} < block ${s.block.walks} < instruction ${s.instruction.walks}`);
    assert.ok(s.fence.invalidations < s.block.invalidations && s.block.invalidations < s.instruction.invalidations,
      `invalidations fence ${s.fence.invalidations} < block ${s.block.invalidations} < instruction ${s.instruction.invalidations}`);
    assert.ok(s.instruction.invalidations >= s.instruction.instructions, 'the instruction policy invalidates at every instruction');
    for (const p of POLICIES) assert.ok(s[p].hits <= s[p].lookups);
  });
}

test('negative entries are cached and hit under the fence policy', async () => {
  const s = await statsUnderEveryPolicy('build/guest/tests/vm/negative.elf');
  assert.ok(s.fence.negativeHits > 0, `negative hits under fence: ${s.fence.negativeHits}`);
});

test('under the fence policy entries outlive satp switches, privilege and SUM changes; the other policies invalidate in bulk', async () => {
  const s = await statsUnderEveryPolicy('build/guest/tests/vm/asid.elf');
  assert.ok(s.fence.contextsResumed > 0, `contexts resumed with their entries: ${s.fence.contextsResumed}`);
  assert.ok(s.fence.retags > 0, `entries re-tagged within an address space: ${s.fence.retags}`);
  assert.ok(s.fence.globalRetags > 0, `global entries re-tagged across address spaces: ${s.fence.globalRetags}`);
  assert.ok(s.fence.asidFences > 0 && s.fence.pageFences > 0 && s.fence.superpageScans > 0);
  for (const p of ['block', 'instruction']) {
    assert.equal(s[p].contextsResumed, 0, `${p}: every slice ends with a bulk invalidation, so no context finds its entries`);
    assert.equal(s[p].contextSwitches, s.fence.contextSwitches, `${p}: the same changes of context`);
  }
});
