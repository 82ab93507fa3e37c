// Logs every exec (and, below the minimum level unless it is lowered, every getppid of one
// process) through nectar_log.h. Tests: records end to end, minimum level, lost records.
#include "nectar_log.h"

const volatile __u32 target_tgid = 0;

SEC("raw_tp/sched_process_exec")
int raw_trace_sched_process_exec(struct bpf_raw_tracepoint_args *ctx)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    int pid = pid_tgid >> 32;
    int old_pid = (int)ctx->args[1];
    char comm[16];
    bpf_get_current_comm(comm, sizeof(comm));
    unsigned int uid = (unsigned int)bpf_get_current_uid_gid();
    nectar_log_info(ctx, "task.pid: %d, old_pid: %d, comm: %s, ctx.uid: %u", pid, old_pid, (const char *)comm, uid);
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
