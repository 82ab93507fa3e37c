namespace Nectar.Layouts;

/// <summary>
/// A generated kernel type was used as a fixed layout (<see cref="KernelStruct{T}.View"/>, or
/// <see cref="KernelStruct{T}.EnsureSameLayout"/>) on a kernel where it is laid out differently.
/// </summary>
public sealed class KernelLayoutMismatchException : NectarException
{
    public KernelLayoutMismatchException(string typeName, KernelLayoutDifference difference)
        : base($"struct {typeName} is laid out differently on the running kernel than in the BTF it was generated from: {difference.Description}. " +
               $"Decode it with KernelStruct<{typeName}>.Read, which follows the running kernel's offsets, or regenerate it from this kernel's BTF.")
    {
        TypeName = typeName;
        Difference = difference;
    }

    public string TypeName { get; }

    public KernelLayoutDifference Difference { get; }
}
