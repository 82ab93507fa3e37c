using Nectar.Btf;
using Nectar.Interop;
using Nectar.Programs;

namespace Nectar.Features;

/// <summary>The system calls of the probes: one load or create each, closed at once; the result is what the kernel said.</summary>
internal static unsafe class ProbeCalls
{
    private const int LogSize = 1 << 16;

    /// <summary>What one probe call got: success, or the errno and the verifier's log.</summary>
    internal readonly record struct Result(bool Succeeded, int Errno, string Log);

    /// <summary>BPF_PROG_LOAD of "r0 = 0; exit" as <paramref name="probe"/> describes; the program is closed at once.</summary>
    internal static Result LoadProgram(ProgramProbe probe)
    {
        using var fd = TryLoadProgram(probe, out var result);
        return result;
    }

    /// <summary>Like <see cref="LoadProgram"/>, but hands back the loaded program (null when refused) for a probe that goes on to attach it.</summary>
    internal static BpfFileDescriptor? TryLoadProgram(ProgramProbe probe, out Result result)
    {
        BpfInstruction[] instructions = [new() { Opcode = 0xb7 }, new() { Opcode = 0x95 }];   // r0 = 0; exit
        byte[] license = CString.Encode("GPL");
        var log = new byte[LogSize];
        fixed (BpfInstruction* code = instructions)
        fixed (byte* licensePointer = license)
        fixed (byte* logPointer = log)
        {
            var attr = new ProgLoadAttr
            {
                ProgType = (uint)probe.Type,
                InstructionCount = (uint)instructions.Length,
                Instructions = (ulong)code,
                License = (ulong)licensePointer,
                LogLevel = 1,
                LogSize = LogSize,
                LogBuffer = (ulong)logPointer,
                ProgFlags = probe.Flags,
                ExpectedAttachType = probe.ExpectedAttachType,
                AttachBtfId = probe.AttachBtfId,
            };
            BpfName.Write(attr.ProgName, "nectar_probe");
            int fd = Bpf.TryCall(BpfCommand.ProgLoad, ref attr, out int errno);
            result = new Result(fd >= 0, errno, fd >= 0 ? "" : CString.Decode(log));
            return fd >= 0 ? new BpfFileDescriptor(fd) : null;
        }
    }

    /// <summary>BPF_MAP_CREATE as <paramref name="probe"/> describes (with its BTF or inner map); the map is closed at once.</summary>
    internal static Result CreateMap(MapProbe probe)
    {
        using var btf = probe.NeedsBtf ? LoadIntBtf() : null;
        using var inner = probe.NeedsInnerMap ? CreateInnerArray() : null;
        var attr = new MapCreateAttr
        {
            MapType = (uint)probe.Type,
            KeySize = probe.KeySize,
            ValueSize = probe.ValueSize,
            MaxEntries = probe.MaxEntries,
            MapFlags = probe.Flags,
            InnerMapFd = inner is null ? 0u : (uint)inner.Value,
            BtfFd = btf is null ? 0u : (uint)btf.Value,
            BtfKeyTypeId = btf is null ? 0u : 1,
            BtfValueTypeId = btf is null ? 0u : 1,
            BtfVmlinuxValueTypeId = probe.VmlinuxValueTypeId,
        };
        BpfName.Write(attr.MapName, "nectar_probe");
        int fd = Bpf.TryCall(BpfCommand.MapCreate, ref attr, out int errno);
        if (fd >= 0)
            Libc.Close(fd);
        return new Result(fd >= 0, errno, "");
    }

    /// <summary>BPF_LINK_CREATE of <paramref name="program"/> on a target that cannot exist (ifindex or fd ~0), to learn whether the kernel knows the attach type.</summary>
    internal static Result CreateLinkOnNothing(BpfFileDescriptor program, AttachType attachType)
    {
        var attr = new LinkCreateAttr { ProgFd = (uint)program.Value, TargetFd = uint.MaxValue, AttachType = (uint)attachType };
        int fd = Bpf.TryCall(BpfCommand.LinkCreate, ref attr, out int errno);
        if (fd >= 0)
            Libc.Close(fd);
        return new Result(fd >= 0, errno, "");
    }

    /// <summary>An iterator link of <paramref name="program"/> (no map, no process), one BPF_ITER_CREATE, and one read() of it.</summary>
    internal static (Result Result, string Step) RunIterator(BpfFileDescriptor program)
    {
        var link = new LinkCreateAttr { ProgFd = (uint)program.Value, AttachType = (uint)AttachType.TraceIter };
        int linkFd = Bpf.TryCall(BpfCommand.LinkCreate, ref link, out int errno);
        if (linkFd < 0)
            return (new Result(false, errno, ""), "creating its iterator link");
        using var linkHandle = new BpfFileDescriptor(linkFd);
        var create = new IterCreateAttr { LinkFd = (uint)linkFd };
        int iterFd = Bpf.TryCall(BpfCommand.IterCreate, ref create, out errno);
        if (iterFd < 0)
            return (new Result(false, errno, ""), "starting it (BPF_ITER_CREATE)");
        using var iterator = new BpfFileDescriptor(iterFd);
        try
        {
            IteratorFile.ReadSome(iterator, new byte[4096], "reading the iterator");
            return (new Result(true, 0, ""), "");
        }
        catch (BpfException e)
        {
            return (new Result(false, e.ErrorNumber, ""), "reading it");
        }
    }

    private static BpfFileDescriptor? LoadIntBtf()
    {
        var builder = new BtfBuilder();
        builder.AddInt("int", 4, BtfIntEncoding.Signed);
        try
        {
            return BtfHandle.Load(builder.ToArray());
        }
        catch (BpfException)
        {
            return null;   // the map create that follows fails and says why
        }
    }

    private static BpfFileDescriptor? CreateInnerArray()
    {
        var attr = new MapCreateAttr { MapType = (uint)Maps.MapType.Array, KeySize = 4, ValueSize = 4, MaxEntries = 1 };
        int fd = Bpf.TryCall(BpfCommand.MapCreate, ref attr, out _);
        return fd >= 0 ? new BpfFileDescriptor(fd) : null;
    }
}
