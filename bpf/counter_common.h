// Shared by the loader's test programs: a BTF-defined array of counters that only counts events
// of the process whose tgid user space stores in target_tgid before load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 4);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tgid = 0;

static __always_inline void count(__u32 slot)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return;
    __u64 *value = bpf_map_lookup_elem(&counts, &slot);
    if (value)
        __sync_fetch_and_add(value, 1);
}

char LICENSE[] SEC("license") = "GPL";
