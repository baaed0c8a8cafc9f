/* Sieve of Eratosthenes up to 200000, cross-checked against trial division
 * for the first primes; prints the count, the last primes and a sum. */
#include <stdio.h>
#include <stdint.h>
#define LIMIT 200000
static uint8_t composite[LIMIT + 1];
static int is_prime_slow(int n) {
  if (n < 2) return 0;
  for (int d = 2; d * d <= n; d++) if (n % d == 0) return 0;
  return 1;
}
int main(void) {
  for (int i = 2; (long)i * i <= LIMIT; i++)
    if (!composite[i]) for (int j = i * i; j <= LIMIT; j += i) composite[j] = 1;
  int count = 0; uint64_t sum = 0; int last[5] = {0};
  for (int i = 2; i <= LIMIT; i++) if (!composite[i]) { count++; sum += i; last[count % 5] = i; }
  for (int i = 0; i < 5000; i++)
    if (is_prime_slow(i) != (i >= 2 && !composite[i])) { printf("mismatch at %d\n", i); return 1; }
  printf("primes below %d: %d, sum %llu\n", LIMIT, count, (unsigned long long)sum);
  printf("last: %d %d %d %d %d\n", last[(count + 1) % 5], last[(count + 2) % 5], last[(count + 3) % 5],
         last[(count + 4) % 5], last[count % 5]);
  return count == 17984 ? 0 : 2;
}
