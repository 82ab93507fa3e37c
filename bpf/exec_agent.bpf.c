// The exec agent (samples/ExecAgent): the state an OpenTelemetry agent exports for the execs on a
// host, kept in the kernel so that user space reads totals, not every event:
// - `execs`, a per-CPU hash of exec counts by the new program's comm (a counter with a `comm`
//   attribute: Nectar.OpenTelemetry sums the CPUs and names the attribute from struct comm_key);
// - `argc_hist`, a log2 histogram of the argument counts of those execs, in bcc's layout
//   (struct hist { __u32 slots[N]; }, slot i counts argc 2^i to 2^(i+1)-1; slot 0: 0 and 1);
// - `events`, a ring buffer with one struct exec_event per exec (log records), and the counters of
//   what could not be recorded: `dropped` (ring full) and `untracked_comms` (the hash full).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "nectar_ring.h"

#define TASK_COMM_LEN 16
#define EXEC_FILENAME_MAX 128
#define ARGC_SLOTS 16

struct comm_key {
    char comm[TASK_COMM_LEN]; // the exec'd program's name, as the kernel sets it (basename, 15 chars)
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, 10240);
    __type(key, struct comm_key);
    __type(value, __u64);
} execs SEC(".maps");

struct hist {
    __u32 slots[ARGC_SLOTS];
};

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct hist);
} argc_hist SEC(".maps");

struct exec_event {
    __u32 pid;                        // the new program's pid (task->pid)
    __u32 uid;                        // its real uid
    __u32 argc;                       // how many arguments it got
    char comm[TASK_COMM_LEN];         // its name
    char filename[EXEC_FILENAME_MAX]; // the path exec'd, NUL-terminated, possibly truncated
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1024 * 1024);
} events SEC(".maps");
NECTAR_RING_RECORD(events, struct exec_event);

// Events the ring had no room for.
__u64 dropped = 0;
// Execs not counted in `execs` because it was full (10240 distinct names).
__u64 untracked_comms = 0;

// floor(log2(v)), 0 for 0: the slot bcc's tools put v in.
static __always_inline __u32 log2_u32(__u32 v)
{
    __u32 r = 0, shift;
    shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
    shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
    shift = (v > 0xF) << 2; v >>= shift; r |= shift;
    shift = (v > 0x3) << 1; v >>= shift; r |= shift;
    r |= (v >> 1);
    return r;
}

static __always_inline void count_comm(const struct comm_key *key)
{
    __u64 *count = bpf_map_lookup_elem(&execs, key);
    if (!count) {
        __u64 zero = 0;
        // Another CPU may insert the same name meanwhile: BPF_NOEXIST then fails, the lookup finds it.
        bpf_map_update_elem(&execs, key, &zero, BPF_NOEXIST);
        count = bpf_map_lookup_elem(&execs, key);
        if (!count) {
            __sync_fetch_and_add(&untracked_comms, 1);
            return;
        }
    }
    *count += 1; // this CPU's slot only: no other CPU writes it
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_agent, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    struct comm_key key = {};
    bpf_get_current_comm(key.comm, sizeof(key.comm));
    count_comm(&key);

    __u32 argc = BPF_CORE_READ(bprm, argc);
    __u32 slot = log2_u32(argc);
    if (slot >= ARGC_SLOTS)
        slot = ARGC_SLOTS - 1;
    __u32 zero = 0;
    struct hist *hist = bpf_map_lookup_elem(&argc_hist, &zero);
    if (hist)
        __sync_fetch_and_add(&hist->slots[slot], 1);

    struct exec_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
    if (!event) {
        __sync_fetch_and_add(&dropped, 1);
        return 0;
    }
    event->pid = BPF_CORE_READ(p, pid);
    event->uid = BPF_CORE_READ(p, cred, uid.val);
    event->argc = argc;
    __builtin_memcpy(event->comm, key.comm, sizeof(event->comm));
    bpf_probe_read_kernel_str(event->filename, sizeof(event->filename), BPF_CORE_READ(bprm, filename));
    bpf_ringbuf_submit(event, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
