using System.Diagnostics;
using System.Runtime.InteropServices;
using Nectar.Events;
using Nectar.Kernel;
using Nectar.Programs;
using Nectar.Testing;
using Xunit.Abstractions;

namespace Nectar.Kernel.Tests.Layouts;

/// <summary>
/// bpf/bprm_snapshot.bpf.c copies the running kernel's struct linux_binprm (its own size, from
/// bpf_core_type_size) at each exec; the host decodes it with the linux_binprm generated at build time
/// (the ExecObserver sample's, from the build machine's BTF) through KernelStruct&lt;T&gt;, so the same
/// binary reads argc, envc, p and buf right on a kernel whose layout differs (Debian's 6.1 in the VM matrix).
/// </summary>
public class BprmSnapshotTests(ITestOutputHelper output)
{
    private sealed record Snapshot(uint Pid, byte[] Bprm);

    [KernelFact]
    public void An_exec_of_bin_true_with_three_arguments_decodes_argc_envc_p_and_the_elf_header()
    {
        var map = KernelStruct<LinuxBinprm>.Layout;
        output.WriteLine($"linux_binprm: generated {map.GeneratedSize} bytes, running kernel {map.RunningSize}; " +
            (map.Matches ? "layouts match: plain reads" : "layouts differ (" + map.FirstDifference + "): members read from the running kernel's offsets"));

        using BpfObject obj = BpfObjectSpec.Read(BpfObjects.PathOf("bprm_snapshot")).Load();
        using var poller = new EventPoller();
        var snapshots = new List<Snapshot>();
        poller.Add(obj.Maps["snapshots"], record =>
        {
            uint pid = MemoryMarshal.Read<uint>(record);
            uint size = MemoryMarshal.Read<uint>(record.Slice(4));
            snapshots.Add(new Snapshot(pid, record.Slice(8, (int)Math.Min(size, (uint)record.Length - 8)).ToArray()));
        });

        int pid;
        using (obj.Programs["snapshot_bprm"].Attach())
        {
            var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("exec /bin/true a b c");
            start.Environment.Clear();
            start.Environment["NECTAR_A"] = "1";
            start.Environment["NECTAR_B"] = "2";
            using var child = Process.Start(start)!;
            pid = child.Id;
            child.WaitForExit();
            Assert.Equal(0, child.ExitCode);
        }
        var deadline = Stopwatch.StartNew();
        while (snapshots.Count(s => s.Pid == pid) < 2 && deadline.Elapsed < TimeSpan.FromSeconds(10))
            poller.Poll(TimeSpan.FromMilliseconds(100));

        // Two execs in that process: the shell (sh -c '...': argc 3), then /bin/true a b c (argc 4), each with the two variables.
        List<Snapshot> ours = snapshots.Where(s => s.Pid == pid).ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, s => Assert.Equal((int)map.RunningSize, s.Bprm.Length));
        LinuxBinprm shell = KernelStruct<LinuxBinprm>.Read(ours[0].Bprm);
        LinuxBinprm trueExec = KernelStruct<LinuxBinprm>.Read(ours[1].Bprm);
        output.WriteLine($"sh: argc {shell.Argc}, envc {shell.Envc}, p 0x{shell.P:x}; /bin/true: argc {trueExec.Argc}, envc {trueExec.Envc}, p 0x{trueExec.P:x}");
        Assert.Equal(3, shell.Argc);
        Assert.Equal(4, trueExec.Argc);
        Assert.Equal(2, shell.Envc);
        Assert.True(trueExec.Envc >= 2, $"envc {trueExec.Envc}: the shell passes at least the two variables on");
        // p: the top of the new program's argument pages, a user-space address below the 47-bit boundary.
        Assert.InRange(trueExec.P, 1UL, (1UL << 47) - 1);
        Assert.InRange(shell.P, 1UL, (1UL << 47) - 1);
        ReadOnlySpan<byte> header = trueExec.Buf;
        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, header[..4].ToArray());
    }
}
