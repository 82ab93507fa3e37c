// extern_unsupported: a __kconfig extern of a type no config value can fill (a pointer), which
// the loader must refuse by name when it reads the object, before anything reaches the kernel.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern void *CONFIG_NECTAR_POINTER __kconfig;

u64 seen;

SEC("tp_btf/sys_enter")
int read_pointer(u64 *ctx)
{
    seen = (u64)CONFIG_NECTAR_POINTER;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
