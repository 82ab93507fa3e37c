// Callbacks: ld_imm64 instructions that take a function's address (BPF_PSEUDO_FUNC) for bpf_loop
// and bpf_for_each_map_elem. The loader appends each callback to the program once, like a
// bpf-to-bpf call target, and points the ld_imm64 at it.
// Tests: static callbacks (relocated against the .text section symbol, their offset in the
// instruction), one callback used twice, a callback that calls a subprogram the program calls
// too, and a CO-RE read in a callback. libbpf loads it as well (the bpftool oracle); the forms
// only Nectar loads are in callback_sections.bpf.c.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

// Only tgid, at offset 0 here: without CO-RE relocation the callback would read the wrong field.
struct task_struct___callbacks {
    int tgid;
} __attribute__((preserve_access_index));

struct bpf_map;

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __type(value, __u64);
} numbers SEC(".maps");

const volatile __u32 target_tid = 0;
const volatile __u32 loop_count = 0;

__u64 runs = 0;
__u64 index_sum = 0;      // 1 + 2 + ... + loop_count, by a static callback
__u64 half_sum = 0;       // 1 + 2 + ... + loop_count / 2, by the same callback again
__u64 square_sum = 0;     // 1 + 4 + ... + loop_count^2, by a callback calling a subprogram
__u64 last_square = 0;    // loop_count^2, the same subprogram called by the program itself
__u64 elements = 0;       // how many elements bpf_for_each_map_elem visited
__u64 element_sum = 0;    // the sum of their values
__u64 callback_tgid = 0;  // the tgid a callback read with CO-RE

struct sum {
    __u64 total;
};

static __noinline __u64 square(__u64 x)
{
    return x * x;
}

static long add_index(__u32 index, void *data)
{
    struct sum *sum = data;
    sum->total += index + 1;
    return 0;
}

static long add_square(__u32 index, void *data)
{
    struct sum *sum = data;
    sum->total += square(index + 1);
    return 0;
}

static long read_tgid(__u32 index, void *data)
{
    struct task_struct___callbacks *task = (void *)bpf_get_current_task();
    callback_tgid = BPF_CORE_READ(task, tgid);
    return 1;
}

static long add_element(struct bpf_map *map, __u32 *key, __u64 *value, struct sum *sum)
{
    sum->total += *value;
    elements++;
    return 0;
}

SEC("raw_tp/sys_enter")
int run_callbacks(void *ctx)
{
    struct sum indices = {}, halves = {}, values = {};
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    bpf_loop(loop_count, add_index, &indices, 0);
    bpf_loop(loop_count / 2, add_index, &halves, 0);
    bpf_loop(1, read_tgid, 0, 0);
    bpf_for_each_map_elem(&numbers, add_element, &values, 0);
    index_sum = indices.total;
    half_sum = halves.total;
    last_square = square(loop_count);
    element_sum = values.total;
    __sync_fetch_and_add(&runs, 1);
    return 0;
}

// A second program: Linux 6.18's verifier fails ("verifier bug: No program to jit") on a program
// whose inlined bpf_loop calls use add_index and then add_square before a bpf_for_each_map_elem,
// whichever loader loads it (bpftool too), so the squares are summed here.
SEC("raw_tp/sys_enter")
int sum_squares(void *ctx)
{
    struct sum squares = {};
    if ((__u32)bpf_get_current_pid_tgid() != target_tid)
        return 0;
    bpf_loop(loop_count, add_square, &squares, 0);
    square_sum = squares.total;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
