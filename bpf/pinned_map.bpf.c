// A map pinned by name (LIBBPF_PIN_BY_NAME): a second load of the object reuses it.
#include "counter_common.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} shared_totals SEC(".maps");

SEC("raw_tp/sys_enter")
int total_sys_enter(void *ctx)
{
    __u32 key = 0;
    __u64 one = 1, *total = bpf_map_lookup_elem(&shared_totals, &key);
    if (total)
        __sync_fetch_and_add(total, 1);
    else
        bpf_map_update_elem(&shared_totals, &key, &one, BPF_NOEXIST);
    count(0);
    return 0;
}
