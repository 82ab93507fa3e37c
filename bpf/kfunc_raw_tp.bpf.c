// kfunc_raw_tp: which kfuncs a raw_tp program may call. The verifier allows the kfuncs every
// program type has (bpf_rcu_read_lock/unlock) and refuses those registered for tracing
// programs only (bpf_task_from_pid is for tp_btf, fentry and the like): "calling kernel
// function bpf_task_from_pid is not allowed".
// Without vmlinux.h (which makes objects 600 KB): local views of the kernel types used; their
// member offsets are relocated (CO-RE), and a kfunc's struct pointers match the kernel's by kind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
    int pid;
} __attribute__((preserve_access_index));

extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;

int locked;
int found;

SEC("raw_tp/sys_enter")
int raw_tp_rcu(void *ctx)
{
    bpf_rcu_read_lock();
    locked = 1;
    bpf_rcu_read_unlock();
    return 0;
}

SEC("raw_tp/sys_enter")
int raw_tp_task_from_pid(void *ctx)
{
    struct task_struct *task = bpf_task_from_pid(1);
    if (task) {
        found = task->pid;
        bpf_task_release(task);
    }
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
