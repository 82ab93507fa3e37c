// Callbacks outside the usual shape, which only Nectar loads (libbpf takes callbacks from .text
// only, and refuses a static function in any other code section):
// - a static callback in a code section of its own (.text.callbacks), reached through that
//   section's symbol;
// - a global callback in .text, reached through its own symbol. The kernel refuses it at load
//   ("callback function not static": callbacks must have static linkage in BTF); the object
//   still links, so tests can check the symbol form of the relocation.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const volatile __u32 target_tid = 0;
const volatile __u32 loop_count = 0;

__u64 section_sum = 0;   // 1 + 2 + ... + loop_count, by the callback in .text.callbacks
__u64 global_sum = 0;

struct sum {
    __u64 total;
};

static __attribute__((section(".text.callbacks"))) long add_index_elsewhere(__u32 index, void *data)
{
    struct sum *sum = data;
    sum->total += index + 1;
    return 0;
}

__noinline long add_index_global(__u32 index, struct sum *sum)
{
    if (sum)
        sum->total += index + 1;
    return 0;
}

SEC("raw_tp/sys_enter")
int loop_elsewhere(void *ctx)
{
    struct sum sum = {};
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    bpf_loop(loop_count, add_index_elsewhere, &sum, 0);
    section_sum = sum.total;
    return 0;
}

SEC("raw_tp/sys_enter")
int loop_global(void *ctx)
{
    struct sum sum = {};
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    bpf_loop(loop_count, add_index_global, &sum, 0);
    global_sum = sum.total;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
