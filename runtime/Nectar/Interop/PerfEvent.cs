using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>struct perf_event_attr up to PERF_ATTR_SIZE_VER5 (112 bytes), the fields Nectar sets.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PerfEventAttr
{
    public uint Type;
    public uint Size;
    public ulong Config;
    public ulong SamplePeriod;
    public ulong SampleType;
    public ulong ReadFormat;
    public ulong Flags;
    public uint WakeupEvents;
    public uint BreakpointType;
    /// <summary>config1: for the kprobe PMU, a pointer to the function name.</summary>
    public ulong Config1;
    /// <summary>config2: for the kprobe PMU, the offset into the function.</summary>
    public ulong Config2;
    public ulong BranchSampleType;
    public ulong SampleRegsUser;
    public uint SampleStackUser;
    public int ClockId;
    public ulong SampleRegsIntr;
    public uint AuxWatermark;
    public ushort SampleMaxStack;
    private ushort _reserved;
}

/// <summary>perf_event_open(2), which tracepoint and kprobe attachment go through.</summary>
internal static unsafe class PerfEvent
{
    internal const uint TypeTracepoint = 2;
    private const long FlagFdCloexec = 8;

    /// <summary>Opens a perf event on <paramref name="cpu"/> (CPU 0 unless said; -1: any) for all processes (pid -1) unless a thread is named, as BPF attachment needs.</summary>
    internal static BpfFileDescriptor Open(ref PerfEventAttr attr, string operation, int cpu = 0, int pid = -1)
    {
        if (SyscallNumbers.PerfEventOpen < 0)
            throw new PlatformNotSupportedException($"Nectar does not know the perf_event_open syscall number on {RuntimeInformation.ProcessArchitecture}.");
        attr.Size = (uint)sizeof(PerfEventAttr);
        long fd;
        fixed (PerfEventAttr* pointer = &attr)
            fd = Libc.Syscall5(SyscallNumbers.PerfEventOpen, pointer, pid, cpu, -1, FlagFdCloexec);
        if (fd < 0)
            throw Bpf.ToException(operation, Marshal.GetLastPInvokeError());
        return new BpfFileDescriptor((int)fd);
    }
}
