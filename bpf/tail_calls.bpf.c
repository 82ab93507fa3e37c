// A program array filled as libbpf fills it: the static initializer of jump_table names the
// programs (the .rel.maps relocations), and the loader stores their fds once they are loaded.
// Tests: the entry program, attached to raw_tp/sys_enter, tail-calls (for each getppid() of
// target_tgid) the slot user space picks in target_slot; each target counts into its own slot of `counts`; a tail call into an empty
// slot falls through and counts into FALL_THROUGH.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define SLOTS 4
#define FALL_THROUGH 7

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} counts SEC(".maps");

const volatile __u32 target_tgid = 0;
// Which slot of jump_table the entry program jumps to; user space changes it between triggers.
__u32 target_slot = 0;

static __always_inline int is_target(struct bpf_raw_tracepoint_args *ctx)
{
    return (__u32)(bpf_get_current_pid_tgid() >> 32) == target_tgid && ctx->args[1] == 110 /* getppid */;
}

static __always_inline void count(__u32 slot)
{
    __u64 *value = bpf_map_lookup_elem(&counts, &slot);
    if (value)
        __sync_fetch_and_add(value, 1);
}

SEC("raw_tp/sys_enter")
int slot_zero(void *ctx)
{
    count(0);
    return 0;
}

SEC("raw_tp/sys_enter")
int slot_two(void *ctx)
{
    count(2);
    return 0;
}

// Never in the initializer: tests store it by hand (slot 1 or 3).
SEC("raw_tp/sys_enter")
int by_hand(void *ctx)
{
    count(1);
    return 0;
}

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, SLOTS);
    __uint(key_size, sizeof(__u32));
    __array(values, int (void *));
} jump_table SEC(".maps") = {
    .values = {
        [0] = (void *)&slot_zero,
        [2] = (void *)&slot_two,
    },
};

SEC("raw_tp/sys_enter")
int dispatch(struct bpf_raw_tracepoint_args *ctx)
{
    if (!is_target(ctx))
        return 0;
    bpf_tail_call(ctx, &jump_table, target_slot);
    // Only reached when the slot is empty (or out of range).
    count(FALL_THROUGH);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
