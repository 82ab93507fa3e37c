using Nectar.Interop;
using Nectar.Maps;

namespace Nectar.Events;

/// <summary>
/// A perf event array map (BPF_MAP_TYPE_PERF_EVENT_ARRAY) with a BPF output event and a mapped
/// ring per online CPU, each stored in the map at its CPU's index so that
/// bpf_perf_event_output(ctx, &amp;map, BPF_F_CURRENT_CPU, ...) reaches it. Samples a full ring
/// could not take are reported as lost, never silently dropped. One consumer thread at a time.
/// </summary>
public sealed unsafe class PerfBuffer : IDisposable
{
    /// <summary>A record's size is a u16, so no record is longer than this.</summary>
    private const int LargestRecord = ushort.MaxValue;

    /// <summary>ENODEV: perf_event_open's answer for an offline CPU.</summary>
    private const int NoSuchDevice = 19;

    private readonly List<Cpu> _cpus;

    private sealed class Cpu(int index, BpfFileDescriptor fd, MemoryMapping mapping, PerfReader reader)
    {
        public readonly int Index = index;
        public readonly BpfFileDescriptor Fd = fd;
        public readonly MemoryMapping Mapping = mapping;
        public readonly PerfReader Reader = reader;
    }

    private PerfBuffer(BpfMap map, List<Cpu> cpus)
    {
        Map = map;
        _cpus = cpus;
    }

    public BpfMap Map { get; }

    public string Name => Map.Name;

    /// <summary>The CPUs with a ring (the online ones).</summary>
    public IEnumerable<int> Cpus => _cpus.Select(c => c.Index);

    /// <summary>Samples reported lost since this buffer was opened, over all CPUs.</summary>
    public ulong LostSamples => _lostSamples;

    private ulong _lostSamples;

    /// <summary>Whether any CPU's ring holds records not yet consumed.</summary>
    public bool HasData => _cpus.Exists(c => !c.Mapping.IsClosed && c.Reader.HasData);

    internal IEnumerable<BpfFileDescriptor> Descriptors => _cpus.Select(c => c.Fd);

    /// <summary>
    /// Opens a BPF output event and maps <paramref name="pagesPerCpu"/> data pages (a power of two)
    /// for each online CPU, and stores the events in <paramref name="map"/>.
    /// </summary>
    public static PerfBuffer Open(BpfMap map, int pagesPerCpu = 8)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Type != MapType.PerfEventArray)
            throw new ArgumentException($"Map '{map.Name}' is a {map.Type} map, not a perf event array (BPF_MAP_TYPE_PERF_EVENT_ARRAY).", nameof(map));
        if (pagesPerCpu <= 0 || (pagesPerCpu & (pagesPerCpu - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(pagesPerCpu), pagesPerCpu, "The kernel maps a power-of-two number of data pages per CPU (1, 2, 4, 8, ...).");
        int pageSize = Libc.GetPageSize();
        var scratch = new byte[LargestRecord];
        var cpus = new List<Cpu>();
        try
        {
            int count = Math.Min(PossibleCpus.Count, (int)map.MaxEntries);
            for (int cpu = 0; cpu < count; cpu++)
            {
                BpfFileDescriptor fd;
                try
                {
                    fd = BpfOutputEvent.Open(cpu);
                }
                catch (BpfException e) when (e.ErrorNumber == NoSuchDevice)
                {
                    continue; // An offline CPU runs no BPF program, so needs no ring.
                }
                MemoryMapping mapping;
                try
                {
                    mapping = MemoryMapping.Map(fd, (nuint)((pagesPerCpu + 1) * pageSize), 0, writable: true, $"perf buffer '{map.Name}' (CPU {cpu})");
                }
                catch
                {
                    fd.Dispose();
                    throw;
                }
                cpus.Add(new Cpu(cpu, fd, mapping, new PerfReader(mapping.Address, pageSize, pagesPerCpu, scratch)));
                map.Update((uint)cpu, (uint)fd.Value);
            }
        }
        catch
        {
            foreach (var cpu in cpus)
                Release(cpu);
            throw;
        }
        return new PerfBuffer(map, cpus);
    }

    /// <summary>
    /// Delivers the samples available now on every CPU and reports lost ones. Returns how many
    /// samples were delivered.
    /// </summary>
    public int Consume(PerfSampleHandler onSample, LostSamplesHandler? onLost = null)
    {
        ArgumentNullException.ThrowIfNull(onSample);
        int delivered = 0;
        foreach (var cpu in _cpus)
        {
            ObjectDisposedException.ThrowIf(cpu.Mapping.IsClosed, this);
            if (cpu.Reader.HasData)
                delivered += cpu.Reader.Drain(cpu.Index, onSample, onLost, ref _lostSamples, Name);
        }
        return delivered;
    }

    public void Dispose()
    {
        foreach (var cpu in _cpus)
            Release(cpu);
    }

    private static void Release(Cpu cpu)
    {
        cpu.Mapping.Dispose();
        cpu.Fd.Dispose();
    }
}
