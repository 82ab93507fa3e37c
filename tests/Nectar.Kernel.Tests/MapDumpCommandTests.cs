using Nectar.Maps;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar map dump ID`, run as a process, against maps this test creates.</summary>
public class MapDumpCommandTests
{
    [KernelFact]
    public void Prints_every_entry_in_hex()
    {
        using var map = BpfMap.Create(new MapAttributes("dump_test", MapType.Hash, 4, 8, 4));
        map.Update(7u, 0x1122334455667788UL);
        map.Update(9u, 42UL);
        uint id = Nectar.Programs.KernelObjects.Maps().Single(m => m.Name == "dump_test" && m.Type == MapType.Hash).Id;

        var result = NectarCli.Run("map", "dump", id.ToString());

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("key: 07 00 00 00  value: 88 77 66 55 44 33 22 11", result.Output);
        Assert.Contains("key: 09 00 00 00  value: 2a 00 00 00 00 00 00 00", result.Output);
        Assert.Contains("Found 2 element(s).", result.Output);
    }

    [KernelFact]
    public void A_ring_buffer_or_a_missing_id_is_one_line_and_exit_code_1()
    {
        using var ring = BpfMap.Create(new MapAttributes("dump_ring", MapType.RingBuf, 0, 0, 4096));
        uint id = Nectar.Programs.KernelObjects.Maps().Single(m => m.Name == "dump_ring").Id;

        var streaming = NectarCli.Run("map", "dump", id.ToString());
        Assert.Equal(1, streaming.ExitCode);
        Assert.Matches(@"^nectar map dump: map \d+ 'dump_ring' is a RingBuf: [^\n]*nectar trace[^\n]*\n$", streaming.Error);

        var missing = NectarCli.Run("map", "dump", uint.MaxValue.ToString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Equal($"nectar map dump: there is no map with id {uint.MaxValue} (nectar map list shows them).\n", missing.Error);
    }
}
