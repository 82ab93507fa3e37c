namespace Nectar.Testing;

/// <summary>A tiny CO-RE program: reads task->pid through BPF_CORE_READ, so clang emits a field relocation against vmlinux.h.</summary>
public static class CoreProgram
{
    public const string Source = """
        #include "vmlinux.h"
        #include <bpf/bpf_helpers.h>
        #include <bpf/bpf_core_read.h>
        #include <bpf/bpf_tracing.h>

        int seen_pid;

        SEC("tp_btf/sched_process_exec")
        int BPF_PROG(on_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
        {
        	seen_pid = BPF_CORE_READ(task, pid);
        	return 0;
        }

        char LICENSE[] SEC("license") = "GPL";
        """;
}
