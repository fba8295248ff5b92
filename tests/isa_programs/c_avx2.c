#include <stdio.h>
#include <stdlib.h>
__attribute__((noinline)) unsigned long kernel(unsigned *d, int n, unsigned k) {
  unsigned long acc = 0;
  for (int i = 0; i < n; i++) { d[i] = (d[i] * k) ^ (d[i] >> 3); acc += (unsigned long)d[i] << (k & 7); }
  return acc;
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4096;
  unsigned *d = malloc(n * sizeof *d);
  for (int i = 0; i < n; i++) d[i] = i;
  printf("%lu\n", kernel(d, n, 2654435761u));
  return 0;
}
