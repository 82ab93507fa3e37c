// The exec observer (samples/ExecObserver): one event per exec, from either of two programs on the
// sched_process_exec tracepoint, so the sample can show both attach styles.
//
// Each event carries the tracepoint's raw arguments, exactly as the program's context holds them
// (u64 args[3]: task_struct *p, pid_t old_pid, linux_binprm *bprm), which the C# side decodes
// with the generated SchedProcessExecArgs, plus what user space cannot read itself: a snapshot of
// the kernel structs those pointers point to. The struct reads go through BPF_CORE_READ, so the
// offsets from vmlinux.h are relocated against the running kernel's BTF at load (CO-RE); the copy
// of struct linux_binprm is in the running kernel's layout, which C# decodes by name.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "nectar_ring.h"

#define EXEC_FILENAME_MAX 128
#define BPRM_SNAPSHOT_MAX 512 // sizeof(struct linux_binprm): 408 bytes on 6.18, 416 on 6.1

// The record this program writes to its ring buffer `events` (NECTAR_RING_RECORD below names it
// for the tools: a ring buffer map has no value type of its own).
struct exec_event {
    __u64 args[3];                    // the raw tracepoint arguments
    __u64 timestamp_ns;               // bpf_ktime_get_boot_ns()
    __u32 pid;                        // task->pid
    __u32 uid;                        // task->cred->uid.val
    char filename[EXEC_FILENAME_MAX]; // bprm->filename, NUL-terminated, possibly truncated
    __u32 bprm_size;                  // bytes in bprm: the running kernel's sizeof(struct linux_binprm), 0 if unread
    __u8 bprm[BPRM_SNAPSHOT_MAX];     // *bprm in the running kernel's layout (C# decodes it with KernelStruct<LinuxBinprm>)
};

// 1 MiB: about 1,500 events of 688 bytes (most of it the linux_binprm snapshot) between two polls.
struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1024 * 1024);
} events SEC(".maps");
NECTAR_RING_RECORD(events, struct exec_event);

// Set before load to observe only execs whose new pid is greater than this (0: every exec).
const volatile __u32 min_pid = 0;

// Events the ring had no room for.
__u64 dropped = 0;

static __always_inline int emit(__u64 p, __u64 old_pid, __u64 bprm)
{
    struct task_struct *task = (struct task_struct *)p;
    struct linux_binprm *binprm = (struct linux_binprm *)bprm;
    __u32 pid = BPF_CORE_READ(task, pid);
    if (pid <= min_pid)
        return 0;

    struct exec_event *event = bpf_ringbuf_reserve(&events, sizeof(*event), 0);
    if (!event) {
        __sync_fetch_and_add(&dropped, 1);
        return 0;
    }
    event->args[0] = p;
    event->args[1] = old_pid;
    event->args[2] = bprm;
    event->timestamp_ns = bpf_ktime_get_boot_ns();
    event->pid = pid;
    event->uid = BPF_CORE_READ(task, cred, uid.val);
    bpf_probe_read_kernel_str(event->filename, sizeof(event->filename), BPF_CORE_READ(binprm, filename));
    // The whole struct as this kernel lays it out (its size relocated at load): user space maps it
    // onto the layout it was built with, member by member, so argc, envc and buf read right anywhere.
    __u32 size = bpf_core_type_size(struct linux_binprm);
    if (size > BPRM_SNAPSHOT_MAX)
        size = BPRM_SNAPSHOT_MAX;
    event->bprm_size = bpf_probe_read_kernel(event->bprm, size, binprm) == 0 ? size : 0;
    bpf_ringbuf_submit(event, 0);
    return 0;
}

// A BTF-typed tracepoint: the kernel passes the arguments as u64s, BPF_PROG names them.
SEC("tp_btf/sched_process_exec")
int BPF_PROG(btf_sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    return emit((__u64)p, (__u64)old_pid, (__u64)bprm);
}

// A raw tracepoint: the same arguments, read from ctx->args[0..2].
SEC("raw_tp/sched_process_exec")
int raw_trace_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
    return emit(ctx->args[0], ctx->args[1], ctx->args[2]);
}

char LICENSE[] SEC("license") = "GPL";
