using System.Globalization;
using System.Text.RegularExpressions;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar bench btf`, run as a process: it times the path Btf.Load takes (never checked against time).</summary>
public class BenchBtfCommandTests
{
    private const string Figures = @": median (?<median>[\d.]+) ms, min (?<min>[\d.]+) ms over 20 runs after warm-up";

    [Btf.KernelBtfMappableFact]
    public void Times_the_mapped_kernel_btf_and_the_read_path_beside_it()
    {
        var result = NectarCli.Run("bench", "btf", "--runs", "20");
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        AssertFigures(result.Output, "parse /sys/kernel/btf/vmlinux + find task_struct, read in place (mapped from the kernel)");
        AssertFigures(result.Output, "read /sys/kernel/btf/vmlinux with read() + parse + find task_struct");
        AssertFigures(result.Output, "parse /sys/kernel/btf/vmlinux + build the name index + find task_struct");
    }

    [KernelFact]
    public void A_missing_file_is_an_input_error_that_names_it()
    {
        var result = NectarCli.Run("bench", "btf", "/nonexistent/vmlinux");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("/nonexistent/vmlinux", result.Error);
    }

    private static void AssertFigures(string output, string what)
    {
        var match = Regex.Match(output, Regex.Escape(what) + Figures);
        Assert.True(match.Success, $"no figures for '{what}' in:\n{output}");
        double median = double.Parse(match.Groups["median"].Value, CultureInfo.InvariantCulture);
        double min = double.Parse(match.Groups["min"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(min, double.Epsilon, median);
    }
}
