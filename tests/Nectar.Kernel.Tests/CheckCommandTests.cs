using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>`nectar check` tells what works with the privileges it runs with, and how to grant the rest to one application.</summary>
public class CheckCommandTests
{
    [KernelFact]
    public void As_root_everything_works_and_no_grant_is_suggested()
    {
        var check = NectarCli.Run("check");
        Assert.True(check.ExitCode == 0, check.Output + check.Error);
        Assert.Contains("yes  tracepoint/ (classic tracepoints)", check.Output);
        Assert.DoesNotContain("setcap", check.Output);
    }

    [KernelFact]
    public void With_bpf_and_perfmon_only_classic_tracepoints_are_reported_unusable_with_how_to_grant()
    {
        // A non-root user keeping only CAP_BPF and CAP_PERFMON, as setcap would give a published app.
        var check = Processes.Run("setpriv",
            ["--reuid", "65534", "--regid", "65534", "--clear-groups", "--inh-caps=-all,+bpf,+perfmon", "--ambient-caps=+bpf,+perfmon",
             "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", NectarCli.DotnetHost, Path.Combine(AppContext.BaseDirectory, "Nectar.Tool.dll"), "check"]);
        string text = check.Output + check.Error;
        Assert.Contains("yes  raw_tp, tp_btf", text);
        Assert.Contains("no   tracepoint/ (classic tracepoints)", text);
        Assert.Contains("setcap cap_bpf,cap_perfmon,cap_net_admin+ep", text);
        Assert.Contains("AmbientCapabilities=", text);
        Assert.DoesNotContain("$(which dotnet)", text);
    }
}
