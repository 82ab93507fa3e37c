namespace Nectar.Btf;

public sealed partial class Btf
{
    /// <summary>
    /// Where type <paramref name="id"/>'s record starts in <see cref="RawBytes"/>, for the loader,
    /// which patches an object's DATASEC sizes and offsets in a copy before BPF_BTF_LOAD.
    /// </summary>
    internal int RecordOffset(uint id)
    {
        if (id < FirstTypeId || id > LastTypeId)
            throw new BtfException($"Type id {id} is not one of this BTF's own types ({FirstTypeId}..{LastTypeId}).");
        return _typeOffsets[id - FirstTypeId];
    }

    /// <summary>Where the type section starts in <see cref="RawBytes"/> (header length + type_off).</summary>
    internal int TypeSectionStart => _typeOffsets.Length == 0 ? 0 : _typeOffsets[0];
}
