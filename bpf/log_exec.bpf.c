// Logs every exec (and, below the minimum level unless it is lowered, every getppid of one
// process) through nectar_log.h. Tests: records end to end, minimum level, lost records.
#include "nectar_log.h"
#include <bpf/bpf_core_read.h>

// Just the fields read here; preserve_access_index makes their offsets CO-RE relocations,
// resolved against the running kernel's BTF at load.
struct task_struct {
    int pid;
} __attribute__((preserve_access_index));

struct linux_binprm {
    const char *filename;
} __attribute__((preserve_access_index));

const volatile __u32 target_tgid = 0;

SEC("raw_tp/sched_process_exec")
int raw_trace_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
    // TP_PROTO(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
    struct task_struct *task = (struct task_struct *)ctx->args[0];
    int old_pid = (int)ctx->args[1];
    struct linux_binprm *bprm = (struct linux_binprm *)ctx->args[2];
    int pid = BPF_CORE_READ(task, pid);
    const char *filename = BPF_CORE_READ(bprm, filename);
    unsigned int uid = (unsigned int)bpf_get_current_uid_gid();
    nectar_log_info(ctx, "task.pid: %d, old_pid: %d, linux_binprm.filename: %s, ctx.uid: %u", pid, old_pid, filename, uid);
    return 0;
}

SEC("raw_tp/sys_enter")
int log_getppid(struct bpf_raw_tracepoint_args *ctx)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid || ctx->args[1] != 110 /* getppid */)
        return 0;
    nectar_log_debug(ctx, "getppid from %u, sign %d, hex %lx", target_tgid, -1, 0xbeefUL);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
