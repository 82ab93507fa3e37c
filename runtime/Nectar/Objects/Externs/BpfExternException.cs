namespace Nectar.Programs;

/// <summary>
/// An extern of a BPF object (a `__kconfig` value, a `__ksym` variable or kfunc) that the loader
/// cannot declare or fill: the message names the extern, why, and what to change.
/// </summary>
public sealed class BpfExternException : BpfObjectException
{
    public BpfExternException(string externName, string message)
        : base(message) => ExternName = externName;

    /// <summary>The extern's symbol name (CONFIG_X, LINUX_KERNEL_VERSION, bpf_task_acquire, ...).</summary>
    public string ExternName { get; }
}
