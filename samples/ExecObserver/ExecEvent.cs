using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Nectar.Samples.ExecObserver;

/// <summary>
/// One record of the ring buffer <c>events</c>: <c>struct exec_event</c> in bpf/exec_observer.bpf.c,
/// field for field (168 bytes).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct ExecEvent
{
    /// <summary>The tracepoint's raw arguments, decoded by the generated accessors.</summary>
    public SchedProcessExecArgs Args;

    /// <summary>When the program ran, in nanoseconds since boot.</summary>
    public ulong TimestampNs;

    /// <summary><c>task->pid</c>, read in the kernel.</summary>
    public uint Pid;

    /// <summary><c>task->cred->uid.val</c>, read in the kernel.</summary>
    public uint Uid;

    /// <summary><c>bprm->filename</c>, NUL-terminated (truncated to 127 bytes).</summary>
    public FilenameBytes Filename;

    /// <summary>The file name as a string.</summary>
    public readonly string FilenameString
    {
        get
        {
            ReadOnlySpan<byte> bytes = Filename;
            int end = bytes.IndexOf((byte)0);
            return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
        }
    }

    /// <summary><c>char filename[128]</c>.</summary>
    [InlineArray(128)]
    public struct FilenameBytes
    {
        private byte _first;
    }
}
