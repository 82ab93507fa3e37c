namespace Nectar.Interop;

/// <summary>
/// A stand-in for the kernel's bpf(2), for tests that drive the loader's error branches without a
/// kernel (the EINVAL retry of map creation, the verifier-log growth, the legacy perf-event path).
/// <paramref name="attr"/> is the bpf_attr the call passes, writable as the kernel writes it
/// (log buffers, ids); return the call's result, or -1 with <paramref name="errno"/> set.
/// </summary>
internal delegate int FakeBpfSyscall(BpfCommand command, Span<byte> attr, out int errno);

/// <summary>
/// Where <see cref="Bpf"/> looks for a fake before calling the kernel. The fake belongs to the
/// async flow that installed it, so tests running in parallel (and real calls elsewhere in the
/// process) never see each other's fakes.
/// </summary>
internal static class BpfSyscallHook
{
    private static readonly AsyncLocal<FakeBpfSyscall?> s_current = new();

    internal static FakeBpfSyscall? Current => s_current.Value;

    /// <summary>Routes this flow's bpf(2) calls to <paramref name="fake"/> until the result is disposed.</summary>
    internal static IDisposable Install(FakeBpfSyscall fake)
    {
        ArgumentNullException.ThrowIfNull(fake);
        var previous = s_current.Value;
        s_current.Value = fake;
        return new Restore(previous);
    }

    private sealed class Restore(FakeBpfSyscall? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
