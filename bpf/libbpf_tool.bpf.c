// A tool written for libbpf as real ones are (execsnoop, opensnoop...): it reports through a perf
// event array declared with __type(key)/__type(value), filters with const volatile settings set
// before load, carries a tp_btf and a raw_tp copy of one handler (the user space picks one), and
// its record is a plain `struct event` (no NECTAR_RING_RECORD). It also sends a 1 KiB raw record,
// printed as cut hex. Tests: nectar trace --program, --set, --record, perf buffers.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define GETPPID 110

struct event {
    __u32 pid;
    __u32 source; /* 1: tp_btf handler, 2: raw_tp handler */
    __u64 seq;
    __s32 delta;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
    __type(key, __u32);
    __type(value, __u32);
} raw_events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u8[1024]);
} scratch SEC(".maps");

/* The last event per CPU: like real tools' maps of events, it also puts struct event in the BTF
   (clang emits no BTF for the type of a local variable alone). */
struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct event);
} last_event SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __s32 delta = 0;
const volatile _Bool send_raw = 0;

__u64 counter;

static int report(void *ctx, long id, __u32 source)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid || id != GETPPID)
        return 0;
    struct event event = {};
    event.pid = target_tgid;
    event.source = source;
    event.seq = __sync_fetch_and_add(&counter, 1);
    event.delta = delta;
    bpf_get_current_comm(event.comm, sizeof(event.comm));
    bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &event, sizeof(event));
    __u32 zero = 0;
    bpf_map_update_elem(&last_event, &zero, &event, BPF_ANY);
    if (send_raw) {
        __u8 *buffer = bpf_map_lookup_elem(&scratch, &zero);
        if (buffer) {
            buffer[0] = 0xab;
            bpf_perf_event_output(ctx, &raw_events, BPF_F_CURRENT_CPU, buffer, 1024);
        }
    }
    return 0;
}

SEC("tp_btf/sys_enter")
int handle_btf(__u64 *ctx)
{
    return report(ctx, (long)ctx[1], 1);
}

SEC("raw_tp/sys_enter")
int handle_raw(struct bpf_raw_tracepoint_args *ctx)
{
    return report(ctx, (long)ctx->args[1], 2);
}

char LICENSE[] SEC("license") = "GPL";
