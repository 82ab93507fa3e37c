using System.Runtime.InteropServices;

namespace Nectar.Kernel.Tests;

/// <summary>The syscall the test programs answer (bpf/*.bpf.c filter sys_enter on getppid of this process).</summary>
internal static partial class Workload
{
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentProcessId();

    /// <summary>Makes <paramref name="count"/> getppid() calls.</summary>
    public static void CallGetppid(int count = 1)
    {
        for (int i = 0; i < count; i++)
            GetParentProcessId();
    }
}
