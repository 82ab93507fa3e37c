using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Nectar.Elf;

namespace Nectar.Btf;

/// <summary>
/// A parsed BTF blob: kernel vmlinux BTF, module (split) BTF over a base, or a BPF object's .BTF.
/// Parsing only validates the records and remembers where each type starts; type details are
/// decoded on demand by <see cref="BtfType"/>, so parsing the kernel's ~6 MB blob allocates little.
/// The same sources compile into the netstandard2.0 generator.
/// </summary>
public sealed partial class Btf
{
    internal const int TypeRecordLength = BtfRecord.HeaderLength;

    private readonly BtfBytes _bytes;
    private readonly int _stringStart;
    private readonly int _stringLength;
    private readonly int[] _typeOffsets;
    // In split BTF, name offsets below this refer to the base's strings (libbpf's convention).
    private readonly uint _stringBase;

    private Btf(BtfBytes bytes, BtfHeader header, int[] typeOffsets, Btf? baseBtf)
    {
        _bytes = bytes;
        _stringStart = header.StringStart;
        _stringLength = header.StringLength;
        _typeOffsets = typeOffsets;
        Base = baseBtf;
        FirstTypeId = baseBtf is null ? 1u : baseBtf.LastTypeId + 1;
        _stringBase = baseBtf is null ? 0u : baseBtf.TotalStringLength;
    }

    /// <summary>The base BTF of split (module) BTF; null for vmlinux and object BTF.</summary>
    public Btf? Base { get; }

    /// <summary>The id of the first type this blob defines (1, or one past the base's last).</summary>
    public uint FirstTypeId { get; }

    /// <summary>The highest type id, base types included. Ids run 0 (void) .. LastTypeId.</summary>
    public uint LastTypeId => FirstTypeId + (uint)_typeOffsets.Length - 1;

    /// <summary>The number of types this blob itself defines (not counting void or the base).</summary>
    public int OwnTypeCount => _typeOffsets.Length;

    /// <summary>The raw bytes this BTF was parsed from.</summary>
    public ReadOnlySpan<byte> RawBytes => _bytes.Span;

    /// <summary>
    /// True when this BTF is read in place from the kernel's own pages (/sys/kernel/btf/vmlinux mapped
    /// into the process, on kernels that allow it) rather than from a copy read into memory.
    /// </summary>
    public bool IsKernelMapped => _bytes.IsPermanent;

    internal uint TotalStringLength => _stringBase + (uint)_stringLength;

    /// <summary>Parses a raw BTF blob (the format of /sys/kernel/btf/*); split BTF needs its base.</summary>
    public static Btf Parse(byte[] blob, Btf? baseBtf = null)
    {
        if (blob is null)
            throw new ArgumentNullException(nameof(blob));
        return Parse(new BtfBytes(blob), baseBtf);
    }

    private static Btf Parse(BtfBytes bytes, Btf? baseBtf)
    {
        var blob = bytes.Span;
        var header = BtfHeader.Read(blob);
        ValidateStrings(blob, header, baseBtf is not null);
        var offsets = ReadAndValidateTypes(blob, header, baseBtf);
        return new Btf(bytes, header, offsets, baseBtf);
    }

    /// <summary>
    /// Reads BTF from a file: raw BTF, or an ELF object whose .BTF section is read.
    /// Module BTF (/sys/kernel/btf/MODULE) needs <paramref name="baseBtf"/>, the vmlinux BTF.
    /// The running kernel's BTF (/sys/kernel/btf/vmlinux) is parsed in place, mapped once per
    /// process, where the kernel allows it (<see cref="IsKernelMapped"/>); everything else is read.
    /// </summary>
    public static Btf Load(string path, Btf? baseBtf = null)
    {
#if NET
        if (baseBtf is null && KernelBtfMapping.TryGet(path, out var mapped))
            return ParseFile(path, mapped, baseBtf);
#endif
        byte[] bytes;
        try
        {
            // The generator reads binary BTF by path, as CsWin32 reads its metadata: AdditionalFiles
            // are text to Roslyn (CS2015 for binaries). Caching by path and write time is the generator's job.
#pragma warning disable RS1035
            bytes = ReadFile(path);
#pragma warning restore RS1035
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BtfException($"Cannot read BTF from '{path}': {e.Message}");
        }
        if (ElfFile.IsElf(bytes))
            bytes = SectionOf(bytes, path, ".BTF") ??
                throw new BtfException($"'{path}' is an ELF object without a .BTF section; compile it with clang -g.");
        return ParseFile(path, new BtfBytes(bytes), baseBtf);
    }

    /// <summary>
    /// A section of an ELF file (a BPF object, a kernel image or module), read by the one ELF reader;
    /// its problems are BTF input problems here, as all of this reader's are.
    /// </summary>
    internal static byte[]? SectionOf(byte[] elf, string path, string section)
    {
        try
        {
            return ElfFile.ParseAnyMachine(elf, path).SectionBytes(section);
        }
        catch (ElfException e)
        {
            throw new BtfException(e.Message);
        }
    }

    private static Btf ParseFile(string path, BtfBytes bytes, Btf? baseBtf)
    {
        try
        {
            return Parse(bytes, baseBtf);
        }
        catch (BtfException e)
        {
            throw new BtfException($"{path}: {e.Message}", e.Offset);
        }
    }

#pragma warning disable RS1035 // see Load
    /// <summary>The file's bytes, read with read(): what Load parses for every file but the mapped kernel BTF.</summary>
    internal static byte[] ReadFile(string path)
    {
#if NET
        // The kernel's BTF is ~6 MB: an array the read overwrites need not be zeroed first.
        using var handle = File.OpenHandle(path);
        long length = RandomAccess.GetLength(handle);
        if (length <= 0 || length > int.MaxValue)
            return File.ReadAllBytes(path); // pseudo files that do not know their size
        var bytes = GC.AllocateUninitializedArray<byte>((int)length);
        int read = 0;
        while (read < bytes.Length)
        {
            int chunk = RandomAccess.Read(handle, bytes.AsSpan(read), read);
            if (chunk == 0)
                return bytes.AsSpan(0, read).ToArray(); // the file shrank
            read += chunk;
        }
        return bytes;
#else
        return File.ReadAllBytes(path);
#endif
    }
#pragma warning restore RS1035

    /// <summary>The type with this id (0 is void). Ids of a split BTF's base resolve in the base.</summary>
    public BtfType this[uint id] => GetType(id);

    /// <summary>The type with this id (0 is void).</summary>
    public BtfType GetType(uint id)
    {
        if (id == 0)
            return new BtfType(this, 0, -1);
        if (id < FirstTypeId)
            return Base!.GetType(id);
        uint index = id - FirstTypeId;
        if (index >= (uint)_typeOffsets.Length)
            throw new BtfException($"Type id {id} does not exist: this BTF has ids up to {LastTypeId}.");
        return new BtfType(this, id, _typeOffsets[index]);
    }

    /// <summary>Every type, in id order, base types first (void excluded).</summary>
    public IEnumerable<BtfType> Types
    {
        get
        {
            for (uint id = 1; id <= LastTypeId; id++)
                yield return GetType(id);
        }
    }

    /// <summary>The string at a name offset (split BTF: offsets past the base's strings are this blob's own).</summary>
    public string GetString(uint offset)
    {
        if (offset < _stringBase)
            return Base!.GetString(offset);
        return BtfBytes.DecodeUtf8(GetStringBytes(offset));
    }

    internal ReadOnlySpan<byte> GetStringBytes(uint offset)
    {
        if (offset < _stringBase)
            return Base!.GetStringBytes(offset);
        int start = LocateString(offset);
        var rest = _bytes.Span.Slice(start, _stringStart + _stringLength - start);
        return rest.Slice(0, rest.IndexOf((byte)0));
    }

    /// <summary>The whole blob, for code that walks records by offset.</summary>
    internal ReadOnlySpan<byte> Data => _bytes.Span;

    /// <summary>The id of the type whose record holds byte <paramref name="offset"/>, or 0 outside the type section.</summary>
    internal uint TypeIdAt(int offset)
    {
        int index = Array.BinarySearch(_typeOffsets, offset);
        if (index < 0)
            index = ~index - 1;
        if (index < 0 || offset >= _stringStart && offset < _stringStart + _stringLength)
            return 0;
        var record = RecordBytes(_typeOffsets[index]);
        return offset < _typeOffsets[index] + record.Length ? FirstTypeId + (uint)index : 0;
    }

    /// <summary>The whole record (common part and trailer) of a type of this blob.</summary>
    internal ReadOnlySpan<byte> RecordBytes(int offset)
    {
        uint info = ReadUInt32(offset + 4);
        return _bytes.Span.Slice(offset, TypeRecordLength + BtfRecord.TrailerLength(BtfRecord.KindOf(info), BtfRecord.VlenOf(info)));
    }

    internal uint ReadUInt32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_bytes.Span.Slice(offset, 4));

    private int LocateString(uint offset)
    {
        uint local = offset - _stringBase;
        if (local >= (uint)_stringLength)
            throw new BtfException($"String offset {offset} is past the end of the string section ({TotalStringLength} bytes).");
        return _stringStart + (int)local;
    }

    private static void ValidateStrings(ReadOnlySpan<byte> blob, BtfHeader header, bool isSplit)
    {
        if (header.StringLength == 0)
        {
            if (!isSplit)
                throw BtfException.At(header.StringStart, "the string section is empty; it must start with the empty string.");
            return;
        }
        if (!isSplit && blob[header.StringStart] != 0)
            throw BtfException.At(header.StringStart, "the string section does not start with the empty string.");
        if (blob[header.StringStart + header.StringLength - 1] != 0)
            throw BtfException.At(header.StringStart + header.StringLength - 1, "the string section does not end with a NUL byte.");
    }

}
