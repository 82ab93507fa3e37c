using Nectar.Btf;

namespace Nectar.Relocation;

/// <summary>
/// One CO-RE relocation of a code section (a .BTF.ext bpf_core_relo with its access string
/// resolved): the instruction at <paramref name="InstructionOffset"/> (bytes from the start of
/// its ELF section) uses <paramref name="TypeId"/> of the object's BTF as
/// <paramref name="AccessString"/> says ("0:1:3": pointer index, then member or array indices).
/// </summary>
public sealed record CoreRelocation(uint InstructionOffset, uint TypeId, string AccessString, CoreRelocationKind Kind)
{
    /// <summary>The instruction's index within its section.</summary>
    public int SectionInstructionIndex => (int)(InstructionOffset / 8);

    /// <summary>The CO-RE relocations .BTF.ext lists for one code section (empty when it lists none).</summary>
    public static IReadOnlyList<CoreRelocation> ForSection(BtfExt ext, Nectar.Btf.Btf objectBtf, string sectionName)
    {
        ArgumentNullException.ThrowIfNull(ext);
        ArgumentNullException.ThrowIfNull(objectBtf);
        return From(sectionName, ext.CoreRelocationsOf(sectionName), objectBtf);
    }

    /// <summary>Resolves the access strings of one section's stored records.</summary>
    public static IReadOnlyList<CoreRelocation> From(string sectionName, IReadOnlyList<BtfCoreRelocationRecord> records, Nectar.Btf.Btf objectBtf)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(objectBtf);
        var relocations = new CoreRelocation[records.Count];
        for (int i = 0; i < relocations.Length; i++)
        {
            var record = records[i];
            if (record.InstructionOffset % 8 != 0)
                throw new CoreRelocationException($"CO-RE relocation #{i} of section '{sectionName}' points at byte {record.InstructionOffset}, " +
                    "which is not the start of an instruction: the object's .BTF.ext is corrupt; recompile it.");
            if (record.Kind > (uint)CoreRelocationKind.TypeMatches)
                throw new CoreRelocationException($"CO-RE relocation #{i} of section '{sectionName}' has kind {record.Kind}, " +
                    "which Nectar does not know (it knows 0..12); the object needs a newer Nectar or an older compiler.");
            string access;
            try
            {
                access = objectBtf.GetString(record.AccessStringOffset);
            }
            catch (BtfException e)
            {
                throw new CoreRelocationException($"CO-RE relocation #{i} of section '{sectionName}': its access string is unreadable: {e.Message}");
            }
            relocations[i] = new CoreRelocation(record.InstructionOffset, record.TypeId, access, (CoreRelocationKind)record.Kind);
        }
        return relocations;
    }
}
