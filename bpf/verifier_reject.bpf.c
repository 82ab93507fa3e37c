// Rejected by the verifier on purpose: it reads a map value without checking it for NULL.
#include "counter_common.h"

SEC("raw_tp/sys_enter")
int unchecked_lookup(void *ctx)
{
    __u32 slot = bpf_get_prandom_u32(); // unknown at verification, so the lookup may miss
    __u64 *value = bpf_map_lookup_elem(&counts, &slot);
    return *value == 42; // the verifier stops here: value may be NULL
}
