using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Nectar.Samples.ExecObserver;

public partial class ExecObserverObject
{
    /// <summary>
    /// <c>struct exec_event</c> (generated from the object's BTF), plus the decoding the sample
    /// needs: the raw tracepoint arguments as the generated <see cref="SchedProcessExecArgs"/>,
    /// and the file name as a string.
    /// </summary>
    public partial struct ExecEvent
    {
        /// <summary><c>args</c> (u64 args[3]) seen as the tracepoint's typed arguments.</summary>
        public readonly SchedProcessExecArgs Arguments => Unsafe.As<InlineArray3<ulong>, SchedProcessExecArgs>(ref Unsafe.AsRef(in args));

        /// <summary><c>filename</c> up to its NUL, as UTF-8.</summary>
        public readonly string Filename
        {
            get
            {
                ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes((ReadOnlySpan<sbyte>)filename);
                int end = bytes.IndexOf((byte)0);
                return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
            }
        }
    }
}
