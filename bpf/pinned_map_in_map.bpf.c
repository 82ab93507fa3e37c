// A map of maps pinned by name (LIBBPF_PIN_BY_NAME) with a static initializer: the first load
// creates it and stores its inner map; a later load reuses the pinned outer map as it is, and
// does not overwrite its slots with its own inner map (libbpf does the same), so loads that
// share the pin see one set of inner maps. Tests: PinningTests.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
};

struct inner inner_a SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 2);
    __type(key, __u32);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
    __array(values, struct inner);
} shared_outer SEC(".maps") = {
    .values = { &inner_a },
};

SEC("raw_tp/sys_enter")
int touch_outer(void *ctx)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&shared_outer, &zero) ? 1 : 0;
}

char LICENSE[] SEC("license") = "GPL";
