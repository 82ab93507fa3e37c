// Maps written as for libbpf, leaving sizes to the loader: a perf event array without
// max_entries (one entry per possible CPU) and a ring buffer whose size is no power-of-two
// multiple of the page size (rounded up). Tests: Nectar makes the same maps as bpftool (libbpf).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __uint(key_size, sizeof(__u32));
    __uint(value_size, sizeof(__u32));
} samples SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 100000);
} records SEC(".maps");

SEC("raw_tp/sys_enter")
int output_both(void *ctx)
{
    __u64 value = 1;
    bpf_perf_event_output(ctx, &samples, BPF_F_CURRENT_CPU, &value, sizeof(value));
    bpf_ringbuf_output(&records, &value, sizeof(value), 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
