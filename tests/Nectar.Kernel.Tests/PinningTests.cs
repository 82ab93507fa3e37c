using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class PinningTests
{
    [KernelFact]
    public void Map_pinned_by_name_survives_its_object_and_is_reused_by_the_next_load()
    {
        string directory = $"{Pinning.BpffsRoot}/nectar-test-{Guid.NewGuid():N}";
        var options = new BpfLoadOptions { PinDirectory = directory };
        try
        {
            using (var first = BpfObject.Load(BpfObjects.PathOf("pinned_map"), options))
                first.Maps["shared_totals"].Update(7u, 4242UL);

            Assert.True(File.Exists($"{directory}/shared_totals"));
            using var second = BpfObject.Load(BpfObjects.PathOf("pinned_map"), options);
            Assert.True(second.Maps["shared_totals"].TryLookup(7u, out ulong value));
            Assert.Equal(4242UL, value);
            // Maps that are not pinned are new in each load.
            Assert.False(File.Exists($"{directory}/counts"));
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [KernelFact]
    public void A_reused_pinned_map_of_maps_keeps_the_inner_maps_it_holds()
    {
        string directory = $"{Pinning.BpffsRoot}/nectar-test-{Guid.NewGuid():N}";
        var options = new BpfLoadOptions { PinDirectory = directory };
        try
        {
            using var first = BpfObject.Load(BpfObjects.PathOf("pinned_map_in_map"), options);
            uint firstInner = KernelObjects.Describe(first.Maps["inner_a"].Fd).Id;
            Assert.True(first.Maps["shared_outer"].TryLookup(0u, out uint stored));
            Assert.Equal(firstInner, stored);

            // The second load reuses the pin: its own inner_a is new, the outer map's slot is not overwritten.
            using var second = BpfObject.Load(BpfObjects.PathOf("pinned_map_in_map"), options);
            Assert.NotEqual(firstInner, KernelObjects.Describe(second.Maps["inner_a"].Fd).Id);
            Assert.True(second.Maps["shared_outer"].TryLookup(0u, out stored));
            Assert.Equal(firstInner, stored);
        }
        finally
        {
            if (Directory.Exists(directory))
                Directory.Delete(directory, recursive: true);
        }
    }

    [KernelFact]
    public void Pinned_link_keeps_the_program_attached_until_the_pin_is_removed()
    {
        string path = $"{Pinning.BpffsRoot}/nectar-test-link-{Guid.NewGuid():N}";
        try
        {
            var spec = BpfObjectSpec.Read(BpfObjects.PathOf("tp_btf_counter"));
            spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
            using var obj = spec.Load();
            var counts = obj.Maps["counts"];
            uint programId = obj.Programs["count_btf_sys_enter"].Id;
            using (BpfLink link = obj.Programs["count_btf_sys_enter"].Attach())
                link.Pin(path);

            ulong before = AttachKindTests.Count(counts, 0);
            AttachKindTests.OpenFiles(20);
            Assert.True(AttachKindTests.Count(counts, 0) >= before + 20, "the pinned link stopped counting when its handle closed");

            File.Delete(path);
            // bpffs frees an unlinked inode after an RCU grace period, and the link's release is
            // deferred again after that: so wait (bounded) until the program stops counting,
            // rather than for a fixed time.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                ulong afterUnpin = AttachKindTests.Count(counts, 0);
                AttachKindTests.OpenFiles(20);
                if (AttachKindTests.Count(counts, 0) == afterUnpin)
                    break;
                Assert.True(DateTime.UtcNow < deadline, "the program still ran 30 s after its link's pin was removed");
                Thread.Sleep(50);
            }
            Assert.DoesNotContain(KernelObjects.Links(), l => l.ProgramId == programId);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
