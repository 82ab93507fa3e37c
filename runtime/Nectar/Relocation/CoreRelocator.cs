using System.Runtime.InteropServices;

namespace Nectar.Relocation;

using Btf = Nectar.Btf.Btf;

/// <summary>
/// Applies CO-RE relocations: rewrites an object's field offsets, sizes, existence checks, type
/// and enum values to those of the running kernel, as libbpf does, so an object compiled against
/// one kernel's types runs on another's. Pure computation over BTF and instruction bytes; it never
/// calls the kernel.
/// </summary>
/// <remarks>
/// Targets: the kernel's vmlinux BTF first, then module (split) BTF, which is searched only for
/// types vmlinux lacks. A relocator remembers, per local type, which kernel candidates satisfied
/// earlier relocations, so use one per object (all its programs), as libbpf does.
/// </remarks>
public sealed class CoreRelocator
{
    private readonly Btf _local;
    private readonly CoreCandidates _candidates;

    public CoreRelocator(Btf local, IReadOnlyList<Btf> targets)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
            throw new ArgumentException("CO-RE needs at least the kernel's vmlinux BTF (/sys/kernel/btf/vmlinux) as a target.", nameof(targets));
        _local = local;
        _candidates = new CoreCandidates(local, targets);
    }

    /// <summary>One-shot form of <see cref="Apply(Span{byte}, int, IReadOnlyList{CoreRelocation})"/>.</summary>
    public static CoreRelocationReport Apply(Span<byte> instructions, int sectionInstructionOffset, IReadOnlyList<CoreRelocation> relocations,
        Btf local, IReadOnlyList<Btf> targets) =>
        new CoreRelocator(local, targets).Apply(instructions, sectionInstructionOffset, relocations);

    /// <summary>
    /// Relocates <paramref name="instructions"/>, 8 bytes each, which hold a function (or a whole
    /// section) starting at instruction <paramref name="sectionInstructionOffset"/> of its ELF
    /// section. <paramref name="relocations"/> are the section's; those whose instruction lies
    /// outside the span belong to other functions and are skipped, so a loader can pass every
    /// relocation of the section for each function it takes from it.
    /// </summary>
    /// <exception cref="CoreRelocationException">A relocation is malformed, contradicts its instruction, or is ambiguous in this kernel.</exception>
    public CoreRelocationReport Apply(Span<byte> instructions, int sectionInstructionOffset, IReadOnlyList<CoreRelocation> relocations)
    {
        ArgumentNullException.ThrowIfNull(relocations);
        if (instructions.Length % CoreInstructionPatcher.InstructionSize != 0)
            throw new ArgumentException($"Instructions are 8 bytes each; {instructions.Length} bytes is not a whole number of them.", nameof(instructions));
        int count = instructions.Length / CoreInstructionPatcher.InstructionSize;
        var results = new List<CoreRelocationResult>();
        foreach (var relocation in relocations)
        {
            int index = relocation.SectionInstructionIndex - sectionInstructionOffset;
            if (index < 0 || index >= count)
                continue;
            try
            {
                results.Add(ApplyOne(instructions, index, relocation));
            }
            catch (Nectar.Btf.BtfException e)
            {
                // The object's BTF does not hold what the relocation names (a type id past its end, say).
                throw new CoreRelocationException($"CO-RE relocation of instruction {relocation.SectionInstructionIndex} ({relocation.Kind}, " +
                    $"type {relocation.TypeId}, access '{relocation.AccessString}') does not fit the object's BTF: {e.Message} Recompile the object.");
            }
        }
        return new CoreRelocationReport(results);
    }

    /// <summary>The same, over instructions held as 8-byte structs (such as the loader's instruction array).</summary>
    public CoreRelocationReport Apply<TInstruction>(Span<TInstruction> instructions, int sectionInstructionOffset, IReadOnlyList<CoreRelocation> relocations)
        where TInstruction : unmanaged
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<TInstruction>() != CoreInstructionPatcher.InstructionSize)
            throw new ArgumentException($"{typeof(TInstruction).Name} is not an 8-byte instruction.", nameof(instructions));
        return Apply(MemoryMarshal.AsBytes(instructions), sectionInstructionOffset, relocations);
    }

    private CoreRelocationResult ApplyOne(Span<byte> instructions, int index, CoreRelocation relocation)
    {
        var localSpec = CoreAccessSpec.Parse(_local, relocation);
        string access = localSpec.Describe();
        CoreAccessSpec? targetSpec = null;
        string? reason = null;
        CoreRelocationValue value;
        if (relocation.Kind == CoreRelocationKind.LocalTypeId)
        {
            value = new CoreRelocationValue { Original = relocation.TypeId, New = relocation.TypeId };
        }
        else
        {
            value = Resolve(relocation, localSpec, access, out targetSpec, out reason);
        }
        bool wide = instructions[index * CoreInstructionPatcher.InstructionSize] == 0x18;
        bool patched = CoreInstructionPatcher.Patch(instructions, index, value, () => access, out ulong previous);
        if (!patched)
            reason ??= value.ResizeUnsafe
                ? $"the field is {value.NewSize} bytes in this kernel, not {value.OriginalSize}, and is not an unsigned integer or pointer, so its load cannot be resized"
                : "no such field in this kernel";
        return new CoreRelocationResult(index, relocation, access,
            patched ? CoreRelocationOutcome.Patched : CoreRelocationOutcome.Poisoned, previous, patched ? value.New : 0, patched ? null : reason)
        { IsWide = wide };
    }

    // Matches the access in every candidate; all that match must agree (same bit offset, same
    // value), or the relocation is ambiguous and refused.
    private CoreRelocationValue Resolve(CoreRelocation relocation, CoreAccessSpec localSpec, string access, out CoreAccessSpec? chosen, out string? reason)
    {
        var candidates = _candidates.For(relocation.TypeId);
        var survivors = new List<CoreCandidate>();
        chosen = null;
        reason = null;
        CoreRelocationValue result = default;
        string? firstMiss = null;
        foreach (var candidate in candidates)
        {
            var spec = CoreSpecMatcher.Match(localSpec, candidate.Btf, candidate.TypeId, out string? missing);
            if (spec is null)
            {
                firstMiss ??= missing;
                continue;
            }
            var value = CoreRelocationValue.Compute(relocation.Kind, localSpec, spec);
            if (chosen is null)
            {
                chosen = spec;
                result = value;
            }
            else if (spec.BitOffset != chosen.BitOffset)
            {
                throw new CoreRelocationException($"CO-RE: {access} is ambiguous in this kernel: candidate types put it at bit {chosen.BitOffset} " +
                    $"and at bit {spec.BitOffset}. Use a flavored type name (name___flavor) that matches only one of them.");
            }
            else if (value.Poison != result.Poison || value.New != result.New)
            {
                throw new CoreRelocationException($"CO-RE: {access} is ambiguous in this kernel: candidate types give {result.New} and {value.New} " +
                    $"for its {relocation.Kind}. Use a flavored type name (name___flavor) that matches only one of them.");
            }
            survivors.Add(candidate);
        }
        _candidates.Narrow(relocation.TypeId, survivors);
        if (chosen is not null)
            return result;

        var none = CoreRelocationValue.Compute(relocation.Kind, localSpec, null);
        if (none.Poison)
            reason = Missing(relocation, candidates.Count == 0, firstMiss);
        return none;
    }

    private string Missing(CoreRelocation relocation, bool noCandidates, string? firstMiss)
    {
        var root = _local.GetType(relocation.TypeId);
        string essential = CoreNames.Essential(root.Name);
        if (noCandidates)
            return $"no {CoreAccessSpec.KindWord(root)} {essential} in this kernel";
        if (relocation.Kind.IsEnumValueBased())
            return $"no such enumerator in this kernel ({firstMiss})";
        return firstMiss is null ? "no such field in this kernel" : $"no such field in this kernel ({firstMiss})";
    }
}
