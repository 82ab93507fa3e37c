using System.Runtime.InteropServices;

namespace Nectar.Interop;

/// <summary>
/// The prefix of struct perf_event_attr (include/uapi/linux/perf_event.h) up to
/// sample_max_stack (PERF_ATTR_SIZE_VER5, 112 bytes): enough for a BPF output event.
/// </summary>
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
    public uint BpType;
    public ulong Config1;
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

/// <summary>perf_event_open(2) for the BPF output events behind a perf event array.</summary>
internal static unsafe class PerfEvent
{
    private const uint TypeSoftware = 1;          // PERF_TYPE_SOFTWARE
    private const ulong CountSwBpfOutput = 10;    // PERF_COUNT_SW_BPF_OUTPUT
    private const ulong SampleRaw = 1 << 10;      // PERF_SAMPLE_RAW
    private const ulong FlagFdCloexec = 8;        // PERF_FLAG_FD_CLOEXEC
    private const ulong IocEnable = 0x2400;       // PERF_EVENT_IOC_ENABLE

    /// <summary>
    /// Opens a BPF output event on <paramref name="cpu"/> that wakes its reader after each sample,
    /// and enables it. bpf_perf_event_output() writes into it once its fd is in the array map.
    /// </summary>
    internal static BpfFileDescriptor OpenBpfOutput(int cpu)
    {
        if (SyscallNumbers.PerfEventOpen < 0)
            throw new PlatformNotSupportedException($"Nectar does not know the perf_event_open syscall number on {RuntimeInformation.ProcessArchitecture}.");
        var attr = new PerfEventAttr
        {
            Type = TypeSoftware,
            Size = (uint)sizeof(PerfEventAttr),
            Config = CountSwBpfOutput,
            SamplePeriod = 1,
            SampleType = SampleRaw,
            WakeupEvents = 1,
        };
        long fd = Libc.Syscall5(SyscallNumbers.PerfEventOpen, &attr, -1, cpu, -1, (long)FlagFdCloexec);
        if (fd < 0)
            throw Bpf.ToException($"Opening a BPF output perf event on CPU {cpu}", Marshal.GetLastPInvokeError());
        var handle = new BpfFileDescriptor((int)fd);
        if (Libc.Ioctl(handle.Value, IocEnable, 0) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            handle.Dispose();
            throw Bpf.ToException($"Enabling the BPF output perf event on CPU {cpu}", errno);
        }
        return handle;
    }
}
