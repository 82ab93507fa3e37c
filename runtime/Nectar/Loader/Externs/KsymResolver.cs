using Nectar.Btf;
using Nectar.Relocation;

namespace Nectar.Programs;

/// <summary>
/// Finds each __ksym extern in the kernel's BTF by name: a variable as a VAR, a kfunc as a FUNC,
/// and checks that the object declared it with a compatible type (libbpf's rules: same kinds
/// through pointers, arrays and prototypes; any struct stands for any struct). Returns the kernel
/// BTF id of each one found. A weak extern the kernel lacks (or types differently) is left out,
/// and the loader makes its address 0; any other is an error naming it.
/// </summary>
internal static class KsymResolver
{
    internal static Dictionary<string, uint> Resolve(IEnumerable<BpfExtern> externs, Btf.Btf objectBtf, Btf.Btf kernel, string objectName)
    {
        var ids = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var e in externs.Where(e => e.Kind is ExternKind.KernelVariable or ExternKind.KernelFunction))
        {
            var declaration = objectBtf.GetType(e.BtfTypeId);
            bool isFunction = e.Kind == ExternKind.KernelFunction;
            if (!isFunction && IsTypeless(objectBtf, e))
                continue; // its address comes from kallsyms: see Addresses

            var found = kernel.FindByName(e.Name, isFunction ? BtfKind.Func : BtfKind.Var);
            string what = isFunction ? "kfunc" : "kernel variable";
            if (found is not { } target)
            {
                if (e.IsWeak)
                    continue;
                throw new BpfExternException(e.Name, $"{objectName}: {what} '{e.Name}' is not in this kernel's BTF ({KernelSupport.VmlinuxBtfPath}; module BTF is not searched). " +
                    $"Check the name and the kernel version, or declare it __weak and test bpf_ksym_exists({e.Name}) before using it.");
            }
            if (!Compatible(objectBtf, declaration.TypeId, kernel, target.TypeId))
            {
                if (e.IsWeak)
                    continue;
                throw new BpfExternException(e.Name, $"{objectName}: {what} '{e.Name}' is declared as {Describe(objectBtf, declaration.TypeId)}, but the kernel has {Describe(kernel, target.TypeId)} ([{target.Id}]). " +
                    "Declare it as the kernel does (bpftool btf dump file /sys/kernel/btf/vmlinux format c shows it).");
            }
            ids[e.Name] = target.Id;
        }
        return ids;
    }

    /// <summary>A ksym declared void (extern const void NAME __ksym;): libbpf takes its address from /proc/kallsyms, not BTF.</summary>
    internal static bool IsTypeless(Btf.Btf objectBtf, BpfExtern e) =>
        e.Kind == ExternKind.KernelVariable && objectBtf.SkipModifiersAndTypedefs(objectBtf.GetType(e.BtfTypeId).TypeId).IsVoid;

    /// <summary>
    /// The kallsyms addresses of the typeless ksyms, as libbpf reads them. A weak one the kernel
    /// lacks is left out (its address is 0); any other missing one, or addresses hidden from this
    /// process (all 0: kptr_restrict), is an error naming it.
    /// </summary>
    internal static Dictionary<string, ulong> Addresses(IEnumerable<BpfExtern> externs, Btf.Btf objectBtf, string objectName)
    {
        var typeless = externs.Where(e => IsTypeless(objectBtf, e)).ToList();
        var found = Kallsyms.Find(typeless.Select(e => e.Name).ToHashSet(StringComparer.Ordinal));
        foreach (var e in typeless)
        {
            if (!found.TryGetValue(e.Name, out ulong address))
            {
                if (e.IsWeak)
                    continue;
                throw new BpfExternException(e.Name, $"{objectName}: typeless __ksym '{e.Name}' (declared void) is not in {Kallsyms.Path}. " +
                    $"Check the name, or declare it __weak and test bpf_ksym_exists({e.Name}) before using it.");
            }
            if (address == 0)
                throw new BpfExternException(e.Name, $"{objectName}: typeless __ksym '{e.Name}': {Kallsyms.Path} shows its address as 0 to this process " +
                    "(kernel.kptr_restrict hides addresses): run as root, or with CAP_SYSLOG and kptr_restrict at most 1.");
        }
        return found;
    }

    private static bool Compatible(Btf.Btf local, uint localId, Btf.Btf target, uint targetId)
    {
        var l = local.SkipModifiersAndTypedefs(localId);
        var t = target.SkipModifiersAndTypedefs(targetId);
        if (l.IsComposite && t.IsComposite)
            return true;
        try
        {
            return CoreTypeCompatibility.TypesCompatible(local, l.Id, target, t.Id);
        }
        catch (CoreRelocationException)
        {
            return false; // too deep to compare: not provably compatible
        }
    }

    private static string Describe(Btf.Btf btf, uint id)
    {
        var type = btf.SkipModifiersAndTypedefs(id);
        if (type.Kind == BtfKind.FuncProto)
            return $"a function of {type.Params.Count} parameter(s) returning {Describe(btf, type.TypeId)}";
        if (type.Kind == BtfKind.Ptr)
            return $"a pointer to {Describe(btf, type.TypeId)}";
        return type.IsVoid ? "void" : type.IsAnonymous ? $"an anonymous {type.Kind}" : $"{type.Kind} '{type.Name}'";
    }
}
