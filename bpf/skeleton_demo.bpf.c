// The object the generator's skeleton tests are about (tests/Nectar.Generator.Tests/Skeletons,
// tests/Nectar.Kernel.Tests SkeletonTests). It has one of everything a skeleton exposes:
//   - a ring buffer of struct event records (typed by [RingBufferEvent("events", "event")]),
//   - a hash map with a struct value (struct syscall_stats),
//   - const volatile settings in .rodata (target_tgid, watched_syscall, cookie),
//   - .bss and .data variables the program updates (hits, last_syscall),
//   - two programs (raw_tp/sys_enter and a tracepoint that is never attached in the tests) and a
//     subprogram (fill_event, in .text), which is not a program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define TASK_COMM_LEN 16

// One record per watched syscall of the target process.
struct event {
    __u32 pid;
    __u32 tgid;
    __s64 syscall_nr;
    __u64 cookie;        // copied from the .rodata setting, so tests see the value they set
    __u64 hits;          // the .bss counter after this syscall
    char comm[TASK_COMM_LEN];
    __u8 flags : 3;      // bitfields: the layout test checks them too
    __u8 kind : 5;
};

struct syscall_stats {
    __u64 count;
    __s64 last_nr;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, struct syscall_stats);
} stats SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __s64 watched_syscall = -1;
const volatile __u64 cookie = 0;

__u64 hits = 0;
__s64 last_syscall = -1;

// Ring buffer records have no BTF value type (the kernel refuses one on a ring buffer), so struct
// event reaches the object's BTF another way: as the parameter type of this subprogram (clang emits
// BTF for every function's prototype; a global variable of the type would do as well).
static __attribute__((noinline)) void fill_event(struct event *e, __u64 pid_tgid, __s64 nr, __u64 count)
{
    e->pid = (__u32)pid_tgid;
    e->tgid = pid_tgid >> 32;
    e->syscall_nr = nr;
    e->cookie = cookie;
    e->hits = count;
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    e->flags = 5;
    e->kind = 17;
}

SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    __u32 tgid = pid_tgid >> 32;
    if (tgid != target_tgid)
        return 0;
    __s64 nr = (__s64)ctx->args[1];
    __u64 count = __sync_fetch_and_add(&hits, 1) + 1;
    last_syscall = nr;

    struct syscall_stats *stat = bpf_map_lookup_elem(&stats, &tgid);
    if (stat) {
        __sync_fetch_and_add(&stat->count, 1);
        stat->last_nr = nr;
    } else {
        struct syscall_stats fresh = { .count = 1, .last_nr = nr };
        bpf_map_update_elem(&stats, &tgid, &fresh, BPF_ANY);
    }

    if (nr != watched_syscall)
        return 0;
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    fill_event(e, pid_tgid, nr, count);
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int on_getppid(void *ctx)
{
    __sync_fetch_and_add(&hits, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
