using System.Globalization;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// bpf/ksym_typeless.bpf.o declares `extern const void NAME __ksym;`: the program sees NAME's
/// address from /proc/kallsyms (read here by the test), and a weak one the kernel lacks as 0.
/// libbpf (bpftool) loads the same object.
/// </summary>
public class TypelessKsymTests
{
    [KernelFact(Tools = Oracle.Bpftool)]
    public void A_typeless_ksym_is_its_kallsyms_address_and_a_missing_weak_one_is_zero()
    {
        string path = BpfObjects.PathOf("ksym_typeless");
        ulong expected = File.ReadLines("/proc/kallsyms").Select(l => l.Split(' '))
            .Where(f => f.Length >= 3 && f[2] == "bpf_link_inc_not_zero")
            .Select(f => ulong.Parse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)).First();
        Assert.NotEqual(0UL, expected);

        var spec = BpfObjectSpec.Read(path);
        spec.Variables["target_tgid"].Set((uint)Environment.ProcessId);
        using var obj = spec.Load();
        using (obj.Programs["read_addresses"].Attach())
            _ = File.Exists("/proc/self/status");
        Assert.Equal(expected, obj.Variables["link_inc"].Get<ulong>());
        Assert.Equal(0UL, obj.Variables["missing"].Get<ulong>());

        using var bpftool = BpftoolLoad.LoadAll(path);
        Assert.True(File.Exists(bpftool.Program("read_addresses")));
    }
}
