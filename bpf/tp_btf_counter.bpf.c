// tp_btf: a BTF-typed raw tracepoint, loaded against btf_trace_sys_enter in vmlinux BTF.
#include "counter_common.h"

SEC("tp_btf/sys_enter")
int count_btf_sys_enter(unsigned long long *ctx)
{
    count(0);
    return 0;
}
