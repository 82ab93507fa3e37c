using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// Finds the vmlinux BTF id a tp_btf, fentry, fexit, fmod_ret or lsm program is loaded against: the typedef
/// btf_trace_NAME for a BTF tracepoint, FUNC bpf_lsm_HOOK for an LSM hook, the FUNC itself for the others.
/// </summary>
internal static class AttachTargets
{
    internal static uint Find(ProgramSpec spec)
    {
        var section = spec.Section;
        if (section.Target.Length == 0)
            throw new ArgumentException($"Program '{spec.Name}': section '{section.Name}' must name its target (as in {section.Name}/NAME), which is fixed when the program loads.");
        var vmlinux = VmlinuxBtf.Instance;
        if (section.Kind == AttachKind.Iterator)
            return IteratorTargets.Find(vmlinux, section.Target, spec.Name);
        try
        {
            return section.Kind switch
            {
                AttachKind.TracepointBtf => vmlinux.GetByName("btf_trace_" + section.Target, BtfKind.Typedef).Id,
                // An LSM hook HOOK is the BTF FUNC bpf_lsm_HOOK, the kernel's attach point for it.
                AttachKind.Lsm => vmlinux.GetByName("bpf_lsm_" + section.Target, BtfKind.Func).Id,
                _ => vmlinux.GetByName(section.Target, BtfKind.Func).Id,
            };
        }
        catch (BtfException e)
        {
            string what = section.Kind switch { AttachKind.TracepointBtf => "raw tracepoint", AttachKind.Lsm => "LSM hook", _ => "kernel function" };
            throw new ArgumentException($"Program '{spec.Name}' (section '{section.Name}'): this kernel has no {what} '{section.Target}' in its BTF. {e.Message}", e);
        }
    }
}
