#include <stdio.h>
#include <stdlib.h>
#define BODY for (int i = 0; i < n; i++) { d[i] = (d[i] * k) ^ (d[i] >> 3); acc += (unsigned long)d[i] << (k & 7); } return acc;
__attribute__((target("avx2,bmi2"), noinline)) unsigned long kernel_avx2(unsigned *d, int n, unsigned k) { unsigned long acc = 0; BODY }
__attribute__((noinline)) unsigned long kernel_plain(unsigned *d, int n, unsigned k) { unsigned long acc = 0; BODY }
unsigned long kernel(unsigned *d, int n, unsigned k) {
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2")) return kernel_avx2(d, n, k);
  return kernel_plain(d, n, k);
}
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4096;
  unsigned *d = malloc(n * sizeof *d);
  for (int i = 0; i < n; i++) d[i] = i;
  printf("%lu\n", kernel(d, n, 2654435761u));
  return 0;
}
