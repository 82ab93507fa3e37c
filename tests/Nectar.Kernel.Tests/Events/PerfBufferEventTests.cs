using System.Buffers.Binary;
using Nectar.Events;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Events;

/// <summary>Real samples from bpf/perf_output.bpf.c: one 8-byte sequence number per getppid().</summary>
public class PerfBufferEventTests
{
    private static BpfObject Load()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("perf_output"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        return spec.Load();
    }

    [KernelTheory]
    [InlineData(200, 8)]     // room for all: every sample arrives, none lost
    [InlineData(5_000, 1)]   // one 4 KiB page per CPU, not consumed meanwhile: most are lost, and counted
    public void Every_sample_is_either_delivered_or_reported_lost(int calls, int pagesPerCpu)
    {
        using var obj = Load();
        using var poller = new EventPoller();
        var sequences = new List<ulong>();
        ulong lostReported = 0;
        var perf = poller.Add(obj.Maps["samples"],
            (cpu, sample) => sequences.Add(BinaryPrimitives.ReadUInt64LittleEndian(sample)),
            (cpu, lost) => lostReported += lost,
            pagesPerCpu);
        // One CPU for the whole run: a CPU's lost samples are reported only ahead of that CPU's
        // next sample, so the flushing call below must run where the losses happened.
        using (new CpuPinning(cpu: 0))
        using (obj.Programs["output_getppid"].Attach())
        {
            Workload.CallGetppid(calls);
            while (poller.Poll(TimeSpan.Zero) > 0) { }
            // The kernel writes its lost-samples record once there is room again, ahead of the
            // next sample: one more call makes it report the losses so far.
            Workload.CallGetppid();
            calls++;
        }
        while (poller.Poll(TimeSpan.Zero) > 0) { }

        Assert.Equal(lostReported, perf.LostSamples);
        Assert.Equal((ulong)calls, (ulong)sequences.Count + lostReported);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.All(sequences, s => Assert.InRange(s, 0UL, (ulong)calls - 1));
        if (pagesPerCpu == 8)
            Assert.Equal(0UL, lostReported);
        else
            Assert.True(lostReported > 0, "a one-page buffer should have lost samples");
    }
}
