/* C runtime pieces for project test programs: HTIF console and exit, picolibc stdio. */
#include <stdint.h>
#include <stdio.h>

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static void htif_send(uint64_t value)
{
  tohost = value;
  while (fromhost == 0)
    ;
  fromhost = 0;
}

void htif_putchar(char c)
{
  /* device 1 (console), command 1 (write character) */
  htif_send((1ull << 56) | (1ull << 48) | (unsigned char)c);
}

__attribute__((noreturn)) void htif_exit(int code)
{
  tohost = ((uint64_t)code << 1) | 1;
  for (;;)
    ;
}

void _exit(int code) { htif_exit(code); }

__attribute__((noreturn)) void report_unexpected_trap(uint64_t cause, uint64_t epc, uint64_t tval)
{
  printf("unexpected trap: mcause 0x%llx, mepc 0x%llx, mtval 0x%llx\n",
         (unsigned long long)cause, (unsigned long long)epc, (unsigned long long)tval);
  htif_exit(3);
}

static int stdout_put(char c, FILE *f)
{
  (void)f;
  htif_putchar(c);
  return (unsigned char)c;
}

static FILE htif_stdout = FDEV_SETUP_STREAM(stdout_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &htif_stdout;
FILE *const stderr = &htif_stdout;
