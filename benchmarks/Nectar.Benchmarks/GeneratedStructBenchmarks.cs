using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace Nectar.Benchmarks;

/// <summary>The skeleton of bpf/skeleton_demo.bpf.o: its struct event is generated from the object's BTF.</summary>
[BpfObject("../../bpf/skeleton_demo.bpf.o")]
[RingBufferEvent("events", "event")]
public partial class SkeletonDemoObject;

/// <summary>
/// Reading a record through the generated struct, in place: plain fields, a bitfield property and
/// the UTF-8 text of a char array (the one read that allocates, a string).
/// </summary>
[MemoryDiagnoser]
public class GeneratedStructBenchmarks
{
    private readonly byte[] _record = new byte[Marshal.SizeOf<SkeletonDemoObject.Event>()];

    [GlobalSetup]
    public void Setup()
    {
        ref var e = ref MemoryMarshal.AsRef<SkeletonDemoObject.Event>(_record.AsSpan());
        e.Pid = 4242;
        e.Hits = 7;
        "nectar-bench"u8.CopyTo(e.Comm);
    }

    [Benchmark]
    public ulong ReadFields()
    {
        ref readonly var e = ref MemoryMarshal.AsRef<SkeletonDemoObject.Event>(_record);
        return e.Pid + e.Hits + (ulong)e.SyscallNr;
    }

    [Benchmark]
    public int ReadBitfields()
    {
        ref readonly var e = ref MemoryMarshal.AsRef<SkeletonDemoObject.Event>(_record);
        return e.Flags + e.Kind;
    }

    [Benchmark]
    public string ReadCommText() => MemoryMarshal.AsRef<SkeletonDemoObject.Event>(_record).CommText;
}
