using System.Runtime.CompilerServices;

namespace Nectar.Samples.ExecObserver;

public partial class ExecObserverObject
{
    /// <summary>
    /// <c>struct exec_event</c> (generated from the object's BTF), plus the one decoding the
    /// sample adds: the raw tracepoint arguments as the generated <see cref="SchedProcessExecArgs"/>.
    /// </summary>
    public partial struct ExecEvent
    {
        /// <summary><c>args</c> (u64 args[3]) seen as the tracepoint's typed arguments.</summary>
        public readonly SchedProcessExecArgs Arguments => Unsafe.As<InlineArray3<ulong>, SchedProcessExecArgs>(ref Unsafe.AsRef(in args));
    }
}
