using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

/// <summary>The first lookups scan the blob; later ones use the name index. Both must answer alike.</summary>
public class BtfNameLookupTests
{
    [Fact]
    public void Scanned_and_indexed_lookups_find_the_same_types()
    {
        var vmlinux = Fixtures.VmlinuxBtf;
        // Names with one type, several types of different kinds, and none.
        string[] names = ["task_struct", "linux_binprm", "pid_t", "int", "sched_process_exec", "bpf_map", "list_head", "no_such_type_anywhere"];
        var scanning = Nectar.Btf.Btf.Parse(Fixtures.VmlinuxBtfBytes);
        var scanned = names.Select(n => scanning.FindAllByName(n).Select(t => t.Id).ToList()).ToList();
        var indexed = Nectar.Btf.Btf.Parse(Fixtures.VmlinuxBtfBytes);
        indexed.BuildNameIndex();
        for (int i = 0; i < names.Length; i++)
            Assert.Equal(scanned[i], indexed.FindAllByName(names[i]).Select(t => t.Id).ToList());

        Assert.NotEmpty(scanned[0]);
        Assert.Empty(scanned[^1]);
        // Found by a linear walk over every type: the reference answer.
        Assert.Equal(vmlinux.Types.Where(t => t.Name == "list_head").Select(t => t.Id), scanned[6]);
        // A name that is only a suffix of a longer string ("struct" ends "task_struct") is not a match.
        Assert.DoesNotContain(scanning.FindAllByName("struct"), t => t.Name != "struct");
    }
}
