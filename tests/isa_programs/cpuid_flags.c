/* Print this CPU's features as a /proc/cpuinfo "flags" line, from CPUID itself. Run under
   `qemu-x86_64 -cpu MODEL` it tells what the emulated model really has (TCG drops what it cannot
   emulate, whatever the model's name promises). Bits from the Intel SDM, vol. 2A, CPUID. */
#include <cpuid.h>
#include <stdio.h>

struct bit { unsigned leaf, sub, reg, bit; const char *name; };
enum { EAX, EBX, ECX, EDX };
static const struct bit bits[] = {
    {1, 0, EDX, 0, "fpu"}, {1, 0, EDX, 8, "cx8"}, {1, 0, EDX, 15, "cmov"}, {1, 0, EDX, 23, "mmx"},
    {1, 0, EDX, 24, "fxsr"}, {1, 0, EDX, 25, "sse"}, {1, 0, EDX, 26, "sse2"},
    {1, 0, ECX, 0, "pni"}, {1, 0, ECX, 1, "pclmulqdq"}, {1, 0, ECX, 9, "ssse3"}, {1, 0, ECX, 12, "fma"},
    {1, 0, ECX, 13, "cx16"}, {1, 0, ECX, 19, "sse4_1"}, {1, 0, ECX, 20, "sse4_2"}, {1, 0, ECX, 22, "movbe"},
    {1, 0, ECX, 23, "popcnt"}, {1, 0, ECX, 25, "aes"}, {1, 0, ECX, 26, "xsave"}, {1, 0, ECX, 28, "avx"},
    {1, 0, ECX, 29, "f16c"}, {1, 0, ECX, 30, "rdrand"},
    {7, 0, EBX, 3, "bmi1"}, {7, 0, EBX, 5, "avx2"}, {7, 0, EBX, 8, "bmi2"}, {7, 0, EBX, 11, "rtm"},
    {7, 0, EBX, 16, "avx512f"}, {7, 0, EBX, 17, "avx512dq"}, {7, 0, EBX, 18, "rdseed"}, {7, 0, EBX, 19, "adx"},
    {7, 0, EBX, 21, "avx512ifma"}, {7, 0, EBX, 28, "avx512cd"}, {7, 0, EBX, 29, "sha_ni"},
    {7, 0, EBX, 30, "avx512bw"}, {7, 0, EBX, 31, "avx512vl"},
    {7, 0, ECX, 1, "avx512vbmi"}, {7, 0, ECX, 6, "avx512_vbmi2"}, {7, 0, ECX, 8, "gfni"}, {7, 0, ECX, 9, "vaes"},
    {7, 0, ECX, 10, "vpclmulqdq"}, {7, 0, ECX, 11, "avx512_vnni"}, {7, 0, ECX, 12, "avx512_bitalg"},
    {7, 0, ECX, 14, "avx512_vpopcntdq"},
    {0x80000001, 0, ECX, 0, "lahf_lm"}, {0x80000001, 0, ECX, 5, "abm"}, {0x80000001, 0, ECX, 6, "sse4a"},
    {0x80000001, 0, ECX, 8, "3dnowprefetch"}, {0x80000001, 0, ECX, 11, "xop"}, {0x80000001, 0, ECX, 16, "fma4"},
    {0x80000001, 0, ECX, 21, "tbm"}, {0x80000001, 0, EDX, 11, "syscall"}, {0x80000001, 0, EDX, 29, "lm"},
};

int main(void) {
    unsigned max = __get_cpuid_max(0, 0), max_ext = __get_cpuid_max(0x80000000, 0);
    printf("processor\t: 0\nflags\t\t:");
    for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        unsigned r[4] = {0, 0, 0, 0};
        const struct bit *b = &bits[i];
        if (b->leaf >= 0x80000000 ? b->leaf > max_ext : b->leaf > max) continue;
        __cpuid_count(b->leaf, b->sub, r[EAX], r[EBX], r[ECX], r[EDX]);
        if (r[b->reg] >> b->bit & 1) printf(" %s", b->name);
    }
    printf("\n");
    return 0;
}
