// externs: values the loader fills in from the running kernel, as libbpf does.
// .kconfig: kernel version and config options (from /proc/config.gz); .ksyms: kfunc calls and a
// kfunc's address (by their vmlinux BTF ids). Typed ksym variables: externs_ksym_var.bpf.c.
// Without vmlinux.h (which makes objects 600 KB): local views of the kernel types used; their
// member offsets are relocated (CO-RE), and a kfunc's struct pointers match the kernel's by kind.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct task_struct {
    int pid;
} __attribute__((preserve_access_index));

// libbpf's bpf_ksym_exists, which this libbpf-dev's bpf_helpers.h predates: a weak extern's
// address is 0 when the kernel lacks it, and the verifier then prunes the branch that uses it.
#define ksym_exists(sym) (!!&(sym))

extern int LINUX_KERNEL_VERSION __kconfig;
extern _Bool LINUX_HAS_SYSCALL_WRAPPER __kconfig __weak;
extern _Bool LINUX_HAS_BPF_COOKIE __kconfig __weak;
extern _Bool CONFIG_BPF_SYSCALL __kconfig;                 // y
extern enum libbpf_tristate CONFIG_BPF_JIT __kconfig;      // a tristate, y here
extern int CONFIG_HZ __kconfig;                            // a decimal int
extern unsigned long CONFIG_PHYSICAL_START __kconfig;      // a hex int
extern char CONFIG_DEFAULT_HOSTNAME[16] __kconfig;         // a string
extern int CONFIG_NECTAR_NOT_A_CONFIG __kconfig __weak;    // absent: 0

extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_rcu_read_lock(void) __ksym __weak;         // present: its address is not 0
extern void bpf_rcu_read_unlock(void) __ksym __weak;
extern int bpf_nectar_not_a_kfunc(void) __ksym __weak;     // absent: its call must be dead code

const volatile __u32 target_tgid;

int kernel_version;
_Bool has_syscall_wrapper;
_Bool has_bpf_cookie;
_Bool bpf_syscall;
int bpf_jit;
int hz;
unsigned long physical_start;
char hostname[16];
int not_a_config = -1;
_Bool kfunc_exists;
int task_pid;
int not_a_kfunc = -1;
__u64 fired;

SEC("tp_btf/sys_enter")
int read_externs(unsigned long long *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;

    kernel_version = LINUX_KERNEL_VERSION;
    has_syscall_wrapper = LINUX_HAS_SYSCALL_WRAPPER;
    has_bpf_cookie = LINUX_HAS_BPF_COOKIE;
    bpf_syscall = CONFIG_BPF_SYSCALL;
    bpf_jit = CONFIG_BPF_JIT;
    hz = CONFIG_HZ;
    physical_start = CONFIG_PHYSICAL_START;
    __builtin_memcpy(hostname, CONFIG_DEFAULT_HOSTNAME, sizeof(hostname));
    not_a_config = CONFIG_NECTAR_NOT_A_CONFIG;

    struct task_struct *task = bpf_task_from_pid(target_tgid);
    if (task) {
        task_pid = task->pid;
        bpf_task_release(task);
    }

    if (ksym_exists(bpf_rcu_read_lock)) {
        bpf_rcu_read_lock();
        kfunc_exists = 1;
        bpf_rcu_read_unlock();
    }
    not_a_kfunc = ksym_exists(bpf_nectar_not_a_kfunc) ? bpf_nectar_not_a_kfunc() : 0;
    __sync_fetch_and_add(&fired, 1);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
