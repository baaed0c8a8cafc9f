/* Sv48 translation: 4 KiB, mega-, giga- and terapages, both halves of the address space,
 * non-canonical addresses (bit 47), satp writes of unsupported modes. */
#include "test.h"
#include "vm.h"
#define SVMODE SATP_SV48
#define TOPBIT 47
#define VAHI 0x00007ABC00000000
#include "svbig.inc"
