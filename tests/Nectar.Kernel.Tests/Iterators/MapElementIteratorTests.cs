using Nectar.Interop;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.Iterators;

/// <summary>
/// iter/bpf_map_elem (bpf/map_elem_iter.bpf.c): the iterator link names the map it walks
/// (bpf_iter_link_info.map.map_fd).
/// </summary>
public sealed class MapElementIteratorTests
{
    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["bpf_map_elem"])]
    public void Map_element_iterator_lists_exactly_the_entries_of_its_map()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("map_elem_iter")).Load();
            var numbers = obj.Maps["numbers"];
            var expected = new HashSet<string>();
            for (uint key = 1; key <= 40; key += 3)
            {
                ulong value = (ulong)key * key * 1_000_003;
                numbers.Update(key, value);
                expected.Add($"{key} {value}");
            }

            using var iterator = obj.Programs["dump_numbers"].AttachIterator(new IteratorOptions { Map = numbers });
            var lines = iterator.ReadLines().ToList();
            Assert.Equal(expected.Count, lines.Count);
            Assert.Equal(expected, lines.ToHashSet());

            numbers.Delete(1u);
            expected.Remove("1 1000003");
            Assert.Equal(expected, iterator.ReadLines().ToHashSet());
        });
    }

    [KernelFact(Attach = [AttachKind.Iterator], Iterators = ["bpf_map_elem"])]
    public void A_map_element_iterator_without_a_map_is_refused_saying_it_needs_one()
    {
        using var obj = BpfObjectSpec.Read(BpfObjects.PathOf("map_elem_iter")).Load();
        var error = Assert.ThrowsAny<BpfException>(() => obj.Programs["dump_numbers"].AttachIterator());
        Assert.Contains("IteratorOptions.Map", error.Message);
        Assert.Contains("dump_numbers", error.Message);
    }
}
