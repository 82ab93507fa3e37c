#if NET
using System;
using System.IO;
using Nectar.Interop;

namespace Nectar.Btf;

/// <summary>
/// The running kernel's BTF (/sys/kernel/btf/vmlinux) mapped read-only into the process, once.
/// Recent kernels (6.18 among them; older ones refuse) let that file be mmap'ed: the pages are the kernel's
/// own, mapped without a copy in ~0.1 ms, where read() of the 5.5 MB blob takes ~0.7 ms (sysfs returns
/// at most a page per call: ~1,350 calls) plus faulting in a fresh array. The mapping is never
/// unmapped: the kernel's BTF cannot change while it runs and a mapping costs only address space,
/// so a <see cref="Btf"/> over it, and any span it hands out, can never dangle. Where the kernel
/// refuses the mmap (older kernels), <see cref="Btf.Load"/> reads the file as it does any other.
/// </summary>
internal static unsafe class KernelBtfMapping
{
    private static readonly Lazy<(IntPtr Address, int Length)> s_mapping = new(Map);

    /// <summary>The mapped kernel BTF, when <paramref name="path"/> names it and the kernel allows the mapping.</summary>
    internal static bool TryGet(string path, out BtfBytes bytes)
    {
        bytes = default;
        if (!string.Equals(Path.GetFullPath(path), KernelSupport.VmlinuxBtfPath, StringComparison.Ordinal))
            return false;
        var (address, length) = s_mapping.Value;
        if (address == IntPtr.Zero)
            return false;
        bytes = new BtfBytes((byte*)address, length);
        return true;
    }

    private static (IntPtr Address, int Length) Map()
    {
        try
        {
            using var file = File.OpenHandle(KernelSupport.VmlinuxBtfPath);
            long length = RandomAccess.GetLength(file);
            if (length <= 0 || length > int.MaxValue)
                return default;
            // Private and read-only: the kernel refuses shared or writable mappings of its BTF.
            void* address = Libc.Mmap(null, (nuint)length, Libc.ProtRead, Libc.MapPrivate, (int)file.DangerousGetHandle(), 0);
            return address == (void*)-1 ? default : ((IntPtr)address, (int)length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return default;
        }
    }
}
#endif
