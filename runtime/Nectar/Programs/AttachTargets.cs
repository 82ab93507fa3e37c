using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// Finds the vmlinux BTF id a tp_btf, fentry or fexit program is loaded against: the typedef
/// btf_trace_NAME for a BTF tracepoint, the FUNC itself for fentry and fexit.
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
            return section.Kind == AttachKind.TracepointBtf
                ? vmlinux.GetByName("btf_trace_" + section.Target, BtfKind.Typedef).Id
                : vmlinux.GetByName(section.Target, BtfKind.Func).Id;
        }
        catch (BtfException e)
        {
            string what = section.Kind == AttachKind.TracepointBtf ? "raw tracepoint" : "kernel function";
            throw new ArgumentException($"Program '{spec.Name}' (section '{section.Name}'): this kernel has no {what} '{section.Target}' in its BTF. {e.Message}", e);
        }
    }
}
