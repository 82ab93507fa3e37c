// uprobe.multi: one link on every libc function matching a glob. Counts the calls target_tgid
// makes to getppid and getpgid (the pattern getp?id matches both, and getpid), and the returns.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tgid;

__u64 entries;
__u64 returns;

SEC("uprobe.multi/libc.so.6:getp?id")
int count_entries(void *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
        __sync_fetch_and_add(&entries, 1);
    return 0;
}

SEC("uretprobe.multi/libc.so.6:getppid")
int count_returns(void *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) == target_tgid)
        __sync_fetch_and_add(&returns, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
