// externs_ksym_var: a typed __ksym variable, the per-cpu runqueues of the scheduler, reached
// through bpf_this_cpu_ptr. The loader gives its ld_imm64 the VAR's vmlinux BTF id; the kernel
// then needs the variable's address from kallsyms, which has data symbols only with
// CONFIG_KALLSYMS_ALL (libbpf and bpftool fail the same way without it).
// Without vmlinux.h (which makes objects 600 KB): local views of the kernel types used; their
// member offsets are relocated (CO-RE), and a kfunc's struct pointers match the kernel's by kind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rq {
    int cpu;
} __attribute__((preserve_access_index));

extern const struct rq runqueues __ksym;

const volatile __u32 target_tgid;

int runqueue_cpu = -1;
int current_cpu = -2;

SEC("tp_btf/sys_enter")
int read_runqueue(unsigned long long *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;
    struct rq *rq = bpf_this_cpu_ptr(&runqueues);
    runqueue_cpu = rq->cpu;
    current_cpu = bpf_get_smp_processor_id();
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
