// For each getppid() of target_tgid, writes its sequence number (8 bytes) to the perf event
// array `samples` on the current CPU. Tests: perf buffer samples end to end, lost samples.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
    /* no max_entries: the loader makes one entry per possible CPU, as libbpf does */
} samples SEC(".maps");

const volatile __u32 target_tgid = 0;
__u64 sequence = 0;

SEC("raw_tp/sys_enter")
int output_getppid(struct bpf_raw_tracepoint_args *ctx)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid || ctx->args[1] != 110 /* getppid */)
        return 0;
    __u64 value = __sync_fetch_and_add(&sequence, 1);
    bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &value, sizeof(value));
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
