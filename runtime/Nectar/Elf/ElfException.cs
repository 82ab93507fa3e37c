using System;

namespace Nectar.Elf;

/// <summary>
/// A BPF object file is not what Nectar can read: not ELF, not 64-bit little-endian, not EM_BPF,
/// or truncated or inconsistent. The message names the offset or section that is wrong.
/// </summary>
public sealed class ElfException : BpfObjectException
{
    public ElfException(string message) : base(message) { }
}
