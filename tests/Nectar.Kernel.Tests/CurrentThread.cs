using System.Runtime.InteropServices;

namespace Nectar.Kernel.Tests;

/// <summary>The kernel's id of the calling thread, for programs that watch one thread only.</summary>
internal static partial class CurrentThread
{
    [LibraryImport("libc", EntryPoint = "gettid")]
    private static partial int GetThreadId();

    internal static uint Id => (uint)GetThreadId();
}
