// fentry and fexit: BPF trampolines on a kernel function found in vmlinux BTF.
#include "counter_common.h"

SEC("fentry/do_sys_openat2")
int count_openat2_fentry(unsigned long long *ctx)
{
    count(0);
    return 0;
}

SEC("fexit/do_sys_openat2")
int count_openat2_fexit(unsigned long long *ctx)
{
    count(1);
    return 0;
}
