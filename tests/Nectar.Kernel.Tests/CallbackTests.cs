using System.Text.Json;
using System.Text.RegularExpressions;
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

    [KernelFact]
    public void A_callback_in_a_code_section_of_its_own_is_placed_and_called()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("callback_sections"));
        spec.Variables["target_tid"].Set(CurrentThread.Id);
        spec.Variables["loop_count"].Set(LoopCount);
        using var obj = spec.Load(new BpfLoadOptions { ContinueOnProgramFailure = true });

        using (obj.Programs["loop_elsewhere"].Attach())
            AttachKindTests.OpenFiles(5);
        Assert.Equal(LoopCount * (LoopCount + 1) / 2, obj.Variables["section_sum"].Get<ulong>());

        // A global callback links, but the kernel wants callbacks static (BTF linkage): its refusal
        // is the verifier's, not the loader's.
        var refusal = Assert.IsType<BpfVerifierException>(obj.Failures["loop_global"]);
        Assert.Contains("callback function not static", refusal.Message);
    }

    /// <summary>
    /// bpftool (libbpf) as the oracle: it loads the same object, and the kernel's translated
    /// program is the same functions with the same instructions, whichever loader placed them.
    /// </summary>
    [KernelFact(Tools = Oracle.Bpftool)]
    public void Callback_programs_translate_as_they_do_when_bpftool_loads_them()
    {
        string path = BpfObjects.PathOf("callbacks");
        using var obj = BpfObjectSpec.Read(path).Load();
        using var load = BpftoolLoad.LoadAll(path);
        foreach (string name in new[] { "run_callbacks", "sum_squares" })
        {
            var nectar = Functions(Bpftool.Run("-j", "prog", "dump", "xlated", "id", obj.Programs[name].Id.ToString()));
            var libbpf = Functions(Bpftool.Run("-j", "prog", "dump", "xlated", "pinned", load.Program(name)));
            Assert.Equal(libbpf.Values.Sum(f => f.Count), nectar.Values.Sum(f => f.Count));
            Assert.Equal(libbpf.Keys.Order(), nectar.Keys.Order());
            foreach (var (function, instructions) in libbpf)
                Assert.Equal(instructions, nectar[function]);
        }
    }

    /// <summary>
    /// A translated program's instructions by function (bpftool's "proto" marks where each starts),
    /// with what differs between two loads of one object blanked: map ids, and relative offsets and
    /// tags of calls and callbacks (the loaders may order subprograms differently).
    /// </summary>
    private static Dictionary<string, List<string>> Functions(string json)
    {
        var functions = new Dictionary<string, List<string>>();
        List<string>? current = null;
        using var document = JsonDocument.Parse(json);
        foreach (var instruction in document.RootElement.EnumerateArray())
        {
            if (instruction.TryGetProperty("proto", out var proto))
                functions[proto.GetString()!] = current = [];
            string text = instruction.GetProperty("disasm").GetString()!;
            text = Regex.Replace(text, @"map\[id:\d+\]", "map[id]");
            text = Regex.Replace(text, @"subprog\[[+-]\d+\]", "subprog[]");
            text = Regex.Replace(text, @"call pc[+-]\d+#\S+", "call pc");
            Assert.NotNull(current);
            current.Add(text);
        }
        return functions;
    }
}
