using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>The running kernel's BTF (/sys/kernel/btf/vmlinux), read once per process on first use.</summary>
public static class VmlinuxBtf
{
    private static readonly Lazy<Btf.Btf> s_btf = new(() => Btf.Btf.Load(KernelSupport.VmlinuxBtfPath));

    public static Btf.Btf Instance => s_btf.Value;
}
