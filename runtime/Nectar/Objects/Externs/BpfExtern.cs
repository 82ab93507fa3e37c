namespace Nectar.Programs;

/// <summary>Where an extern's value comes from.</summary>
public enum ExternKind
{
    /// <summary>`extern T NAME __kconfig;`: a kernel config option or a LINUX_* value, stored in the .kconfig map.</summary>
    Kconfig,

    /// <summary>`extern T name __ksym;`: a kernel variable, found by name in vmlinux BTF.</summary>
    KernelVariable,

    /// <summary>`extern R name(...) __ksym;`: a kfunc, called through its vmlinux BTF id.</summary>
    KernelFunction,
}

/// <summary>What a `__kconfig` extern's C type lets the loader store in it (libbpf's kinds).</summary>
public enum KconfigValueKind
{
    /// <summary>bool: y is true, n false; m is refused.</summary>
    Bool,

    /// <summary>enum libbpf_tristate: n 0, y 1, m 2.</summary>
    Tristate,

    /// <summary>char: the letter y, n or m itself, or a number that fits.</summary>
    Char,

    /// <summary>An integer of 1, 2, 4 or 8 bytes: decimal, 0x hex or 0 octal values.</summary>
    Integer,

    /// <summary>char[N]: a quoted string, truncated to N - 1 characters.</summary>
    CharArray,
}

/// <summary>
/// One extern a BPF object declares and the loader fills in from the running kernel. Kconfig
/// externs have a place (<see cref="Offset"/>, <see cref="Size"/>) in the object's .kconfig map.
/// </summary>
public sealed record BpfExtern(string Name, ExternKind Kind, bool IsWeak, uint BtfTypeId)
{
    /// <summary>Kconfig only: how the value is parsed and stored.</summary>
    public KconfigValueKind ValueKind { get; init; }

    /// <summary>Kconfig only: for <see cref="KconfigValueKind.Integer"/>, whether the C type is signed.</summary>
    public bool IsSigned { get; init; }

    /// <summary>Kconfig only: the value's offset in the .kconfig map.</summary>
    public int Offset { get; init; }

    /// <summary>Kconfig only: the value's size in bytes.</summary>
    public int Size { get; init; }

    public override string ToString() => $"{Name} ({Kind}{(IsWeak ? ", weak" : "")})";
}
