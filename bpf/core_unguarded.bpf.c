// Reads a field this kernel does not have, without bpf_core_field_exists(): the relocation is
// poisoned and the verifier reaches it, so loading fails, naming the field.
#include "core_common.h"

__s32 value = 0;

SEC("tp_btf/sys_enter")
int read_missing(unsigned long long *ctx)
{
    struct task_struct___nectar *task = (void *)bpf_get_current_task();
    value = BPF_CORE_READ(task, nectar_no_such_field);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
