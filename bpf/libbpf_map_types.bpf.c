// Maps as real libbpf tools declare them: __type(key, ...) and __type(value, ...) on every map,
// including the map types the kernel refuses BTF key/value types for (ENOTSUPP). libbpf drops
// the types for those before BPF_MAP_CREATE; the object must load in Nectar as it does in libbpf,
// and the maps that can be typed (hash) keep their BTF. libbpf creates every map of an object,
// used or not; the program uses a few so that the object means something.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TYPED_MAP(NAME, TYPE, KEY, VALUE, ENTRIES)                                                  \
    struct {                                                                                        \
        __uint(type, TYPE);                                                                         \
        __uint(max_entries, ENTRIES);                                                               \
        __type(key, KEY);                                                                           \
        __type(value, VALUE);                                                                       \
    } NAME SEC(".maps")

TYPED_MAP(perf_events, BPF_MAP_TYPE_PERF_EVENT_ARRAY, __u32, __u32, 0);
TYPED_MAP(cgroup_map, BPF_MAP_TYPE_CGROUP_ARRAY, __u32, __u32, 1);
TYPED_MAP(stacks, BPF_MAP_TYPE_STACK_TRACE, __u32, __u64[127], 64);
TYPED_MAP(devices, BPF_MAP_TYPE_DEVMAP, __u32, __u32, 4);
TYPED_MAP(devices_hash, BPF_MAP_TYPE_DEVMAP_HASH, __u32, __u32, 4);
TYPED_MAP(cpus, BPF_MAP_TYPE_CPUMAP, __u32, __u32, 4);
TYPED_MAP(xsks, BPF_MAP_TYPE_XSKMAP, __u32, __u32, 4);
TYPED_MAP(sockets, BPF_MAP_TYPE_SOCKMAP, __u32, __u32, 4);
TYPED_MAP(sockets_hash, BPF_MAP_TYPE_SOCKHASH, __u32, __u32, 4);
TYPED_MAP(counts, BPF_MAP_TYPE_HASH, __u32, __u64, 16);

struct {
    __uint(type, BPF_MAP_TYPE_QUEUE);
    __uint(max_entries, 8);
    __type(value, __u32);
} pending SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_STACK);
    __uint(max_entries, 8);
    __type(value, __u32);
} lifo SEC(".maps");

SEC("raw_tp/sys_enter")
int use_maps(void *ctx)
{
    __u32 key = 0, value = 1;
    __u64 one = 1;
    bpf_map_update_elem(&counts, &key, &one, BPF_ANY);
    bpf_map_push_elem(&pending, &value, BPF_EXIST);
    bpf_map_push_elem(&lifo, &value, BPF_EXIST);
    bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &value, sizeof(value));
    bpf_get_stackid(ctx, &stacks, 0);
    return bpf_current_task_under_cgroup(&cgroup_map, 0);
}

char LICENSE[] SEC("license") = "GPL";
