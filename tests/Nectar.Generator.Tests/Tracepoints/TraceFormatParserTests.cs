extern alias gen;
using gen::Nectar.Generator.Tracepoints;
using Nectar.Testing;

namespace Nectar.Generator.Tests.Tracepoints;

public class TraceFormatParserTests
{
    [Fact]
    public void Sched_process_exec_format_has_common_header_and_data_loc_filename()
    {
        TraceFormat f = TraceFormatParser.Parse(File.ReadAllText(Fixtures.PathOf("tracefs/sched/sched_process_exec/format")));
        Assert.Equal("sched_process_exec", f.Name);
        Assert.True(f.Id > 0);
        Assert.Equal(["common_type", "common_flags", "common_preempt_count", "common_pid", "filename", "pid", "old_pid"],
            f.Fields.Select(x => x.Name));
        Assert.Equal(4, f.Fields.Count(x => x.Common));
        TraceFormatField filename = f.Fields[4];
        Assert.True(filename.DataLoc);
        Assert.Equal("char", filename.CType);
        Assert.Equal(-1, filename.ArrayLength);
        Assert.Equal((8, 4, false), (filename.Offset, filename.Size, filename.Signed));
        TraceFormatField oldPid = f.Fields[6];
        Assert.Equal(("pid_t", 16, 4, true), (oldPid.CType, oldPid.Offset, oldPid.Size, oldPid.Signed));
        Assert.StartsWith("\"filename=%s", f.PrintFormat);
    }

    [Fact]
    public void Fixed_arrays_keep_their_length()
    {
        TraceFormat f = TraceFormatParser.Parse(File.ReadAllText(Fixtures.PathOf("tracefs/raw_syscalls/sys_enter/format")));
        TraceFormatField args = Assert.Single(f.Fields, x => x.Name == "args");
        Assert.Equal(("unsigned long", 6, 48), (args.CType, args.ArrayLength, args.Size));
        TraceFormat sw = TraceFormatParser.Parse(File.ReadAllText(Fixtures.PathOf("tracefs/sched/sched_switch/format")));
        Assert.Equal(16, Assert.Single(sw.Fields, x => x.Name == "next_comm").ArrayLength);
    }

    [Fact]
    public void Every_fixture_format_parses_with_increasing_offsets()
    {
        foreach (string file in Directory.GetFiles(Fixtures.PathOf("tracefs"), "format", SearchOption.AllDirectories))
        {
            TraceFormat f = TraceFormatParser.Parse(File.ReadAllText(file));
            Assert.True(f.Fields.Count >= 5, file);
            for (int i = 1; i < f.Fields.Count; i++) Assert.True(f.Fields[i].Offset >= f.Fields[i - 1].Offset + f.Fields[i - 1].Size, file);
        }
    }

    [Theory]
    [InlineData("ID: 3\nformat:\n", "no 'name:' line")]
    [InlineData("name: x\nID: abc\n", "ID is not a number")]
    [InlineData("name: x\nformat:\n\tfield:int a;\toffset:0;\n", "needs 'offset:' and 'size:'")]
    [InlineData("name: x\nformat:\n\tfield:int a;\toffset:zero;\tsize:4;\n", "is not '<key>:<number>'")]
    public void Malformed_formats_throw_a_format_exception_naming_the_problem(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => TraceFormatParser.Parse(text));
        Assert.Contains(message, e.Message);
    }
}
