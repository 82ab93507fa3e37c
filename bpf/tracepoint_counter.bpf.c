// tracepoint: a classic tracefs tracepoint, attached through perf_event_open.
#include "counter_common.h"

SEC("tracepoint/syscalls/sys_enter_openat")
int count_openat(void *ctx)
{
    count(0);
    return 0;
}
