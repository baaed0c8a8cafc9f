/* setjmp/longjmp: non-local exits from recursion, callee-saved and FP
 * registers preserved across longjmp, repeated jumps into the same buffer. */
#include <stdio.h>
#include <setjmp.h>
static jmp_buf env;
static int depth_reached;
static void recurse(int n, int limit) {
  volatile char pad[64]; pad[0] = (char)n; (void)pad;
  if (n == limit) { depth_reached = n; longjmp(env, n * 10); }
  recurse(n + 1, limit);
}
int main(void) {
  volatile int count = 0;
  volatile double d = 1.25;
  volatile int total = 0;
  int r = setjmp(env);
  if (r != 0) {
    total += r;
    count++;
    d *= 2.0;
  }
  if (count < 5) recurse(0, 10 + count * 7);
  printf("longjmps %d total %d depth %d d %.3f\n", count, total, depth_reached, d);
  jmp_buf e2;
  if (setjmp(e2) == 0) longjmp(e2, 0);   /* longjmp with 0 must return 1 */
  else printf("longjmp(0) returned non-zero\n");
  return (count == 5 && total == 10 * (10 + 17 + 24 + 31 + 38) && d == 40.0) ? 0 : 1;
}
