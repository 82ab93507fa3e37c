using Nectar.Testing;

namespace Nectar.Kernel.Tests.Faults;

/// <summary>
/// Low open-files limits (prlimit in the child): one clear line and exit 1, or a normal run; never
/// the .NET runtime's own abort (exit 134), seen before at limits of 72 and less. Below about 36
/// the runtime itself cannot start, whatever the program.
/// </summary>
public class FileDescriptorLimitTests
{
    [KernelTheory]
    [InlineData(40)]
    [InlineData(48)]
    [InlineData(64)]
    [InlineData(72)]
    [InlineData(80)]
    [InlineData(96)]
    public void The_sample_under_a_low_fd_limit_says_so_in_one_line_and_exits_1(int limit)
    {
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, [], stdoutRedirect: ">/dev/null", prefix: $"prlimit --nofile={limit}:{limit}");

        Assert.Equal(1, sample.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Matches($@"^ExecObserver: the open-files limit is {limit} \(ulimit -n\), too low: [^\n]*Raise it to \d+ or more[^\n]*$", sample.ErrorText);
    }

    [KernelFact]
    public void The_sample_under_the_limit_it_asks_for_runs()
    {
        using var sample = ObservedProcess.Start(ObservedProcess.SamplePath, [], stdoutRedirect: ">/dev/null", prefix: "prlimit --nofile=160:160");
        sample.WaitUntilAttached();
        sample.Signal(ObservedProcess.SigTerm);
        Assert.Equal(0, sample.WaitForExit(TimeSpan.FromSeconds(20)));
    }

    [KernelTheory]
    [InlineData(48)]
    [InlineData(72)]
    public void Trace_under_a_low_fd_limit_says_so_in_one_line_and_exits_1(int limit)
    {
        using var trace = ObservedProcess.Start(ObservedProcess.ToolPath, ["trace", BpfObjects.PathOf("exec_observer"), "--duration", "1"], stdoutRedirect: ">/dev/null", prefix: $"prlimit --nofile={limit}:{limit}");

        Assert.Equal(1, trace.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Matches($@"^nectar( trace)?: the open-files limit is {limit} \(ulimit -n\), too low: [^\n]*$", trace.ErrorText);
    }
}
