// bpf-to-bpf calls: a static and a global subprogram in .text, shared by two programs that live
// in the same section, and a legacy `maps` section map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

// The pre-BTF map definition (libbpf dropped it from its headers; objects still carry it).
struct bpf_map_def {
    unsigned int type;
    unsigned int key_size;
    unsigned int value_size;
    unsigned int max_entries;
    unsigned int map_flags;
};

struct bpf_map_def SEC("maps") legacy_counts = {
    .type = BPF_MAP_TYPE_ARRAY,
    .key_size = sizeof(__u32),
    .value_size = sizeof(__u64),
    .max_entries = 4,
};

// One thread's syscalls only, so that both programs see the same ones.
const volatile __u32 target_tid = 0;

static __noinline int add(__u32 slot, __u64 amount)
{
    __u64 *value = bpf_map_lookup_elem(&legacy_counts, &slot);
    if (value)
        __sync_fetch_and_add(value, amount);
    return 0;
}

__noinline int add_twice(__u32 slot)
{
    add(slot, 1);
    return add(slot, 1);
}

static __always_inline int mine(void)
{
    return (__u32)bpf_get_current_pid_tgid() == target_tid;
}

SEC("raw_tp/sys_enter")
int add_one(void *ctx)
{
    if (mine())
        add(0, 1);
    return 0;
}

SEC("raw_tp/sys_enter")
int add_two(void *ctx)
{
    if (mine())
        add_twice(1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
