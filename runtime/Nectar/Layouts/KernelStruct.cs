using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Nectar.Btf;
using Nectar.Layouts;
using Nectar.Programs;

namespace Nectar;

/// <summary>
/// Decodes snapshots of a generated kernel type <typeparamref name="T"/> (bytes a BPF program copied
/// from the kernel, e.g. with <c>bpf_core_type_size</c> bytes of <c>struct linux_binprm</c>) on whatever
/// kernel runs. On first use it compares the layout <typeparamref name="T"/> was generated from (its
/// <c>BtfLayout</c> constant) with the running kernel's BTF. Where they match, <see cref="Read"/> is a
/// plain read and <see cref="View"/> a zero-copy reference; where they differ, <see cref="Read"/> moves
/// each member from its offset on this kernel to the generated one (members this kernel lacks read as
/// zero; <see cref="Has"/> tells), and <see cref="View"/> throws a <see cref="KernelLayoutMismatchException"/>
/// naming the first differing member and both offsets. Either way, code then reads plain fields:
/// <c>KernelStruct&lt;LinuxBinprm&gt;.Read(bytes).Argc</c>.
/// </summary>
// PublicFields: the BtfLayout constant is read by reflection, so trimming must keep it.
public static class KernelStruct<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicFields)] T> where T : unmanaged
{
    private static KernelLayoutMap? s_map;

    /// <summary>The layout text <typeparamref name="T"/> was generated with.</summary>
    public static string GeneratedLayout { get; } = typeof(T).GetField("BtfLayout", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
        ?? throw new InvalidOperationException($"{typeof(T).FullName} has no BtfLayout constant: KernelStruct<T> decodes kernel types the Nectar generator made ([assembly: KernelType(\"...\")]).");

    /// <summary>The comparison with the running kernel, made on first use (reads /sys/kernel/btf/vmlinux once per process).</summary>
    public static KernelLayoutMap Layout => s_map ??= KernelLayoutMap.Compare(CName, GeneratedLayout, VmlinuxBtf.Instance);

    /// <summary>Compares with <paramref name="running"/> instead of the running kernel's BTF from now on (another kernel's BTF, or a test's).</summary>
    public static KernelLayoutMap UseKernel(Btf.Btf running) => s_map = KernelLayoutMap.Compare(CName, GeneratedLayout, running);

    /// <summary>The C name: the generated type's <c>BtfName</c> constant (<c>LinuxBinprm</c> is <c>linux_binprm</c>), else the type's own name.</summary>
    private static string CName { get; } = typeof(T).GetField("BtfName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string ?? typeof(T).Name;

    /// <summary>Whether the running kernel has this member (a member it lacks reads as zero through <see cref="Read"/>).</summary>
    public static bool Has(string member) => Layout.Has(member);

    /// <summary>Decodes a snapshot in the running kernel's layout: a plain read where it matches the generated one, else each member from its offset there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Read(ReadOnlySpan<byte> snapshot)
    {
        KernelLayoutMap map = Layout;
        return map.Matches && snapshot.Length >= Unsafe.SizeOf<T>() ? MemoryMarshal.Read<T>(snapshot) : map.Read<T>(snapshot);
    }

    /// <summary>The snapshot as a <typeparamref name="T"/> in place, for code that insists on the fixed layout: throws where the running kernel's differs.</summary>
    public static ref readonly T View(ReadOnlySpan<byte> snapshot)
    {
        EnsureSameLayout();
        return ref MemoryMarshal.AsRef<T>(snapshot);
    }

    /// <summary>Throws a <see cref="KernelLayoutMismatchException"/> (type, first differing member, both offsets) unless the running kernel lays <typeparamref name="T"/> out as generated.</summary>
    public static void EnsureSameLayout()
    {
        if (Layout.FirstDifference is { } difference)
            throw new KernelLayoutMismatchException(CName, difference);
    }
}
