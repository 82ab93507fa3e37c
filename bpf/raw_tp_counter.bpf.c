// Counts the syscalls one process makes, from the raw tracepoint sys_enter.
// Tests: global data (.bss counter read after load, .rodata filter set before load).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid = 0;
__u64 syscalls = 0;

SEC("raw_tp/sys_enter")
int count_sys_enter(void *ctx)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    if (tgid != target_tgid)
        return 0;
    __sync_fetch_and_add(&syscalls, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
