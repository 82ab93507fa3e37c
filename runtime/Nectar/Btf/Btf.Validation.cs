namespace Nectar.Btf;

public sealed partial class Btf
{
    /// <summary>
    /// Checks that every type id a record refers to exists and every member and parameter name
    /// is inside the string section, so that later queries cannot run off the blob.
    /// </summary>
    private void ValidateReferences()
    {
        uint last = LastTypeId;
        uint stringLimit = TotalStringLength;
        for (int index = 0; index < _typeOffsets.Length; index++)
        {
            int at = _typeOffsets[index];
            uint id = FirstTypeId + (uint)index;
            uint info = ReadUInt32(at + 4);
            var kind = (BtfKind)((info >> 24) & 0x1F);
            int vlen = (int)(info & 0xFFFF);
            int body = at + TypeRecordLength;
            switch (kind)
            {
                case BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.TypeTag or BtfKind.Func or BtfKind.Var or BtfKind.DeclTag or BtfKind.FuncProto:
                    CheckTypeId(at + 8, id, last);
                    break;
                case BtfKind.Array:
                    CheckTypeId(body, id, last);
                    CheckTypeId(body + 4, id, last);
                    break;
            }
            switch (kind)
            {
                case BtfKind.Struct or BtfKind.Union:
                    for (int i = 0; i < vlen; i++)
                    {
                        CheckName(body + 12 * i, id, stringLimit);
                        CheckTypeId(body + 12 * i + 4, id, last);
                    }
                    break;
                case BtfKind.FuncProto:
                    for (int i = 0; i < vlen; i++)
                    {
                        CheckName(body + 8 * i, id, stringLimit);
                        CheckTypeId(body + 8 * i + 4, id, last);
                    }
                    break;
                case BtfKind.Enum:
                    for (int i = 0; i < vlen; i++)
                        CheckName(body + 8 * i, id, stringLimit);
                    break;
                case BtfKind.Enum64:
                    for (int i = 0; i < vlen; i++)
                        CheckName(body + 12 * i, id, stringLimit);
                    break;
                case BtfKind.Datasec:
                    for (int i = 0; i < vlen; i++)
                        CheckTypeId(body + 12 * i, id, last);
                    break;
            }
        }
    }

    private void CheckTypeId(int at, uint owner, uint last)
    {
        uint target = ReadUInt32(at);
        if (target > last)
            throw BtfException.At(at, $"type {owner} refers to type id {target}, but the last id is {last}.");
    }

    private void CheckName(int at, uint owner, uint stringLimit)
    {
        uint name = ReadUInt32(at);
        if (name >= stringLimit)
            throw BtfException.At(at, $"type {owner} has a member or value name at string offset {name}, past the string section ({stringLimit} bytes).");
    }
}
