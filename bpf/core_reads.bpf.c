// CO-RE against the running kernel: field reads through pointers, offsets, sizes, existence of
// fields, types and enumerators, enum values. Each result lands in a global the test reads.
#include "core_common.h"

__s32 read_tgid = -1;
__s32 read_parent_tgid = -1;
__u32 pid_offset = 0;
__u32 tgid_size = 0;
__u32 has_missing_field = 2;
__u32 has_task_type = 2;
__u32 has_missing_type = 2;
__u32 task_size = 0;
__u64 sid_value = 99;
__u32 has_missing_enumerator = 2;
__u32 guarded_reads = 0;

struct nectar_no_such_type { int x; };

SEC("tp_btf/sys_enter")
int read_task(unsigned long long *ctx)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;
    struct task_struct___nectar *task = (void *)bpf_get_current_task();
    read_tgid = BPF_CORE_READ(task, tgid);
    read_parent_tgid = BPF_CORE_READ(task, real_parent, tgid);
    pid_offset = bpf_core_field_offset(task->pid);
    tgid_size = bpf_core_field_size(task->tgid);
    has_missing_field = bpf_core_field_exists(task->nectar_no_such_field);
    has_task_type = bpf_core_type_exists(struct task_struct___nectar);
    has_missing_type = bpf_core_type_exists(struct nectar_no_such_type);
    task_size = bpf_core_type_size(struct task_struct___nectar);
    sid_value = bpf_core_enum_value(enum pid_type___nectar, PIDTYPE_SID___nectar);
    has_missing_enumerator = bpf_core_enum_value_exists(enum pid_type___nectar, PIDTYPE_NO_SUCH_VALUE___nectar);
    // Dead code in this kernel: its relocation is poisoned, and the verifier never reaches it.
    if (bpf_core_field_exists(task->nectar_no_such_field))
        guarded_reads += BPF_CORE_READ(task, nectar_no_such_field);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
