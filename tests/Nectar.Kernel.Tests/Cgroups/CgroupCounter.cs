using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Cgroups;

/// <summary>
/// bpf/cgroup_counter.bpf.c loaded to count what this test process does (its tgid, the calling
/// thread, the ports the test chose), so that the other processes of the root cgroup, which run
/// the programs too, do not disturb the counts.
/// </summary>
internal static class CgroupCounter
{
    /// <param name="anyProcess">Count every process of the cgroup the programs attach to (target_tgid 0), not just this one.</param>
    public static BpfObject Load(ushort port = 0, ushort denyPort = 0, ushort redirectFrom = 0, ushort redirectTo = 0, bool anyProcess = false)
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("cgroup_counter"));
        spec.Variables["target_tgid"].Set(anyProcess ? 0u : (uint)Environment.ProcessId);
        spec.Variables["target_tid"].Set(CurrentThread.Id);
        spec.Variables["target_port"].Set(port);
        spec.Variables["deny_port"].Set(denyPort);
        spec.Variables["redirect_from"].Set(redirectFrom);
        spec.Variables["redirect_to"].Set(redirectTo);
        return spec.Load();
    }

    public static ulong Count(this BpfObject obj, string counter) => obj.Variables[counter].Get<ulong>();
}
