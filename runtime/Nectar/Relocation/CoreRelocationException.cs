namespace Nectar.Relocation;

/// <summary>
/// A CO-RE relocation that cannot be applied at all (as opposed to one whose field or type is
/// missing in this kernel, which poisons its instruction instead): a corrupt access string, an
/// instruction that does not hold the value the compiler recorded, candidates in the kernel that
/// disagree. The message names the relocation and what to do.
/// </summary>
public sealed class CoreRelocationException(string message) : BpfObjectException(message);
