using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nectar.Btf;

namespace Nectar.Layouts;

/// <summary>
/// A generated kernel type's layout compared with another kernel's (the running one, usually): whether
/// they match, the first difference, and a plan that copies each member from its offset there to its
/// offset in the generated struct, so code written against the generated type reads the right bytes
/// on either kernel. Members the other kernel lacks read as zero (<see cref="Has"/> says which).
/// </summary>
public sealed class KernelLayoutMap
{
    // One member to move: bit ranges on the other kernel and in the generated struct.
    private readonly record struct Move(uint FromBit, uint ToBit, uint Bits, bool Bitfield);

    private readonly Move[] _moves;
    private readonly HashSet<string> _absent;

    private KernelLayoutMap(string typeName, uint generatedSize, uint runningSize, KernelLayoutDifference? difference, Move[] moves, HashSet<string> absent)
    {
        TypeName = typeName;
        GeneratedSize = generatedSize;
        RunningSize = runningSize;
        FirstDifference = difference;
        _moves = moves;
        _absent = absent;
    }

    public string TypeName { get; }

    /// <summary>The size the type was generated with, in bytes.</summary>
    public uint GeneratedSize { get; }

    /// <summary>The size on the kernel compared with, in bytes (what a BPF program's bpf_core_type_size gives there).</summary>
    public uint RunningSize { get; }

    /// <summary>Null when the layouts match: then decoding is a plain read of the bytes.</summary>
    public KernelLayoutDifference? FirstDifference { get; }

    public bool Matches => FirstDifference == null;

    /// <summary>Whether the kernel compared with has this member (C name; members of anonymous members included).</summary>
    public bool Has(string member) => !_absent.Contains(member);

    /// <summary>
    /// Compares the layout text a generated type carries (its <c>BtfLayout</c> constant) with struct or
    /// union <paramref name="typeName"/> in <paramref name="running"/>. A type the kernel lacks is a
    /// <see cref="BtfException"/> that says so.
    /// </summary>
    public static KernelLayoutMap Compare(string typeName, string generatedLayout, Btf.Btf running)
    {
        (uint size, List<BtfLayoutMember> generated) = BtfLayout.Parse(generatedLayout);
        BtfType type = FindComposite(running, typeName)
            ?? throw new BtfException($"The running kernel's BTF has no struct or union '{typeName}', so a snapshot of it cannot be decoded there.");
        List<BtfLayoutMember> there = BtfLayout.Flatten(running, type.Id);
        var byName = new Dictionary<string, BtfLayoutMember>(StringComparer.Ordinal);
        foreach (BtfLayoutMember m in there) byName[m.Name] = m;

        KernelLayoutDifference? difference = null;
        var moves = new List<Move>(generated.Count);
        var absent = new HashSet<string>(StringComparer.Ordinal);
        foreach (BtfLayoutMember g in generated)
        {
            if (!byName.TryGetValue(g.Name, out BtfLayoutMember r))
            {
                absent.Add(g.Name);
                difference ??= new KernelLayoutDifference(g.Name, g.BitOffset, null,
                    $"member '{g.Name}' ({Where(g)} in the generated layout) does not exist on the running kernel");
                continue;
            }
            if (r.BitOffset != g.BitOffset || r.BitSize != g.BitSize || r.IsBitfield != g.IsBitfield)
                difference ??= new KernelLayoutDifference(g.Name, g.BitOffset, r.BitOffset,
                    $"member '{g.Name}' is {Where(r)} on the running kernel, {Where(g)} in the generated layout");
            // Both a plain member and a bitfield move bit-exactly; a member whose size changed moves its common low part.
            moves.Add(new Move(r.BitOffset, g.BitOffset, Math.Min(r.BitSize, g.BitSize), r.IsBitfield || g.IsBitfield || r.BitOffset % 8 != 0 || g.BitOffset % 8 != 0 || r.BitSize % 8 != 0 || g.BitSize % 8 != 0));
        }
        if (difference == null)
            foreach (BtfLayoutMember r in there)
                if (!generated.Exists(g => g.Name == r.Name))
                {
                    difference = new KernelLayoutDifference(r.Name, null, r.BitOffset, $"the running kernel has member '{r.Name}' ({Where(r)}) that the generated layout lacks");
                    break;
                }
        if (difference == null && type.Size != size)
            difference = new KernelLayoutDifference("(size)", null, null, $"it is {type.Size} bytes on the running kernel, {size} in the generated layout");
        return new KernelLayoutMap(typeName, size, type.Size, difference, moves.ToArray(), absent);
    }

    // struct NAME, union NAME, or a typedef of an anonymous one (as generated types are named).
    private static BtfType? FindComposite(Btf.Btf btf, string name)
    {
        if (btf.FindByName(name, BtfKind.Struct) is { } s) return s;
        if (btf.FindByName(name, BtfKind.Union) is { } u) return u;
        if (btf.FindByName(name, BtfKind.Typedef) is { } t && btf.SkipModifiersAndTypedefs(t.Id) is { IsComposite: true } target) return target;
        return null;
    }

    private static string Where(BtfLayoutMember m) => m.IsBitfield || m.BitOffset % 8 != 0
        ? $"at bit {m.BitOffset} ({m.BitSize} bits)"
        : $"at byte {m.BitOffset / 8} ({m.BitSize / 8} bytes)";

    /// <summary>
    /// Decodes <paramref name="snapshot"/> (the bytes of the struct as the kernel compared with lays it
    /// out) into a <typeparamref name="T"/>: a plain read where the layouts match, else each member moved
    /// to its generated offset. Bytes past the end of a short snapshot read as zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Read<T>(ReadOnlySpan<byte> snapshot) where T : unmanaged
        => Matches && snapshot.Length >= Unsafe.SizeOf<T>() ? MemoryMarshal.Read<T>(snapshot) : ReadRemapped<T>(snapshot);

    private T ReadRemapped<T>(ReadOnlySpan<byte> snapshot) where T : unmanaged
    {
        T value = default;
        Remap(snapshot, MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref value, 1)));
        return value;
    }

    /// <summary>Moves every member from its offset in <paramref name="from"/> (the other kernel's layout) to its generated offset in <paramref name="to"/>.</summary>
    public void Remap(ReadOnlySpan<byte> from, Span<byte> to)
    {
        if (Matches)
        {
            from.Slice(0, Math.Min(from.Length, to.Length)).CopyTo(to);
            return;
        }
        foreach (Move m in _moves)
        {
            if (!m.Bitfield)
            {
                int source = (int)(m.FromBit / 8), target = (int)(m.ToBit / 8), length = (int)(m.Bits / 8);
                if (target + length > to.Length) continue;
                int available = Math.Max(0, Math.Min(length, from.Length - source));
                if (available > 0) from.Slice(source, available).CopyTo(to.Slice(target));
                continue;
            }
            for (uint bit = 0; bit < m.Bits; bit++)
            {
                uint s = m.FromBit + bit, d = m.ToBit + bit;
                if (s / 8 >= from.Length || d / 8 >= to.Length) break;
                bool set = (from[(int)(s / 8)] & (1 << (int)(s % 8))) != 0;
                ref byte b = ref to[(int)(d / 8)];
                b = set ? (byte)(b | (1 << (int)(d % 8))) : (byte)(b & ~(1 << (int)(d % 8)));
            }
        }
    }
}
