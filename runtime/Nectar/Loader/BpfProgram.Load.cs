using System.Runtime.InteropServices;
using Nectar.Interop;

namespace Nectar.Programs;

/// <summary>
/// Loading one program of an object (the last step of BpfObject.Load): BPF_PROG_LOAD of the patched
/// instructions, and on rejection the verifier log, grown until it fits, turned into a
/// <see cref="BpfVerifierException"/> naming the failing instruction's source line and relocation.
/// </summary>
public sealed partial class BpfProgram
{
    private const uint FirstLogSize = 1 << 16;
    private const uint MaxLogSize = 1 << 28;

    /// <summary>BPF_PROG_LOAD; on rejection, loads again with a verifier log (grown until it fits) to explain why.</summary>
    internal static BpfProgram Load(ProgramLoadRequest request)
    {
        var spec = request.Spec;
        int fd = TryLoad(request, logLevel: 0, log: [], out int errno);
        if (fd >= 0)
            return new BpfProgram(spec, new BpfFileDescriptor(fd), request.AttachBtfId);
        if (errno is Errno.EPERM)
            throw RefusedException(spec, errno);

        for (uint size = FirstLogSize; ; size *= 4)
        {
            var log = new byte[size];
            fd = TryLoad(request, logLevel: 1, log, out errno);
            if (fd >= 0)
                return new BpfProgram(spec, new BpfFileDescriptor(fd), request.AttachBtfId);
            if (errno == Errno.ENOSPC && size < MaxLogSize)
                continue;
            string text = CString.Decode(log);
            if (text.Length == 0)
                throw Bpf.ToException($"Loading program '{spec.Name}' (section '{spec.Section.Name}')", errno);
            int? failing = VerifierLog.FailingInstruction(text);
            string? source = failing is { } i ? request.SourceLineOf?.Invoke(i) : null;
            string? relocation = failing is { } at && request.Poisoned?.TryGetValue(at, out var why) == true ? why : null;
            throw new BpfVerifierException(spec.Name, spec.Section.Name, errno, text, failing, source, relocation);
        }
    }

    /// <summary>
    /// EPERM from a root process is not a missing capability: the kernel's configuration or an LSM
    /// (lockdown, SELinux, BPF LSM) forbids this kind of program, so say that instead.
    /// </summary>
    private static BpfException RefusedException(ProgramSpec spec, int errno) => Libc.GetEffectiveUserId() == 0
        ? new BpfException($"Loading program '{spec.Name}' (section '{spec.Section.Name}') was refused (EPERM) although this process is root: " +
            $"this kernel's configuration or a security module (lockdown, SELinux, BPF LSM) forbids {KernelNames.ProgramType((uint)spec.Section.Type)} programs " +
            $"of this kind here (nectar check; bpftool shows the same).", errno)
        : Bpf.ToException($"Loading program '{spec.Name}'", errno);

    private static int TryLoad(ProgramLoadRequest request, uint logLevel, byte[] log, out int errno)
    {
        var spec = request.Spec;
        var program = new ProgLoadArguments
        {
            Name = spec.Name,
            Type = (uint)spec.Section.Type,
            Instructions = MemoryMarshal.AsBytes(request.Instructions.AsSpan()),
            License = spec.License,
            KernelVersion = request.KernelVersion,
            Flags = spec.Section.LoadFlags,
            ExpectedAttachType = (uint)spec.Section.ExpectedAttachType,
            AttachBtfId = request.AttachBtfId,
            BtfFd = request.BtfFd,
            FuncInfo = request.FuncInfo,
            FuncInfoCount = request.FuncInfoCount,
            LineInfo = request.LineInfo,
            LineInfoCount = request.LineInfoCount,
        };
        return Bpf.TryProgLoad(program, logLevel, log, out errno);
    }
}
