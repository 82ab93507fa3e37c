using System.Runtime.InteropServices;
using Nectar.Interop;

namespace Nectar.Tests.Interop;

/// <summary>
/// A scripted bpf(2) for pure tests of the loader's error branches: installed through
/// <see cref="BpfSyscallHook"/> for the test's flow only, it records every call with a copy of its
/// bpf_attr and answers with what <see cref="Answer"/> says. The kernel is never reached.
/// </summary>
internal sealed class FakeKernel : IDisposable
{
    private readonly IDisposable _installed;

    /// <summary>Decides a call's result: a value ≥ 0, or -errno. The span is the live attr (writable, as the kernel writes logs).</summary>
    internal delegate int Handler(BpfCommand command, Span<byte> attr);

    internal FakeKernel(Handler answer)
    {
        Answer = answer;
        _installed = BpfSyscallHook.Install(Call);
    }

    internal Handler Answer { get; }

    internal List<(BpfCommand Command, byte[] Attr)> Calls { get; } = [];

    internal IEnumerable<T> AttrsOf<T>(BpfCommand command) where T : unmanaged
        => Calls.Where(c => c.Command == command).Select(c => MemoryMarshal.Read<T>(c.Attr));

    /// <summary>A real file descriptor (on /dev/null) to hand out as a map, program or link fd: closing it is harmless.</summary>
    internal static int NewFd()
    {
        var handle = File.OpenHandle("/dev/null");
        int fd = (int)handle.DangerousGetHandle();
        handle.SetHandleAsInvalid();
        return fd;
    }

    private int Call(BpfCommand command, Span<byte> attr, out int errno)
    {
        Calls.Add((command, attr.ToArray()));
        int result = Answer(command, attr);
        errno = result < 0 ? -result : 0;
        return result < 0 ? -1 : result;
    }

    public void Dispose() => _installed.Dispose();
}
