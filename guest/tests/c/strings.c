/* String and memory functions: strlen strcmp strncmp strcpy strcat strchr
 * strrchr strstr memmove (overlapping) memset memcmp snprintf strtol, and a
 * hand-written reverse and word count; prints results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int fails;
#define CHECK(c) do { if (!(c)) { printf("FAIL line %d: %s\n", __LINE__, #c); fails++; } } while (0)
static void reverse(char *s) { for (size_t i = 0, j = strlen(s); i + 1 < j; i++, j--) { char t = s[i]; s[i] = s[j - 1]; s[j - 1] = t; } }
static int words(const char *s) { int n = 0, in = 0; for (; *s; s++) { if (*s == ' ') in = 0; else if (!in) { in = 1; n++; } } return n; }
int main(void) {
  char buf[256], buf2[256];
  const char *pangram = "the quick brown fox jumps over the lazy dog";
  CHECK(strlen(pangram) == 43);
  CHECK(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && strcmp("same", "same") == 0);
  CHECK(strncmp("hello world", "hello there", 5) == 0);
  strcpy(buf, "foo"); strcat(buf, "-bar"); strcat(buf, "-baz");
  CHECK(strcmp(buf, "foo-bar-baz") == 0);
  CHECK(strchr(buf, '-') == buf + 3 && strrchr(buf, '-') == buf + 7 && strchr(buf, 'q') == NULL);
  CHECK(strstr(pangram, "lazy") == pangram + 35 && strstr(pangram, "cat") == NULL);
  strcpy(buf2, "0123456789");
  memmove(buf2 + 2, buf2, 8); buf2[10] = 0;
  CHECK(strcmp(buf2, "0101234567") == 0);
  strcpy(buf2, "0123456789");
  memmove(buf2, buf2 + 3, 7); buf2[7] = 0;
  CHECK(strcmp(buf2, "3456789") == 0);
  memset(buf2, 'x', 5); buf2[5] = 0;
  CHECK(strcmp(buf2, "xxxxx") == 0);
  CHECK(memcmp("abcdef", "abcxef", 6) < 0);
  CHECK(strtol("-12345", NULL, 10) == -12345 && strtol("ff", NULL, 16) == 255 && strtol("0x7fffffff", NULL, 0) == 0x7fffffff);
  CHECK(strtoll("-9223372036854775807", NULL, 10) == -9223372036854775807LL);
  strcpy(buf, pangram); reverse(buf);
  printf("reversed: %s\n", buf);
  printf("words: %d\n", words(pangram));
  int n = snprintf(buf, sizeof buf, "%5d|%-5d|%05d|%x|%X|%o|%c|%s|%.3s|%%", 42, 42, 42, 0xbeef, 0xbeef, 8, 'z', "str", "truncate");
  printf("%s (%d)\n", buf, n);
  n = snprintf(buf, 8, "%s", "0123456789abcdef");
  CHECK(n == 16 && strlen(buf) == 7);
  printf("%lld %llu %lx %ld\n", -9223372036854775807LL - 1, 18446744073709551615ULL, 0xdeadbeefcafef00dUL, -1L);
  printf("fails: %d\n", fails);
  return fails;
}
