// What the generator makes for this sample, from kernel BTF at build time (see the .csproj).
[assembly: Nectar.KernelType("task_struct")]
[assembly: Nectar.KernelType("linux_binprm")]

namespace Nectar.Samples.ExecObserver;

/// <summary>
/// The arguments of the sched_process_exec raw tracepoint as its context holds them (u64 args[3]):
/// <c>P</c> (<c>struct task_struct *</c>), <c>OldPid</c> and <c>Bprm</c> (<c>struct linux_binprm *</c>).
/// </summary>
[RawTracepoint("sched_process_exec")]
public partial struct SchedProcessExecArgs;

/// <summary>
/// The typed skeleton of bpf/exec_observer.bpf.o, generated from its BTF: its two programs, its
/// ring buffer <c>events</c> of <c>struct exec_event</c> (as the C side's
/// <c>NECTAR_RING_RECORD(events, struct exec_event)</c> declares), and its globals <c>min_pid</c> and <c>dropped</c>.
/// </summary>
[BpfObject("exec_observer.bpf.o")] // the object of the project's <BpfProgram> item
public partial class ExecObserverObject;
