using Nectar.Maps;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class ArrayMapTests
{
    [KernelFact]
    public void Array_map_round_trips_an_element_and_leaks_no_descriptor()
    {
        int anonymousBefore = OpenFileDescriptors.CountAnonymousInodes();

        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var map = BpfMap.Create(new MapAttributes("nectar_test", MapType.Array, KeySize: 4, ValueSize: 8, MaxEntries: 4));
            Assert.Equal(anonymousBefore + 1, OpenFileDescriptors.CountAnonymousInodes());

            map.Update(2u, 0xDEADBEEF_CAFEF00DUL);
            Assert.True(map.TryLookup(2u, out ulong value));
            Assert.Equal(0xDEADBEEF_CAFEF00DUL, value);

            // Arrays are preallocated and zeroed: other slots read as zero, out-of-range keys miss.
            Assert.True(map.TryLookup(1u, out ulong untouched));
            Assert.Equal(0UL, untouched);
            Assert.False(map.TryLookup(4u, out ulong _));
        });
    }

    [KernelFact]
    public void Hash_map_delete_and_iteration_see_what_was_stored()
    {
        using var map = BpfMap.Create(new MapAttributes("nectar_hash", MapType.Hash, 4, 4, 16));
        for (uint key = 10; key < 15; key++)
            map.Update(key, key * 100);

        Assert.True(map.Delete(12u));
        Assert.False(map.Delete(12u));

        var keys = new List<uint>();
        Span<byte> next = stackalloc byte[4];
        ReadOnlySpan<byte> current = default;
        byte[] previous = new byte[4];
        while (map.TryGetNextKey(current, next))
        {
            keys.Add(BitConverter.ToUInt32(next));
            next.CopyTo(previous);
            current = previous;
        }
        keys.Sort();
        Assert.Equal([10u, 11u, 13u, 14u], keys);
    }

    [KernelFact]
    public void Wrong_key_size_is_refused_before_the_kernel_sees_it()
    {
        using var map = BpfMap.Create(new MapAttributes("nectar_sizes", MapType.Array, 4, 8, 1));
        var error = Assert.Throws<ArgumentException>(() => map.Update(0UL, 1UL));
        Assert.Contains("4-byte keys", error.Message);
    }
}
