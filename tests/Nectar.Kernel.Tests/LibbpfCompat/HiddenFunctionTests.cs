using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// bpf/hidden_functions.bpf.o has a __hidden global subprogram that the verifier accepts only in
/// its caller's context. It loads in Nectar as with libbpf, and the BTF each gave the kernel has
/// the same linkage for it (static).
/// </summary>
public partial class HiddenFunctionTests
{
    [KernelFact(Tools = Oracle.Bpftool)]
    public void A_hidden_global_subprogram_loads_with_static_linkage_as_libbpf_gives_it()
    {
        string path = BpfObjects.PathOf("hidden_functions");
        using var obj = BpfObject.Load(path);
        string ours = Linkage(obj.Programs["call_hidden"].Id);
        Assert.Equal("static", ours);

        using var bpftool = BpftoolLoad.LoadAll(path);
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "prog", "show", "pinned", bpftool.Program("call_hidden")));
        Assert.Equal(Linkage(shown.RootElement.GetProperty("id").GetUInt32()), ours);
    }

    private static string Linkage(uint programId)
    {
        using var shown = JsonDocument.Parse(Bpftool.Run("-j", "prog", "show", "id", programId.ToString(CultureInfo.InvariantCulture)));
        string btf = shown.RootElement.GetProperty("btf_id").GetUInt32().ToString(CultureInfo.InvariantCulture);
        var match = FuncLine().Match(Bpftool.Run("btf", "dump", "id", btf));
        Assert.True(match.Success, "the loaded BTF has a FUNC 'read_through'");
        return match.Groups["linkage"].Value;
    }

    [GeneratedRegex(@"FUNC 'read_through' type_id=\d+ linkage=(?<linkage>\w+)")]
    private static partial Regex FuncLine();
}
