using System.Text.RegularExpressions;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// The kernel feature probes (KernelFeatures, `nectar check`) against the running kernel: they
/// agree with bpftool's own probes, and with what the loader meets when it loads a real object.
/// </summary>
public sealed partial class KernelFeatureTests
{
    /// <summary>
    /// `bpftool feature probe kernel` is the oracle: every program type and map type both list is
    /// available to both or to neither. (Nectar names why a type is refused; bpftool only says NOT.)
    /// </summary>
    [KernelFact(Tools = Oracle.Bpftool)]
    public void Program_and_map_types_are_available_where_bpftool_feature_probe_says_they_are()
    {
        var oracle = Table(Bpftool.Run("feature", "probe", "kernel"), BpftoolLine());
        var check = NectarCli.Run("check");
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        var ours = Table(check.Output, CheckLine());

        Assert.True(oracle.Count(e => e.Key.StartsWith("program_type ", StringComparison.Ordinal)) >= 25, "bpftool listed too few program types");
        Assert.True(oracle.Count(e => e.Key.StartsWith("map_type ", StringComparison.Ordinal)) >= 25, "bpftool listed too few map types");
        var compared = oracle.Keys.Where(ours.ContainsKey).ToList();
        Assert.True(compared.Count >= 50, $"only {compared.Count} of bpftool's types are in nectar check's table");
        var disagreements = compared.Where(key => ours[key] != oracle[key])
            .Select(key => $"{key}: bpftool says {(oracle[key] ? "available" : "NOT available")}, nectar check says {(ours[key] ? "available" : "NOT available")}");
        Assert.Empty(disagreements);
    }

    [KernelFact]
    public void Nectar_check_prints_the_table_the_library_probes_line_by_line()
    {
        var check = NectarCli.Run("check");
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        // The table follows the usability line and the privilege report; it starts with the program types.
        var printed = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SkipWhile(line => !line.StartsWith("program_type ", StringComparison.Ordinal)).ToList();
        Assert.Equal(KernelFeatures.All.Select(feature => feature.ToString()).ToList(), printed);
        Assert.Contains("program_type socket_filter is available", printed);
        Assert.Contains(printed, line => line.StartsWith("attach_kind iter ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Where the probe says an iterator target is refused, the loader meets the same refusal for a
    /// real program of it; where the probe says available, the real program loads (task_iter.bpf.o
    /// has the iter/task programs, map_elem_iter.bpf.o the iter/bpf_map_elem one).
    /// </summary>
    [KernelTheory]
    [InlineData("task_iter", "dump_tasks", "task")]
    [InlineData("map_elem_iter", "dump_numbers", "bpf_map_elem")]
    public void The_iterator_probes_agree_with_loading_a_real_iterator_object(string objectName, string program, string target)
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf(objectName)).Load(new BpfLoadOptions { ContinueOnProgramFailure = true });
        var feature = KernelFeatures.OfIterator(target);
        bool loaded = obj.Programs.ContainsKey(program);
        Assert.True(feature.IsAvailable == loaded,
            $"the probe says iter/{target} is {feature}, but loading {program} {(loaded ? "succeeded" : "failed: " + obj.Failures[program].Message)}");
    }

    /// <summary>
    /// The uprobe.multi probe creates a real uprobe_multi link (on a path the kernel then refuses),
    /// so it agrees with attaching bpf/uprobe_multi.bpf.o on libc: both work, or both are refused
    /// (Linux 6.1 has no uprobe_multi link; its uprobe PMU alone said nothing about that).
    /// </summary>
    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void The_uprobe_multi_probe_agrees_with_attaching_a_real_uprobe_multi_program()
    {
        var feature = KernelFeatures.Of(AttachKind.UprobeMulti);
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("uprobe_multi")).Load(new BpfLoadOptions { ContinueOnProgramFailure = true });
        string? attachError = obj.Failures.TryGetValue("count_entries", out var loadError) ? loadError.Message : null;
        if (attachError is null)
        {
            try
            {
                obj.Programs["count_entries"].Attach().Dispose();
            }
            catch (BpfException e)
            {
                attachError = e.Message;
            }
        }
        Assert.True(feature.IsAvailable == (attachError is null),
            $"the probe says uprobe.multi is {feature}, but attaching count_entries {(attachError is null ? "succeeded" : "failed: " + attachError)}");
    }

    [KernelFact]
    public void Probes_are_cached_per_process()
    {
        Assert.Same(KernelFeatures.Of(AttachKind.Fentry), KernelFeatures.Of(AttachKind.Fentry));
        Assert.Same(KernelFeatures.Of(Maps.MapType.RingBuf), KernelFeatures.Of(Maps.MapType.RingBuf));
    }

    private static Dictionary<string, bool> Table(string output, Regex line) =>
        line.Matches(output).ToDictionary(m => $"{m.Groups[1].Value} {m.Groups[2].Value}", m => m.Groups[3].Length == 0);

    [GeneratedRegex(@"^eBPF (program_type|map_type) (\S+) is (NOT )?available$", RegexOptions.Multiline)]
    private static partial Regex BpftoolLine();

    [GeneratedRegex(@"^(program_type|map_type) (\S+) is (NOT )?available", RegexOptions.Multiline)]
    private static partial Regex CheckLine();
}
