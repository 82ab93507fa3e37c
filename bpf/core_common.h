// Local views of kernel types for the CO-RE tests, written without vmlinux.h: only the members a
// program uses, in any order, with flavor suffixes (___nectar) that CO-RE strips when it looks the
// type up in the running kernel. preserve_access_index makes clang record every access.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct___nectar {
    int tgid;
    int pid;
    struct task_struct___nectar *real_parent;
    int nectar_no_such_field;
} __attribute__((preserve_access_index));

enum pid_type___nectar {
    PIDTYPE_SID___nectar = 77,
    PIDTYPE_NO_SUCH_VALUE___nectar = 78,
};

const volatile __u32 target_tgid = 0;
