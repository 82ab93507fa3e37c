// uprobe and uretprobe on libc's abs(int), which the test calls through P/Invoke with arguments
// of its choosing: counts entries and returns of the test's own process and records the last
// argument (read with BPF_UPROBE, <bpf/bpf_tracing.h> through nectar_uprobe.h) and the last return value (BPF_URETPROBE).
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include "nectar_uprobe.h"

const volatile __u32 target_tgid = 0;

__u64 entries = 0;
__u64 returns = 0;
__u64 offset_hits = 0;
__u64 sleepable_entries = 0;
int last_argument = 0;
int last_return = 0;
int last_offset_argument = 0;

static __always_inline int is_target(void)
{
    // 0: no filter here, so that a test can show the perf event's own pid filter at work.
    return target_tgid == 0 || (__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("uprobe/libc.so.6:abs")
int BPF_UPROBE(abs_entry, int value)
{
    if (!is_target())
        return 0;
    __sync_fetch_and_add(&entries, 1);
    last_argument = value;
    return 0;
}

SEC("uretprobe/libc.so.6:abs")
int BPF_URETPROBE(abs_return, int result)
{
    if (!is_target())
        return 0;
    __sync_fetch_and_add(&returns, 1);
    last_return = result;
    return 0;
}

// No target: the test attaches it with AttachUprobe at an offset inside abs, after its first
// instruction, where the argument is still in the first argument register.
SEC("uprobe")
int BPF_UPROBE(abs_inside, int value)
{
    if (!is_target())
        return 0;
    __sync_fetch_and_add(&offset_hits, 1);
    last_offset_argument = value;
    return 0;
}

// Sleepable (BPF_F_SLEEPABLE): it may read user memory that is paged out.
SEC("uprobe.s/libc.so.6:abs")
int BPF_UPROBE(abs_entry_sleepable, int value)
{
    if (!is_target())
        return 0;
    __sync_fetch_and_add(&sleepable_entries, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
