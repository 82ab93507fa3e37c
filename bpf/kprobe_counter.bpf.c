// kprobe and kretprobe on the same kernel function, through the perf kprobe PMU.
#include "counter_common.h"

SEC("kprobe/do_sys_openat2")
int count_openat2_entry(void *ctx)
{
    count(0);
    return 0;
}

SEC("kretprobe/do_sys_openat2")
int count_openat2_return(void *ctx)
{
    count(1);
    return 0;
}
