// CO-RE bitfield read: task_struct's one-bit sched_reset_on_fork, which user space sets and
// clears with sched_setscheduler(SCHED_RESET_ON_FORK), read for one thread.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___bits {
    unsigned int sched_reset_on_fork:1;
} __attribute__((preserve_access_index));

const volatile __u32 target_tid = 0;
__u32 reset_on_fork = 2;

SEC("tp_btf/sys_enter")
int read_bitfield(unsigned long long *ctx)
{
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    struct task_struct___bits *task = (void *)bpf_get_current_task();
    reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(task, sched_reset_on_fork);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
