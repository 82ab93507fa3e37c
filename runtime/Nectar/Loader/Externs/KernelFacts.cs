using System.Runtime.InteropServices;
using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// What the loader tells __kconfig externs about a kernel: LINUX_KERNEL_VERSION, the two
/// LINUX_HAS_* feature flags, and the config file. Each is asked for only when an extern needs it.
/// </summary>
internal sealed record KernelFacts(Func<uint> VersionCode, Func<bool> HasBpfCookie, Func<bool> HasSyscallWrapper, Func<KernelConfig?> Config)
{
    /// <summary>The running kernel: uname, vmlinux BTF, /proc/config.gz.</summary>
    internal static KernelFacts RunningKernel { get; } = new(
        KernelRelease.CurrentVersionCode,
        // bpf_get_attach_cookie is the helper cookies are read with; the kernel's enum bpf_func_id
        // names every helper it has, which answers without loading a probe program.
        () => VmlinuxBtf.Instance.FindByName("bpf_func_id", BtfKind.Enum) is { } helpers &&
              helpers.EnumValues.Any(v => v.Name == "BPF_FUNC_get_attach_cookie"),
        // Syscall wrappers are the __<arch>_sys_<name> functions; libbpf probes __<arch>_sys_bpf with a kprobe.
        () => SyscallPrefix() is { } prefix && VmlinuxBtf.Instance.FindByName($"__{prefix}_sys_bpf", BtfKind.Func) is not null,
        KernelConfig.ReadRunningKernel);

    private static string? SyscallPrefix() => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => "x64",
        Architecture.X86 => "ia32",
        Architecture.Arm64 => "arm64",
        Architecture.Arm => "arm",
        Architecture.S390x => "s390x",
        Architecture.RiscV64 => "riscv",
        Architecture.Ppc64le => "powerpc64",
        _ => null,
    };
}
