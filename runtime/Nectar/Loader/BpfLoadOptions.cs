using Nectar.Interop;

namespace Nectar.Programs;

/// <summary>How <see cref="BpfObject.Load(BpfObjectSpec, BpfLoadOptions?)"/> behaves.</summary>
public sealed record BpfLoadOptions
{
    /// <summary>Load the programs that verify and record the others in <see cref="BpfObject.Failures"/>, instead of throwing.</summary>
    public bool ContinueOnProgramFailure { get; init; }

    /// <summary>Where maps with pinning = LIBBPF_PIN_BY_NAME are pinned and reused (libbpf's default: /sys/fs/bpf).</summary>
    public string PinDirectory { get; init; } = Pinning.BpffsRoot;

    /// <summary>
    /// The kernel types CO-RE relocations are resolved against, instead of the running kernel's
    /// (/sys/kernel/btf/vmlinux and its modules): another kernel's vmlinux BTF, such as one from a
    /// BTF archive for a kernel built without BTF (<c>Btf.Load(path)</c>). Only CO-RE uses it;
    /// attach targets and __ksym externs are the running kernel's own ids.
    /// </summary>
    public Btf.Btf? KernelBtf { get; init; }
}
