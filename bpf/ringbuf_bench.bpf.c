// The ring buffer benchmark's producer (`nectar bench ringbuf`), on a contract any consumer can
// run the same object with: a ring buffer map `events`; an array map `stats` (index 0: events
// submitted, 1: events dropped because the ring was full); `const volatile __u32 target_tgid,
// batch`; and for each getppid() made by target_tgid, `batch` 64-byte events whose first 8
// bytes are a sequence number (submitted + dropped before it, so a gap means a drop).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NR_getppid 110 /* x86-64 */
#define MAX_BATCH 4096

struct event {
    __u64 sequence;
    __u64 payload[7];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 8 << 20);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u32 batch = 1;

struct emit_state {
    __u64 sequence;
    __u64 submitted;
    __u64 dropped;
};

static long emit_one(__u64 index, struct emit_state *state)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) {
        state->dropped++;
        state->sequence++;
        return 0;
    }
    e->sequence = state->sequence++;
    e->payload[0] = index;
    bpf_ringbuf_submit(e, 0);
    state->submitted++;
    return 0;
}

SEC("raw_tp/sys_enter")
int produce(struct bpf_raw_tracepoint_args *ctx)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid || ctx->args[1] != NR_getppid)
        return 0;
    __u32 submitted_key = 0, dropped_key = 1;
    __u64 *submitted = bpf_map_lookup_elem(&stats, &submitted_key);
    __u64 *dropped = bpf_map_lookup_elem(&stats, &dropped_key);
    if (!submitted || !dropped)
        return 0;
    struct emit_state state = { .sequence = *submitted + *dropped };
    __u32 count = batch < MAX_BATCH ? batch : MAX_BATCH;
    bpf_loop(count, emit_one, &state, 0);
    __sync_fetch_and_add(submitted, state.submitted);
    __sync_fetch_and_add(dropped, state.dropped);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
