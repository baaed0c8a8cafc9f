#include "test.h"
TEST_BEGIN
  TEST_CASE(2, a0, 3, li a1, 1; addi a0, a1, 2)
  PASS
TEST_DATA
