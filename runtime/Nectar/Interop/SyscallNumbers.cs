using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>Syscall numbers differ per architecture; Nectar knows the two it is tested on.</summary>
internal static class SyscallNumbers
{
    internal static readonly long Bpf = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 321,
        Architecture.Arm64 => 280,
        _ => -1,
    };

    internal static readonly long PerfEventOpen = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 298,
        Architecture.Arm64 => 241,
        _ => -1,
    };
}
