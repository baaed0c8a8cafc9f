#include <stdio.h>
int main(void){ printf("hello %d %f\n", 42, 1.5); return 0; }
