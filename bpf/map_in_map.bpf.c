// Maps of maps as libbpf declares them: the __array(values, struct {...}) member describes the
// inner maps (the template the kernel checks every inner map against) and the static
// initializer stores other maps of the object in the outer map's slots.
// Tests: the program looks up inner map `target_slot` through the outer array (or hash) and
// writes the caller's tgid into it (for each getppid() of target_tgid); user space reads it back from the inner map itself.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct inner {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
};

struct inner inner_a SEC(".maps");
struct inner inner_b SEC(".maps");
struct inner inner_spare SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 4);
    __type(key, __u32);
    __array(values, struct inner);
} outer_array SEC(".maps") = {
    .values = { &inner_a, &inner_b },
};

struct {
    __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
    __uint(max_entries, 8);
    __type(key, __u32);
    __array(values, struct {
        __uint(type, BPF_MAP_TYPE_ARRAY);
        __uint(max_entries, 1);
        __type(key, __u32);
        __type(value, __u64);
    });
} outer_hash SEC(".maps") = {
    .values = { [3] = (void *)&inner_b },
};

const volatile __u32 target_tgid = 0;
__u32 target_slot = 0;
// Set by the program: 1 when the outer map had no inner map at target_slot.
__u32 missing = 0;

static __always_inline int write_through(struct bpf_raw_tracepoint_args *ctx, void *outer)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid || ctx->args[1] != 110 /* getppid */)
        return 0;
    __u32 slot = target_slot;
    void *inner = bpf_map_lookup_elem(outer, &slot);
    if (!inner) {
        missing = 1;
        return 0;
    }
    __u32 zero = 0;
    __u64 *value = bpf_map_lookup_elem(inner, &zero);
    if (value)
        *value = bpf_get_current_pid_tgid() >> 32;
    return 0;
}

SEC("raw_tp/sys_enter")
int through_array(struct bpf_raw_tracepoint_args *ctx)
{
    return write_through(ctx, &outer_array);
}

SEC("raw_tp/sys_enter")
int through_hash(struct bpf_raw_tracepoint_args *ctx)
{
    return write_through(ctx, &outer_hash);
}

char LICENSE[] SEC("license") = "GPL";
