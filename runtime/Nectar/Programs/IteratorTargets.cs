using Nectar.Btf;

namespace Nectar.Programs;

/// <summary>
/// The kernel's BPF iterator targets (iter/TARGET sections). The kernel declares each target
/// with a function bpf_iter_TARGET(struct bpf_iter_meta *meta, ...) whose BTF FUNC is what an
/// iterator program is loaded against (attach_btf_id). Other bpf_iter_* functions (the
/// open-coded iterator kfuncs such as bpf_iter_num_new) take no bpf_iter_meta and are not targets.
/// </summary>
public static class IteratorTargets
{
    /// <summary>The prefix of an iterator target's function in the kernel's BTF.</summary>
    public const string FunctionPrefix = "bpf_iter_";

    /// <summary>The BTF id of TARGET's bpf_iter_TARGET function; throws <see cref="UnknownAttachTargetException"/> (with near names) when the BTF has no such target.</summary>
    public static uint Find(Btf.Btf btf, string target, string program = "")
    {
        if (btf.FindByName(FunctionPrefix + target, BtfKind.Func) is { } function && IsIteratorTarget(btf, function))
            return function.Id;
        var known = All(btf);
        var near = BtfSuggestions.Closest(target, known);
        string hint = near.Count > 0
            ? " Did you mean " + string.Join(", ", near.Select(n => $"'iter/{n}'")) + "?"
            : known.Count > 0 ? " Its targets are: " + string.Join(", ", known) + "." : " It has no iterator targets at all.";
        string who = program.Length > 0 ? $"Program '{program}' (section 'iter/{target}'): t" : "T";
        throw new UnknownAttachTargetException(target, near,
            $"{who}his kernel has no BPF iterator target '{target}' (no function {FunctionPrefix}{target}(struct bpf_iter_meta *, ...) in its BTF).{hint}");
    }

    /// <summary>Every iterator target the BTF declares (task, task_file, bpf_map, bpf_map_elem, ksym, ...), sorted.</summary>
    public static IReadOnlyList<string> All(Btf.Btf btf) => btf.Types
        .Where(t => t.Kind == BtfKind.Func && t.Name.StartsWith(FunctionPrefix, StringComparison.Ordinal) && IsIteratorTarget(btf, t))
        .Select(t => t.Name[FunctionPrefix.Length..])
        .Distinct(StringComparer.Ordinal)
        .OrderBy(name => name, StringComparer.Ordinal)
        .ToList();

    /// <summary>Whether the function's first parameter is a struct bpf_iter_meta pointer, as every target's is.</summary>
    private static bool IsIteratorTarget(Btf.Btf btf, BtfType function)
    {
        var prototype = btf.SkipModifiers(function.TypeId);
        if (prototype.Kind != BtfKind.FuncProto || prototype.Params.Count == 0)
            return false;
        var pointer = btf.SkipModifiersAndTypedefs(prototype.Params[0].TypeId);
        if (pointer.Kind != BtfKind.Ptr)
            return false;
        var pointee = btf.SkipModifiersAndTypedefs(pointer.TypeId);
        return pointee.Kind == BtfKind.Struct && pointee.Name == "bpf_iter_meta";
    }
}
