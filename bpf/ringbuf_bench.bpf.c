// The ring buffer benchmark's producer (`nectar bench ringbuf`), on a contract any consumer can
// run the same object with: a ring buffer map `events`; an array map `stats` (index 0: events
// submitted, 1: events dropped because the ring was full); `const volatile __u32 target_tgid,
// batch, record_size`; and for each getppid() made by target_tgid, `batch` events of
// `record_size` bytes (8 to 4096, a multiple of 8; default 64) whose first 8 bytes are a
// sequence number (submitted + dropped before it, so a gap means a drop). With several producer
// threads the sequence interleaves: the sequence check then only holds for one producer.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NR_getppid 110 /* x86-64 */
#define MAX_BATCH 4096

#define MAX_RECORD 4096

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    // 32 MiB: at 10+ M events/s, room for 30 ms in which the consumer's vCPU does not run. With
    // 8 MiB, libbpf's consumer and Nectar's both drop events here now and then.
    __uint(max_entries, 32 << 20);
} events SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 2);
    __type(key, __u32);
    __type(value, __u64);
} stats SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile __u32 batch = 1;
const volatile __u32 record_size = 64;

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
    // record_size is read-only once loaded, so the verifier knows the reservation's constant size.
    __u32 size = record_size;
    if (size < 8 || size > MAX_RECORD)
        return 0;
    __u64 sequence = *submitted + *dropped, sent = 0, lost = 0;
    // A bounded loop rather than bpf_loop(): `batch` is read-only once loaded, so the verifier
    // knows it and walks exactly `batch` iterations.
    for (__u32 i = 0; i < MAX_BATCH && i < batch; i++) {
        __u64 *e = bpf_ringbuf_reserve(&events, size, 0);
        if (!e) {
            lost++;
            sequence++;
            continue;
        }
        e[0] = sequence++;
        bpf_ringbuf_submit(e, 0);
        sent++;
    }
    __sync_fetch_and_add(submitted, sent);
    __sync_fetch_and_add(dropped, lost);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
