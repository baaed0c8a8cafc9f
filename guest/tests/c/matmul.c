/* Double-precision matrix multiply (48x48): naive vs blocked order, identity
 * check, and a printed trace/checksum; uses fmadd contraction via -O2. */
#include <stdio.h>
#include <math.h>
#define N 48
static double A[N][N], B[N][N], C[N][N], D[N][N];
int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) {
      A[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
      B[i][j] = (double)((i * 5 + j * 11) % 13) / 4.0 - 1.5;
    }
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++) { double s = 0; for (int k = 0; k < N; k++) s += A[i][k] * B[k][j]; C[i][j] = s; }
  for (int ii = 0; ii < N; ii += 8)
    for (int kk = 0; kk < N; kk += 8)
      for (int i = ii; i < ii + 8; i++)
        for (int k = kk; k < kk + 8; k++)
          for (int j = 0; j < N; j++) D[i][j] += A[i][k] * B[k][j];
  double maxdiff = 0, trace = 0, sum = 0;
  for (int i = 0; i < N; i++) {
    trace += C[i][i];
    for (int j = 0; j < N; j++) { sum += C[i][j] * (i + 1); double d = fabs(C[i][j] - D[i][j]); if (d > maxdiff) maxdiff = d; }
  }
  /* all inputs are multiples of 1/8 and 1/4 with small magnitudes: every product and sum is exact */
  if (maxdiff != 0.0) { printf("blocked result differs: %g\n", maxdiff); return 1; }
  printf("trace %.6f weighted-sum %.6f C[3][5] %.6f C[47][0] %.6f\n", trace, sum, C[3][5], C[47][0]);
  double x = 0.1, acc = 0;
  for (int i = 0; i < 1000; i++) acc = fma(acc, 0.999, x);
  printf("fma chain %.17g\n", acc);
  return 0;
}
