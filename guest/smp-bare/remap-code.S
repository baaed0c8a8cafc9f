/* Harts running code on a page the VMM keeps moving to other host frames
 * (tests/smp/remap-code.test.mjs, src/smp/frame-remapper.ts).
 *
 * Harts 0 and 1 loop forever on `code_page`, whose instruction at `site` loads a0 with the page's
 * generation: the test moves the page onto a fresh frame holding the same code with the next
 * generation at `site`, over and over, and poisons retired frames before reusing them. Under
 * --engine=jit the loop runs translated: a hart that kept running a translation of a frame the
 * page has left would see an older generation (or poison). Each hart checks that the generation
 * never goes back, publishes the newest it saw in `seen[hart]` and counts its passes in
 * `passes[hart]`; a generation lower than one seen stops it with `failed` set and the value in
 * `failed_value`. Hart 2 only sleeps in wfi.
 */
#define READERS 2

#include "smp-bare.h"

  .section .text.init, "ax"
  .option norelax
  .option norvc
  .globl _start
_start:
  HART_PROLOGUE stuck
  csrr s0, mhartid
  li t0, READERS
  bgeu s0, t0, idle
  la s1, seen
  slli t0, s0, 3
  add s1, s1, t0
  la s2, passes
  add s2, s2, t0
  j loop

idle:
  wfi
  j idle

stuck:
  csrr t1, mcause
  la t2, trapped
  sd t1, 0(t2)
1:
  j 1b

backwards:
  la t1, failed_value
  sd a0, 0(t1)
  fence
  la t1, failed
  li t0, 1
  sd t0, 0(t1)
2:
  j 2b

  .balign 4096
  .globl code_page, site
code_page:
loop:
site:
  addi a0, x0, 0
  ld t0, 0(s1)
  bltu a0, t0, backwards
  sd a0, 0(s1)
  ld t0, 0(s2)
  addi t0, t0, 1
  sd t0, 0(s2)
  j loop
  .balign 4096

  .data
  .align 3
  .globl seen, passes, failed, failed_value, trapped
seen: .skip 8 * READERS
passes: .skip 8 * READERS
failed: .dword 0
failed_value: .dword 0
trapped: .dword 0
