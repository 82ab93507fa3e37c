/* The BPF target has no asm/ headers of its own; the generic ones fit (64-bit, little-endian). */
#include <asm-generic/types.h>
