// A snapshot of the running kernel's struct linux_binprm at each exec, for C# to decode with the
// generated linux_binprm on any kernel (Nectar.KernelStruct<T>). The struct's size is the running
// kernel's (bpf_core_type_size is relocated at load: 408 bytes on 6.18, 416 on 6.1), so the bytes
// are in that kernel's layout; user space maps them onto the generated layout by member name.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "nectar_ring.h"

#define BPRM_SNAPSHOT_MAX 1024

struct bprm_snapshot {
    __u32 pid;                       // task->pid after the exec
    __u32 size;                      // bytes of bprm copied: the running kernel's sizeof(struct linux_binprm)
    __u8 bprm[BPRM_SNAPSHOT_MAX];    // struct linux_binprm as the running kernel lays it out
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 256 * 1024);
} snapshots SEC(".maps");
NECTAR_RING_RECORD(snapshots, struct bprm_snapshot);

// Set before load: only execs of this process id (0: every exec).
const volatile __u32 target_pid = 0;

SEC("tp_btf/sched_process_exec")
int BPF_PROG(snapshot_bprm, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
    __u32 pid = BPF_CORE_READ(p, pid);
    if (target_pid != 0 && pid != target_pid)
        return 0;
    struct bprm_snapshot *event = bpf_ringbuf_reserve(&snapshots, sizeof(*event), 0);
    if (!event)
        return 0;
    __u32 size = bpf_core_type_size(struct linux_binprm);
    if (size > BPRM_SNAPSHOT_MAX)
        size = BPRM_SNAPSHOT_MAX;
    event->pid = pid;
    event->size = size;
    if (bpf_probe_read_kernel(event->bprm, size, bprm) != 0)
        event->size = 0;
    bpf_ringbuf_submit(event, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
