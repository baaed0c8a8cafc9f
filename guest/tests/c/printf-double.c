/* printf of doubles in various formats (exercises the F/D units through
 * picolibc's conversion code) plus some libm results. */
#include <stdio.h>
#include <math.h>
int main(void) {
  const double v[] = {0.0, -0.0, 1.0, -1.5, 3.141592653589793, 2.718281828459045, 1e-300, 1.7976931348623157e308,
                      4.9406564584124654e-324, 123456789.125, 0.1, 1.0 / 3.0, 6.02214076e23, -2.5e-5, 1e21, 1e22};
  for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
    printf("%u: %f | %.3f | %e | %.10e | %g | %.17g | %a\n", i, v[i], v[i], v[i], v[i], v[i], v[i], v[i]);
  printf("%8.2f|%-8.2f|%+.1f|% .1f|%08.3f\n", 3.14159, 3.14159, 2.0, 2.0, -3.5);
  printf("inf %f %e %g | nan %f\n", INFINITY, -INFINITY, INFINITY, NAN);
  printf("float %.9g %.9g\n", (double)1.1f, (double)(1.0f / 3.0f));
  printf("sqrt2 %.17g exp1 %.17g log10 %.17g\n", sqrt(2.0), exp(1.0), log(10.0));
  printf("sin %.15g cos %.15g atan2 %.15g pow %.17g\n", sin(1.0), cos(1.0), atan2(1.0, -1.0), pow(2.0, 0.5));
  printf("floor %g ceil %g round %g trunc %g fmod %g\n", floor(-2.5), ceil(-2.5), round(-2.5), trunc(-2.5), fmod(7.5, 2.0));
  return 0;
}
