using Nectar.Links;
using Nectar.Programs;

namespace Nectar.Tests.Programs;

public class UprobeSectionTests
{
    [Theory]
    [InlineData("uprobe", AttachKind.Uprobe, "", false)]
    [InlineData("uretprobe", AttachKind.Uretprobe, "", false)]
    [InlineData("uprobe/libc.so.6:malloc", AttachKind.Uprobe, "libc.so.6:malloc", false)]
    [InlineData("uretprobe//usr/bin/bash:readline", AttachKind.Uretprobe, "/usr/bin/bash:readline", false)]
    [InlineData("uprobe.s/libc.so.6:malloc+4", AttachKind.Uprobe, "libc.so.6:malloc+4", true)]
    [InlineData("uretprobe.s", AttachKind.Uretprobe, "", true)]
    public void Uprobe_sections_are_kprobe_programs_with_a_binary_and_function_target(string name, AttachKind kind, string target, bool sleepable)
    {
        var section = ProgramSection.Parse(name);
        Assert.Equal((kind, ProgramType.Kprobe, AttachType.None, target, sleepable),
            (section.Kind, section.Type, section.ExpectedAttachType, section.Target, section.IsSleepable));
        Assert.True(section.IsSupported);
    }

    [Theory]
    [InlineData("kprobe/do_sys_openat2")]
    [InlineData("uprobe.multi/libc.so.6:malloc")]
    [InlineData("uprobes/libc.so.6:malloc")]
    public void Other_sections_are_not_sleepable_uprobes(string name)
    {
        var section = ProgramSection.Parse(name);
        Assert.False(section.IsSleepable);
        Assert.NotEqual(AttachKind.Uprobe, section.Kind);
    }

    [Theory]
    [InlineData("libc.so.6:malloc", "libc.so.6", "malloc", 0UL)]
    [InlineData("/usr/bin/bash:readline", "/usr/bin/bash", "readline", 0UL)]
    [InlineData("libc.so.6:malloc+4", "libc.so.6", "malloc", 4UL)]
    [InlineData("libc.so.6:malloc+0x1f", "libc.so.6", "malloc", 31UL)]
    [InlineData("libc.so.6:malloc@@GLIBC_2.2.5", "libc.so.6", "malloc@@GLIBC_2.2.5", 0UL)]
    [InlineData("./a:b:main", "./a:b", "main", 0UL)]
    public void Target_is_binary_colon_function_plus_offset(string text, string binary, string function, ulong offset)
        => Assert.Equal(new UprobeTarget(binary, function, offset), UprobeTarget.Parse(text));

    [Theory]
    [InlineData("libc.so.6")]
    [InlineData("libc.so.6:")]
    [InlineData(":malloc")]
    [InlineData("libc.so.6:malloc+")]
    [InlineData("libc.so.6:malloc+zz")]
    [InlineData("libc.so.6:malloc+-4")]
    [InlineData("libc.so.6:+4")]
    [InlineData("libc.so.6:malloc+0x")]
    [InlineData("libc.so.6:malloc+99999999999999999999999")]
    public void Malformed_target_is_a_typed_error_showing_the_syntax(string text)
    {
        var error = Assert.Throws<UprobeTargetException>(() => UprobeTarget.Parse(text));
        Assert.Equal(UprobeTargetProblem.BadSyntax, error.Problem);
        Assert.Contains(text, error.Message);
        Assert.Contains("uprobe/libc.so.6:malloc", error.Message);
    }

    [Fact]
    public void Library_names_resolve_in_the_library_directories_and_programs_on_PATH()
    {
        string libc = UprobeTarget.ResolveBinary("libc.so.6");
        Assert.True(Path.IsPathRooted(libc) && File.Exists(libc), libc);
        Assert.EndsWith("/libc.so.6", libc);
        string shell = UprobeTarget.ResolveBinary("sh");
        Assert.True(Path.IsPathRooted(shell) && File.Exists(shell), shell);
    }

    [Theory]
    [InlineData("libnectar-no-such.so.1", "LD_LIBRARY_PATH")]
    [InlineData("nectar-no-such-program", "PATH")]
    [InlineData("/no/such/dir/libc.so.6", "/no/such/dir/libc.so.6")]
    public void Missing_binary_is_a_typed_error_naming_it_and_where_it_was_looked_for(string binary, string expected)
    {
        var error = Assert.Throws<UprobeTargetException>(() => UprobeTarget.ResolveBinary(binary));
        Assert.Equal(UprobeTargetProblem.BinaryNotFound, error.Problem);
        Assert.Contains(binary, error.Message);
        Assert.Contains(expected, error.Message);
    }
}
