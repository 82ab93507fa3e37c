using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// Programs that pass functions to helpers (bpf_loop, bpf_for_each_map_elem): the loader places
/// each callback in the program and the kernel really calls it. Each value below is wrong if a
/// callback did not run, ran the wrong function, or read a field CO-RE did not relocate.
/// </summary>
public class CallbackTests
{
    private const uint LoopCount = 100;

    [KernelFact]
    public void Bpf_loop_and_for_each_map_elem_call_static_callbacks_placed_by_the_loader()
    {
        KernelRequirement.Ensure();
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var spec = BpfObjectSpec.Read(BpfObjects.PathOf("callbacks"));
            spec.Variables["target_tid"].Set(CurrentThread.Id);
            spec.Variables["loop_count"].Set(LoopCount);
            using var obj = spec.Load();
            BpfMap numbers = obj.Maps["numbers"];
            for (uint key = 0; key < 8; key++)
                numbers.Update(key, (ulong)(key + 1) * 10);

            using (obj.Programs["run_callbacks"].Attach())
            using (obj.Programs["sum_squares"].Attach())
                AttachKindTests.OpenFiles(5);

            Assert.True(obj.Variables["runs"].Get<ulong>() >= 1, "run_callbacks never ran");
            Assert.Equal(LoopCount * (LoopCount + 1) / 2, obj.Variables["index_sum"].Get<ulong>());
            Assert.Equal(LoopCount / 2 * (LoopCount / 2 + 1) / 2, obj.Variables["half_sum"].Get<ulong>());
            Assert.Equal(LoopCount * (LoopCount + 1) * (2 * LoopCount + 1) / 6, obj.Variables["square_sum"].Get<ulong>());
            Assert.Equal((ulong)LoopCount * LoopCount, obj.Variables["last_square"].Get<ulong>());
            Assert.Equal(10UL * (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8), obj.Variables["element_sum"].Get<ulong>());
            // Every run visits the 8 elements of the array.
            Assert.Equal(8 * obj.Variables["runs"].Get<ulong>(), obj.Variables["elements"].Get<ulong>());
            Assert.Equal((ulong)Environment.ProcessId, obj.Variables["callback_tgid"].Get<ulong>());
        });
    }
}
