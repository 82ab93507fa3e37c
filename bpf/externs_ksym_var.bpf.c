// externs_ksym_var: a typed __ksym variable, the per-cpu runqueues of the scheduler, reached
// through bpf_this_cpu_ptr. The loader gives its ld_imm64 the VAR's vmlinux BTF id; the kernel
// then needs the variable's address from kallsyms, which has data symbols only with
// CONFIG_KALLSYMS_ALL (libbpf and bpftool fail the same way without it).
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

extern const struct rq runqueues __ksym;

const volatile u32 target_tgid;

int runqueue_cpu = -1;
int current_cpu = -2;

SEC("tp_btf/sys_enter")
int read_runqueue(u64 *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;
    struct rq *rq = bpf_this_cpu_ptr(&runqueues);
    runqueue_cpu = rq->cpu;
    current_cpu = bpf_get_smp_processor_id();
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
