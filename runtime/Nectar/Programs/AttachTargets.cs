namespace Nectar.Programs;

/// <summary>Finds the vmlinux BTF id a tp_btf, fentry or fexit program is loaded against.</summary>
internal static class AttachTargets
{
    internal static uint Find(ProgramSpec spec) =>
        throw new NotSupportedException($"Program '{spec.Name}' ({spec.Section.Name}) needs vmlinux BTF, which Nectar cannot read yet.");
}
