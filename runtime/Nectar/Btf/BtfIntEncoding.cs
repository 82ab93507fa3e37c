using System;

namespace Nectar.Btf;

/// <summary>BTF_INT_* encoding bits of an INT type.</summary>
[Flags]
public enum BtfIntEncoding : byte
{
    None = 0,
    Signed = 1,
    Char = 2,
    Bool = 4,
}
