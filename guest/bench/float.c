/* Floating-point benchmark: double matrix multiply, an n-body step loop and a Mandelbrot
 * count, in S-mode under Sv39. */
#include <stdio.h>
#include <stdint.h>
#include <math.h>
#include "supervisor.h"

#define N 48
static double a[N][N], b[N][N], c[N][N];

struct body { double x, y, z, vx, vy, vz, m; };
static struct body bodies[5] = {
  {0, 0, 0, 0, 0, 0, 39.47841760435743},
  {4.84, -1.16, -0.10, 0.606, 2.81, -0.02, 0.037},
  {8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011},
  {12.89, -15.11, -0.22, 1.08, 0.868, -0.01, 0.0017},
  {15.37, -25.91, 0.179, 0.979, 0.594, -0.034, 0.002},
};

static void advance(double dt) {
  for (int i = 0; i < 5; i++)
    for (int j = i + 1; j < 5; j++) {
      double dx = bodies[i].x - bodies[j].x, dy = bodies[i].y - bodies[j].y, dz = bodies[i].z - bodies[j].z;
      double d2 = dx * dx + dy * dy + dz * dz;
      double mag = dt / (d2 * sqrt(d2));
      bodies[i].vx -= dx * bodies[j].m * mag; bodies[i].vy -= dy * bodies[j].m * mag; bodies[i].vz -= dz * bodies[j].m * mag;
      bodies[j].vx += dx * bodies[i].m * mag; bodies[j].vy += dy * bodies[i].m * mag; bodies[j].vz += dz * bodies[i].m * mag;
    }
  for (int i = 0; i < 5; i++) { bodies[i].x += dt * bodies[i].vx; bodies[i].y += dt * bodies[i].vy; bodies[i].z += dt * bodies[i].vz; }
}

int main(void) {
  enter_supervisor_sv39();
  for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) { a[i][j] = (i * 7 + j) % 13 / 7.0; b[i][j] = (i + j * 3) % 11 / 3.0; }
  double trace = 0;
  for (int r = 0; r < 6; r++) {
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < N; k++) s = fma(a[i][k], b[k][j], s);
      c[i][j] = s;
    }
    for (int i = 0; i < N; i++) trace += c[i][i];
    a[r][r] += 0.5;
  }
  for (int step = 0; step < 40000; step++) advance(0.01);
  int inside = 0;
  for (int py = 0; py < 120; py++) for (int px = 0; px < 160; px++) {
    double cr = -2.0 + px * (3.0 / 160), ci = -1.2 + py * (2.4 / 120), zr = 0, zi = 0;
    int k = 0;
    while (k < 200 && zr * zr + zi * zi < 4.0) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; k++; }
    inside += k == 200;
  }
  printf("float: trace %.6f body0 %.9f inside %d\n", trace, bodies[1].x, inside);
  return 0;
}
