using Nectar.Interop;

namespace Nectar.Elf;

// Reading an ELF file by path is the runtime's part of the ELF readers: it stats the file (a device
// or a FIFO is refused at once, a size is capped) through Interop, which the pure readers in Elf/,
// compiled into the generator too, must not reach.

internal sealed partial class ElfFile
{
    /// <summary>Reads a BPF object file from disk; devices, FIFOs and files over 256 MiB are refused.</summary>
    public static ElfFile Read(string path) =>
        Parse(BoundedFile.ReadAll(path, BoundedFile.MaxObjectBytes, "a BPF object (clang -target bpf -c x.bpf.c -o x.bpf.o)"), path);
}

internal sealed partial class NativeElfFile
{
    /// <summary>Reads an executable or shared library from disk (a uprobe's target); devices and FIFOs are refused.</summary>
    public static NativeElfFile Read(string path) => Parse(BoundedFile.ReadAll(path, int.MaxValue, "an executable or shared library"), path);
}
