using Nectar.Programs;
using System.Diagnostics;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>
/// A program on a child cgroup sees only the processes in it: a spawned bash, moved into a cgroup of
/// the test's own, connects (bash's /dev/tcp, from its own process) and is counted; this process,
/// in the root cgroup, connects to the same port and is not. The cgroup is removed in finally.
/// </summary>
public class ChildCgroupTests
{
    private const int ChildConnects = 7;
    private const int OwnConnects = 5;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(20);

    [KernelFact(Attach = [AttachKind.Cgroup])]
    public void A_program_on_a_child_cgroup_counts_the_connects_of_the_process_moved_into_it_and_not_ours()
    {
        using var tcp = new LoopbackTcp();
        using var cgroup = new TestCgroup();
        using var obj = CgroupCounter.Load(port: tcp.Port, anyProcess: true);
        using var child = Process.Start(new ProcessStartInfo("bash")
        {
            ArgumentList =
            {
                "-c",
                $"read go; for i in $(seq {ChildConnects}); do exec 3<>/dev/tcp/127.0.0.1/{tcp.Port} || exit 1; exec 3>&-; done",
            },
            RedirectStandardInput = true,
            UseShellExecute = false,
        })!;
        try
        {
            File.WriteAllText(Path.Join(cgroup.Path, "cgroup.procs"), child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal([child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], File.ReadAllLines(Path.Join(cgroup.Path, "cgroup.procs")));

            using (obj.Programs["count_connect4"].AttachCgroup(cgroup.Path))
            {
                for (int i = 0; i < OwnConnects; i++)
                    tcp.Connect();
                child.StandardInput.WriteLine("go");
                child.StandardInput.Flush();
                Assert.True(child.WaitForExit(ExitWait), "the child did not finish its connects");
                Assert.Equal(0, child.ExitCode);
                Assert.Equal((ulong)ChildConnects, obj.Count("connects"));
            }
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
                child.WaitForExit();
            }
        }
    }
}
