using Nectar.Kernel;


namespace Nectar.Samples.ExecObserver;

public partial class ExecObserverObject
{
    /// <summary>
    /// <c>struct exec_event</c> (generated from the object's BTF), plus the decoding the sample
    /// adds: the raw tracepoint arguments as the generated <see cref="SchedProcessExecArgs"/>, and
    /// the kernel's linux_binprm snapshot as the generated <see cref="LinuxBinprm"/>.
    /// </summary>
    public partial struct ExecEvent
    {
        /// <summary><c>args</c> (u64 args[3]) seen as the tracepoint's typed arguments.</summary>
        public readonly SchedProcessExecArgs Arguments => SchedProcessExecArgs.FromArgs(Args);

        /// <summary>
        /// The kernel's <c>struct linux_binprm</c> of this exec (<c>bprm</c>, in the running kernel's
        /// layout) decoded with the <see cref="LinuxBinprm"/> generated at build time: member by
        /// member where the running kernel lays it out differently. Null when the program could not
        /// read it.
        /// </summary>
        public readonly LinuxBinprm? Binprm
        {
            get
            {
                if (BprmSize == 0)
                    return null;
                ReadOnlySpan<byte> snapshot = Bprm;
                return KernelStruct<LinuxBinprm>.Read(snapshot[..(int)Math.Min(BprmSize, (uint)snapshot.Length)]);
            }
        }
    }
}
