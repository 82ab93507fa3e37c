namespace Nectar.Programs;

/// <summary>
/// Resolves an object's externs against the running kernel before anything is created: fills
/// the .kconfig map's initial value and finds each __ksym's vmlinux BTF id. Throws
/// <see cref="BpfExternException"/> for a non-weak extern the kernel cannot fill.
/// </summary>
internal static class ExternResolution
{
    /// <returns>The patcher for the object's programs, or null when the object has no externs.</returns>
    internal static ExternPatcher? Resolve(BpfObjectSpec spec, KernelFacts kernel, Func<Btf.Btf> kernelBtf)
    {
        if (spec.Externs.Count == 0)
            return null;
        if (spec.Maps.TryGetValue(ExternReader.KconfigSection, out var kconfig) && kconfig.InitialValue is { } value)
            KconfigValues.Build(spec.Externs, kernel).CopyTo(value, 0);
        var ids = spec.Externs.Any(e => e.Kind != ExternKind.Kconfig)
            ? KsymResolver.Resolve(spec.Externs, spec.Btf!, kernelBtf(), spec.Name)
            : [];
        var addresses = spec.Externs.Any(e => e.Kind == ExternKind.KernelVariable)
            ? KsymResolver.Addresses(spec.Externs, spec.Btf!, spec.Name)
            : [];
        return new ExternPatcher(spec.Elf, spec.Name, spec.Externs, ids, addresses);
    }
}
