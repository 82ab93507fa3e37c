using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nectar.Btf;

public sealed partial class Btf
{
    /// <summary>
    /// One pass over the type section: finds where each record starts and checks that it is whole,
    /// of a known kind, that every name is inside the string section and every type id it refers to
    /// exists, so that later queries cannot run off the blob. The pass reads the section as words,
    /// as it is the whole cost of parsing the kernel's BTF.
    /// </summary>
    [MethodImpl(BtfRecord.OptimizeAtOnce)]
    private static int[] ReadAndValidateTypes(ReadOnlySpan<byte> blob, BtfHeader header, Btf? baseBtf)
    {
        int start = header.TypeStart;
        int length = header.TypeLength;
        var words = MemoryMarshal.Cast<byte, uint>(blob.Slice(start, length & ~3));
        uint firstId = baseBtf is null ? 1u : baseBtf.LastTypeId + 1;
        var checker = new FieldChecker((baseBtf?.TotalStringLength ?? 0) + (uint)header.StringLength);
        // Every record is at least 3 words, which bounds the count by the section's length.
        int[] rented = ArrayPool<int>.Shared.Rent(length / TypeRecordLength + 1);
        try
        {
            int count = 0;
            int w = 0;
            while (w < words.Length || (w == words.Length && 4 * w < length))
            {
                int at = start + 4 * w;
                if (words.Length - w < 3)
                    throw BtfException.At(at, $"a type record needs 12 bytes but only {length - 4 * w} remain in the type section (truncated).");
                uint info = BtfRecord.Le(words[w + 1]);
                var kind = BtfRecord.KindOf(info);
                int vlen = BtfRecord.VlenOf(info);
                int trailer = BtfRecord.TrailerLength(kind, vlen);
                if (trailer < 0)
                    throw BtfException.At(at + 4, $"type #{count + 1} has unknown kind {(int)kind}; this BTF may come from a newer kernel than Nectar knows.");
                int recordWords = 3 + trailer / 4;
                if (words.Length - w < recordWords)
                    throw BtfException.At(at, $"type #{count + 1} ({kind}, vlen {vlen}) needs {trailer} more bytes than the type section holds (truncated).");
                checker.Owner = firstId + (uint)count;
                BtfRecord.VisitFields(words.Slice(w, recordWords), at, ref checker);
                rented[count++] = at;
                w += recordWords;
            }
            uint lastId = firstId + (uint)count - 1;
            if (checker.HighestReference > lastId)
                throw BtfException.At(checker.HighestReferenceAt,
                    $"type {checker.HighestReferenceOwner} refers to type id {checker.HighestReference}, but the last id is {lastId}.");
            var offsets = new int[count];
            Array.Copy(rented, offsets, count);
            return offsets;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Checks names as it meets them; remembers the highest type id referred to, which is checked
    /// once the number of types (so the last id) is known.
    /// </summary>
    private struct FieldChecker : IBtfFieldVisitor
    {
        private readonly uint _stringLimit;
        internal uint Owner;
        internal uint HighestReference;
        internal int HighestReferenceAt;
        internal uint HighestReferenceOwner;

        internal FieldChecker(uint stringLimit)
        {
            _stringLimit = stringLimit;
            Owner = 0;
            HighestReference = 0;
            HighestReferenceAt = 0;
            HighestReferenceOwner = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Name(int at, uint value)
        {
            if (value >= _stringLimit)
                NameOutOfRange(at, value);
        }

        // Apart, so that the checks above inline into the record walk (a method that throws does not).
        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly void NameOutOfRange(int at, uint value) =>
            throw BtfException.At(at, $"type {Owner} has a name at string offset {value}, past the string section ({_stringLimit} bytes).");

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void TypeId(int at, uint value)
        {
            if (value > HighestReference)
            {
                HighestReference = value;
                HighestReferenceAt = at;
                HighestReferenceOwner = Owner;
            }
        }
    }
}
