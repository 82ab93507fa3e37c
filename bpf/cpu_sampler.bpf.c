// A perf_event program (SEC("perf_event")): runs on every sample of the perf events it is
// attached to (here the software cpu-clock, one event per CPU) and counts samples per process.
// Tests: a process that spins on a CPU is sampled; after detaching, the counts stop.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// Samples by tgid (the process id user space knows); tgid 0 is the idle task.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16384);
    __type(key, __u32);
    __type(value, __u64);
} samples SEC(".maps");

SEC("perf_event")
int count_samples(void *ctx)
{
    __u32 tgid = bpf_get_current_pid_tgid() >> 32;
    __u64 *count = bpf_map_lookup_elem(&samples, &tgid);
    if (count) {
        __sync_fetch_and_add(count, 1);
    } else {
        __u64 one = 1;
        bpf_map_update_elem(&samples, &tgid, &one, BPF_NOEXIST);
    }
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
