/* Sv57 translation: 4 KiB, mega-, giga-, tera- and petapages, both halves of the address
 * space, non-canonical addresses (bit 56), satp writes of unsupported modes. */
#include "test.h"
#include "vm.h"
#define SVMODE SATP_SV57
#define TOPBIT 56
#define VAHI 0x00F5ABC000000000
#define VAPETA 0x0001000000000000
#include "svbig.inc"
