using System.Globalization;
using System.Text.Json;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

/// <summary>bpftool (libbpf) reads the same committed vmlinux BTF; Nectar must see exactly what it sees.</summary>
public class BpftoolOracleTests
{
    private static Nectar.Btf.Btf Vmlinux => Fixtures.VmlinuxBtf;

    [OracleFact(Oracle.Bpftool)]
    public void Struct_sizes_and_member_bit_offsets_equal_bpftools()
    {
        using var json = JsonDocument.Parse(Bpftool.Run("-j", "btf", "dump", "file", Fixtures.VmlinuxBtfPath, "format", "raw"));
        var structs = json.RootElement.GetProperty("types").EnumerateArray()
            .Where(t => t.GetProperty("kind").GetString() is "STRUCT" or "UNION" && t.GetProperty("name").GetString() != "(anon)")
            .ToList();
        // task_struct and linux_binprm, then every 20th named struct or union: several hundred.
        var chosen = structs.Where((t, i) => i % 20 == 0 || t.GetProperty("name").GetString() is "task_struct" or "linux_binprm").ToList();
        Assert.True(chosen.Count > 300, $"only {chosen.Count} structs chosen");
        Assert.Contains(chosen, t => t.GetProperty("name").GetString() == "task_struct");
        Assert.Contains(chosen, t => t.GetProperty("name").GetString() == "linux_binprm");

        int membersCompared = 0;
        foreach (var expected in chosen)
        {
            string name = expected.GetProperty("name").GetString()!;
            var kind = expected.GetProperty("kind").GetString() == "STRUCT" ? BtfKind.Struct : BtfKind.Union;
            var actual = Vmlinux.GetType(expected.GetProperty("id").GetUInt32());
            Assert.Equal((name, kind), (actual.Name, actual.Kind));
            Assert.Equal(expected.GetProperty("size").GetUInt32(), Vmlinux.SizeOf(actual.Id));
            var members = expected.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(members.Count, actual.Vlen);
            for (int i = 0; i < members.Count; i++)
            {
                var member = actual.GetMember(i);
                string expectedName = members[i].GetProperty("name").GetString()!;
                Assert.Equal(expectedName == "(anon)" ? "" : expectedName, member.Name);
                Assert.Equal(members[i].GetProperty("type_id").GetUInt32(), member.TypeId);
                Assert.Equal(members[i].GetProperty("bits_offset").GetUInt32(), member.BitOffset);
                uint bitfield = members[i].TryGetProperty("bitfield_size", out var size) ? size.GetUInt32() : 0;
                Assert.Equal(bitfield, member.BitfieldSize);
                if (member.Name.Length > 0)
                    Assert.Equal(member.BitOffset, Vmlinux.FindMember(actual.Id, member.Name)!.Value.BitOffset);
                membersCompared++;
            }
        }
        Assert.True(membersCompared > 2000, $"only {membersCompared} members compared");
    }

    [OracleFact(Oracle.Bpftool)]
    public void Text_dump_of_the_whole_vmlinux_equals_bpftools_raw_format_line_for_line()
    {
        string expected = Bpftool.Run("btf", "dump", "file", Fixtures.VmlinuxBtfPath, "format", "raw");
        var actual = new StringWriter(CultureInfo.InvariantCulture);
        BtfTextDump.Write(Vmlinux, actual);
        var expectedLines = expected.Split('\n');
        var actualLines = actual.ToString().Split('\n');
        for (int i = 0; i < Math.Min(expectedLines.Length, actualLines.Length); i++)
            Assert.True(expectedLines[i] == actualLines[i], $"line {i + 1}: bpftool '{expectedLines[i]}', Nectar '{actualLines[i]}'");
        Assert.Equal(expectedLines.Length, actualLines.Length);
    }

    [OracleFact(Oracle.Bpftool)]
    public void Bpftool_reads_what_the_writer_writes()
    {
        var binprm = Vmlinux.GetByName("linux_binprm", BtfKind.Struct);
        byte[] blob = BtfWriter.WriteClosure(Vmlinux, [binprm.Id]);
        string path = Path.Combine(Path.GetTempPath(), $"nectar-written-{Environment.ProcessId}.btf");
        File.WriteAllBytes(path, blob);
        try
        {
            var expected = new StringWriter(CultureInfo.InvariantCulture);
            BtfTextDump.Write(Nectar.Btf.Btf.Parse(blob), expected);
            Assert.Equal(expected.ToString(), Bpftool.Run("btf", "dump", "file", path, "format", "raw"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
