// Shared by the objects of `nectar bench attach` (attach_bench*.bpf.c): each attach style has a
// program that only counts the getppid() calls of target_tgid, and one that also writes a
// 16-byte record to the ring buffer `events`, so the per-call cost of the style is measured
// alone and with the ring buffer write most tools do. Same contract for libbpf's loader
// (bench/libbpf/attach.c): `const volatile __u32 target_tgid`, the array `hits` (index 0).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NR_getppid 110 /* x86-64 */

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u64);
} hits SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    // A measured run of a million calls writes 24 MB; the benchmark drains it between runs.
    __uint(max_entries, 64 << 20);
} events SEC(".maps");

struct attach_event {
    __u64 time_ns;
    __u32 tgid;
    __u32 syscall;
};

const volatile __u32 target_tgid = 0;

static __always_inline int on_call(long syscall, int emit)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if ((__u32)(pid_tgid >> 32) != target_tgid || syscall != NR_getppid)
        return 0;
    __u32 key = 0;
    __u64 *count = bpf_map_lookup_elem(&hits, &key);
    if (count)
        __sync_fetch_and_add(count, 1);
    if (emit) {
        struct attach_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
        if (e) {
            e->time_ns = bpf_ktime_get_ns();
            e->tgid = pid_tgid >> 32;
            e->syscall = syscall;
            bpf_ringbuf_submit(e, 0);
        }
    }
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
