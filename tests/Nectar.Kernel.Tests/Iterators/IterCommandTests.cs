using Nectar.Programs;
using Nectar.Interop;
using Nectar.Maps;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Iterators;

/// <summary>`nectar iter` and `nectar prog load` with iterator and perf_event programs, run as a user runs them.</summary>
public sealed class IterCommandTests
{
    [KernelFact(Attach = [AttachKind.Iterator, AttachKind.PerfEvent], Iterators = ["task"])]
    public void Prog_load_loads_iterator_and_perf_event_programs()
    {
        var iterators = NectarCli.Run("prog", "load", BpfObjects.PathOf("task_iter"));
        Assert.True(iterators.ExitCode == 0, iterators.Output + iterators.Error);
        Assert.Matches(@"ok\s+dump_tasks \(iter/task\): id \d+", iterators.Output);
        Assert.Matches(@"ok\s+dump_task_records \(iter/task\): id \d+", iterators.Output);
        var sampler = NectarCli.Run("prog", "load", BpfObjects.PathOf("cpu_sampler"));
        Assert.True(sampler.ExitCode == 0, sampler.Output + sampler.Error);
        Assert.Matches(@"ok\s+count_samples \(perf_event\): id \d+", sampler.Output);
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["task"])]
    public void Iter_prints_what_the_named_iterator_writes()
    {
        var result = NectarCli.Run("iter", BpfObjects.PathOf("task_iter"), "dump_tasks");
        Assert.True(result.ExitCode == 0, result.Error);
        // The nectar process itself is a task of the walk, with its own pid as tgid and pid.
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', 3)).ToList();
        Assert.True(lines.Count > 10, result.Output);
        Assert.Contains(lines, l => l[0] == l[1] && l[2] == "dotnet");
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["bpf_map_elem"])]
    public void Iter_walks_a_kernel_map_by_id()
    {
        using var map = BpfMap.Create(new MapAttributes("nectar_itertest", MapType.Hash, 4, 8, 16));
        map.Update(7u, 49UL);
        map.Update(9u, 81UL);
        uint id = ObjectInfo.Get<MapInfoPrefix>(map.Fd).Id;
        var result = NectarCli.Run("iter", BpfObjects.PathOf("map_elem_iter"), "dump_numbers", "--map-id", id.ToString());
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["7 49", "9 81"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    /// <summary>The choice is checked before anything loads: no iterator target is needed.</summary>
    [KernelFact]
    public void Iter_names_the_iterators_when_the_choice_is_missing_or_wrong()
    {
        var unnamed = NectarCli.Run("iter", BpfObjects.PathOf("task_iter"));
        Assert.Equal(1, unnamed.ExitCode);
        Assert.Contains("has 2 iterator programs; name one: dump_task_records (iter/task), dump_tasks (iter/task)", unnamed.Error);
        var wrong = NectarCli.Run("iter", BpfObjects.PathOf("task_iter"), "dump_taks");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("no iterator program 'dump_taks'", wrong.Error);
        var none = NectarCli.Run("iter", BpfObjects.PathOf("cpu_sampler"));
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("no iterator program", none.Error);
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["bpf_map_elem"])]
    public void Iter_of_a_map_element_iterator_without_a_map_names_the_option()
    {
        var noMap = NectarCli.Run("iter", BpfObjects.PathOf("map_elem_iter"), "dump_numbers");
        Assert.Equal(2, noMap.ExitCode);
        Assert.Contains("--map-id", noMap.Error);
    }
}
