using System.Buffers.Binary;
using Nectar.Btf;
using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>
/// Global subprograms marked <c>__hidden</c> (STV_HIDDEN or STV_INTERNAL visibility) are given
/// static linkage in the BTF the kernel sees, as libbpf does. The verifier checks a global function
/// on its own, knowing nothing of its callers' arguments; a static one is checked in each caller's
/// context. Library code such as usdt.bpf.h's bpf_usdt_arg() is written as hidden globals and only
/// verifies the static way.
/// </summary>
internal static class HiddenFunctions
{
    /// <summary>Rewrites, in <paramref name="bytes"/> (a copy of <paramref name="btf"/>'s raw BTF), the FUNC of every hidden global subprogram of .text to static linkage.</summary>
    internal static void MakeStatic(Btf.Btf btf, byte[] bytes, ElfFile elf)
    {
        var hidden = elf.Symbols
            .Where(s => s.Type == ElfSymbolType.Function && s.IsHiddenGlobal && s.SectionIndex < elf.Sections.Count && elf.Sections[s.SectionIndex].Name == ".text")
            .Select(s => s.Name)
            .ToHashSet(StringComparer.Ordinal);
        if (hidden.Count == 0)
            return;
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
        {
            var type = btf.GetType(id);
            if (type.Kind != BtfKind.Func || type.FuncLinkage != GlobalLinkage || !hidden.Contains(type.Name))
                continue;
            // info = kind << 24 | vlen, where a FUNC's vlen is its linkage (0 static, 1 global).
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(btf.RecordOffset(id) + 4), (uint)BtfKind.Func << 24 | StaticLinkage);
        }
    }

    private const uint StaticLinkage = 0;
    private const uint GlobalLinkage = 1;
}
