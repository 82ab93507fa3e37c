using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// One object per attach kind. Each program counts this process's events into the BTF-defined
/// array `counts` (slot 0 for entry, 1 for return); the test triggers it, reads the map, detaches,
/// and shows that the count stops moving and no descriptor is left open.
/// </summary>
public class AttachKindTests
{
    [KernelTheory(Attach = [AttachKind.TracepointBtf, AttachKind.Tracepoint])]
    [InlineData("tp_btf_counter", "count_btf_sys_enter", 0)]
    [InlineData("tracepoint_counter", "count_openat", 0)]
    public void Program_counts_while_attached_and_stops_after_dispose(string objectName, string programName, uint slot)
        => CountsWhileAttached(objectName, programName, slot);

    [KernelTheory(Attach = [AttachKind.Kprobe, AttachKind.Kretprobe])]
    [InlineData("count_openat2_entry", 0)]
    [InlineData("count_openat2_return", 1)]
    public void Kprobe_counts_while_attached_and_stops_after_dispose(string programName, uint slot)
        => CountsWhileAttached("kprobe_counter", programName, slot);

    [KernelTheory(Attach = [AttachKind.Fentry, AttachKind.Fexit])]
    [InlineData("count_openat2_fentry", 0)]
    [InlineData("count_openat2_fexit", 1)]
    public void Fentry_and_fexit_count_while_attached_and_stop_after_dispose(string programName, uint slot)
        => CountsWhileAttached("fentry_counter", programName, slot);

    [KernelFact(Attach = [AttachKind.Tracepoint])]
    public void Tracepoint_attached_the_pre_5_15_way_counts_and_stops_on_dispose()
    {
        CountsWhileAttached("tracepoint_counter", "count_openat", 0,
            program => Links.TracepointLink.Attach(program, program.Section.Target, legacy: true));
    }

    private static void CountsWhileAttached(string objectName, string programName, uint slot, Func<BpfProgram, Links.BpfLink>? attach = null)
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var spec = BpfObjectSpec.Read(BpfObjects.PathOf(objectName));
            spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
            using var obj = spec.Load();
            BpfMap counts = obj.Maps["counts"];

            var program = obj.Programs[programName];
            using (attach is null ? program.Attach() : attach(program))
            {
                OpenFiles(20);
                Assert.True(Count(counts, slot) >= 20, $"{programName} counted {Count(counts, slot)} opens, expected at least 20");
            }

            ulong afterDetach = Count(counts, slot);
            OpenFiles(20);
            Assert.Equal(afterDetach, Count(counts, slot));
        });
    }

    /// <summary>Each File.OpenRead is one openat(2), which goes through do_sys_openat2.</summary>
    internal static void OpenFiles(int count)
    {
        for (int i = 0; i < count; i++)
            File.OpenRead("/proc/self/stat").Dispose();
    }

    internal static ulong Count(BpfMap counts, uint slot) => counts.TryLookup(slot, out ulong value) ? value : 0;
}
