using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class SubprogramTests
{
    [KernelFact]
    public void Two_programs_of_one_section_share_static_and_global_subprograms_and_a_legacy_map()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("subprograms"));
        spec.Variables["target_tid"].Set(CurrentThread.Id);
        using var obj = spec.Load();
        var counts = obj.Maps["legacy_counts"];

        using (obj.Programs["add_one"].Attach())
        using (obj.Programs["add_two"].Attach())
            AttachKindTests.OpenFiles(10);

        ulong ones = AttachKindTests.Count(counts, 0);
        ulong twos = AttachKindTests.Count(counts, 1);
        Assert.True(ones >= 10, $"add_one ran {ones} times");
        // add_two calls add_twice, which calls add twice: every run adds exactly 2. Both programs see
        // this thread's syscalls, except the few that attach and detach the second one.
        Assert.Equal(0UL, twos % 2);
        Assert.InRange(twos / 2, ones - 4, ones);
    }
}
