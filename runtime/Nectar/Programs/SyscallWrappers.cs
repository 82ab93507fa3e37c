using System.Runtime.InteropServices;
using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// The kernel function a ksyscall/NAME program probes: the architecture's syscall wrapper
/// (__x64_sys_NAME on x86-64, __arm64_sys_NAME on arm64), as libbpf picks it, found in the kernel's
/// BTF or /proc/kallsyms. Kernels before 4.17 have no wrappers and name the handler sys_NAME.
/// </summary>
internal static class SyscallWrappers
{
    /// <summary>The prefix of syscall wrappers on this architecture.</summary>
    public static string WrapperPrefix => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "__x64_sys_",
        Architecture.Arm64 => "__arm64_sys_",
        Architecture.S390x => "__s390x_sys_",
        _ => "sys_",
    };

    /// <summary>The function to kprobe for syscall <paramref name="syscall"/> ("openat" -> "__x64_sys_openat").</summary>
    /// <exception cref="ArgumentException">The kernel has neither the wrapper nor sys_NAME.</exception>
    public static string FunctionOf(string syscall)
    {
        string wrapper = WrapperPrefix + syscall;
        string legacy = "sys_" + syscall;
        if (VmlinuxBtf.Instance.FindByName(wrapper, BtfKind.Func) is not null)
            return wrapper;
        var symbols = Kallsyms.Find(new HashSet<string>(StringComparer.Ordinal) { wrapper, legacy });
        if (symbols.ContainsKey(wrapper))
            return wrapper;
        if (symbols.ContainsKey(legacy))
            return legacy;
        throw new ArgumentException($"ksyscall/{syscall}: this kernel has no syscall '{syscall}' (neither {wrapper} nor {legacy} is in its BTF or {Kallsyms.Path}); check the name (man 2 syscalls).");
    }
}
