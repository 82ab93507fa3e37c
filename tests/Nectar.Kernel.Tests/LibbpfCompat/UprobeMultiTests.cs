using System.Runtime.InteropServices;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// uprobe.multi/libc.so.6:getp?id (bpf/uprobe_multi.bpf.o): one BPF link on every libc function the
/// glob matches; this process's calls to getppid and getpgid are counted, and the returns of getppid.
/// </summary>
public partial class UprobeMultiTests
{
    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();

    [LibraryImport("libc", EntryPoint = "getpgid")]
    private static partial int GetProcessGroup(int pid);

    [KernelFact(Attach = [AttachKind.UprobeMulti])]
    public void A_uprobe_multi_link_counts_every_function_its_glob_matches()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("uprobe_multi"));
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        using var obj = spec.Load();
        using (obj.Programs["count_entries"].Attach())
        using (obj.Programs["count_returns"].Attach())
        {
            for (int i = 0; i < 5; i++)
            {
                _ = GetParentPid();
                _ = GetProcessGroup(0);
            }
        }
        Assert.True(obj.Variables["entries"].Get<ulong>() >= 10, $"entries: {obj.Variables["entries"].Get<ulong>()}");
        Assert.True(obj.Variables["returns"].Get<ulong>() >= 5, $"returns: {obj.Variables["returns"].Get<ulong>()}");
    }

    [KernelFact(Attach = [AttachKind.UprobeMulti])]
    public void A_glob_matching_nothing_is_an_error_naming_it()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("uprobe_multi"));
        var error = Assert.Throws<Nectar.Links.UprobeTargetException>(() => obj.Programs["count_entries"].Attach("libc.so.6:nectar_no_such_*"));
        Assert.Contains("nectar_no_such_*", error.Message);
    }
}
