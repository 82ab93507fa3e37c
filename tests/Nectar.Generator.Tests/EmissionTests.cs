using System.Reflection;
using Microsoft.CodeAnalysis;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>The small clang-built fixture: golden output, and values decoded through the generated accessors.</summary>
public class EmissionTests
{
    private static (Compilation Output, System.Collections.Immutable.ImmutableArray<Diagnostic> Diagnostics, GeneratorDriver Driver) Run() =>
        GeneratorHarness.Run([EmissionFixture.Declarations], EmissionFixture.ObjectPath, [EmissionFixture.HeaderPath]);

    [Fact]
    public void Emission_fixture_compiles_without_warnings_and_matches_its_snapshot()
    {
        var (output, diagnostics, driver) = Run();
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(output));
        var sources = driver.GetRunResult().Results.Single().GeneratedSources
            .Where(s => s.HintName.StartsWith("Nectar.Kernel.", StringComparison.Ordinal) || s.HintName.StartsWith("Demo.", StringComparison.Ordinal))
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => "// ---- " + s.HintName + "\n" + s.SourceText);
        Snapshot.Verify(string.Join("\n", sources), "emission");
    }

    [Fact]
    public void Bitfields_anonymous_members_and_enums_decode_the_values_clang_wrote()
    {
        var (output, _, _) = Run();
        Assembly assembly = GeneratedAssembly.Load(output);
        byte[] data = Nectar.Elf.ElfFile.Read(EmissionFixture.ObjectPath).SectionBytes(".data")!;
        // llvm-objdump -t: g_flags_init at .data+0 (16 bytes), g_node_init at .data+16 (64 bytes).
        Assert.Equal(80, data.Length);

        object flags = GeneratedAssembly.Read(assembly.GetType("Nectar.Kernel.Flags")!, data, 0);
        Assert.Equal(1u, GeneratedAssembly.Get(flags, "A"));
        Assert.Equal(5u, GeneratedAssembly.Get(flags, "B"));
        Assert.Equal(-3, GeneratedAssembly.Get(flags, "S"));
        Assert.Equal(true, GeneratedAssembly.Get(flags, "On"));
        Assert.Equal(-2, Convert.ToInt32(GeneratedAssembly.Get(flags, "Where")));
        Assert.Equal("Before", GeneratedAssembly.Get(flags, "Where")!.ToString());
        Assert.Equal(0xABCDE12345UL, GeneratedAssembly.Get(flags, "Wide"));
        Assert.Equal((byte)0x7f, GeneratedAssembly.Get(flags, "Tail"));

        object node = GeneratedAssembly.Read(assembly.GetType("Nectar.Kernel.Node")!, data, 16);
        Assert.Equal(42, GeneratedAssembly.Get(node, "Pid"));   // through the anonymous union's first struct
        Assert.Equal(43, GeneratedAssembly.Get(node, "Tgid"));
        Assert.Equal(42UL | (43UL << 32), GeneratedAssembly.Get(node, "Key")); // the same bytes through the second struct
        object pos = GeneratedAssembly.Get(node, "Pos")!;
        Assert.Equal((ushort)9, GeneratedAssembly.Get(pos, "X"));
        Assert.Equal((ushort)0xABC, GeneratedAssembly.Get(pos, "Y"));
        Assert.Equal("Blue", GeneratedAssembly.Get(node, "Colour")!.ToString());
        Assert.Equal("TinyB", GeneratedAssembly.Get(node, "Small")!.ToString());
        Assert.Equal("WideBig", GeneratedAssembly.Get(node, "Big")!.ToString());
    }

    [Fact]
    public void Bitfield_setters_write_only_their_own_bits()
    {
        var (output, _, _) = Run();
        Assembly assembly = GeneratedAssembly.Load(output);
        byte[] data = Nectar.Elf.ElfFile.Read(EmissionFixture.ObjectPath).SectionBytes(".data")!;
        Type type = assembly.GetType("Nectar.Kernel.Flags")!;
        object flags = GeneratedAssembly.Read(type, data, 0);
        type.GetProperty("S")!.SetValue(flags, 7);
        type.GetProperty("B")!.SetValue(flags, 2u);
        Assert.Equal(7, GeneratedAssembly.Get(flags, "S"));
        Assert.Equal(2u, GeneratedAssembly.Get(flags, "B"));
        Assert.Equal(1u, GeneratedAssembly.Get(flags, "A"));
        Assert.Equal(true, GeneratedAssembly.Get(flags, "On"));
        Assert.Equal(0xABCDE12345UL, GeneratedAssembly.Get(flags, "Wide"));
    }

    [Fact]
    public void Raw_tracepoint_args_narrow_each_slot_as_btf_says()
    {
        var (output, diagnostics, driver) = Run();
        Assert.Empty(diagnostics);
        Assembly assembly = GeneratedAssembly.Load(output);
        Type args = assembly.GetType("Demo.DemoEventArgs")!;
        Assert.Equal(5 * 8, GeneratedAssembly.SizeOf(args));
        // The kernel widens each argument to u64 with a C cast: negative shorts are sign-extended.
        byte[] slots = new byte[40];
        BitConverter.GetBytes(0xffff8880_00001000UL).CopyTo(slots, 0);
        BitConverter.GetBytes(unchecked((ulong)(long)-5)).CopyTo(slots, 8);
        BitConverter.GetBytes(1UL).CopyTo(slots, 16);
        BitConverter.GetBytes(unchecked((ulong)(long)-2)).CopyTo(slots, 24);
        BitConverter.GetBytes(0x1FFUL).CopyTo(slots, 32);
        object value = GeneratedAssembly.Read(args, slots, 0);
        Assert.Equal("Nectar.KernelPtr`1[Nectar.Kernel.Node]", args.GetProperty("N")!.PropertyType.ToString());
        Assert.Equal((short)-5, GeneratedAssembly.Get(value, "Delta"));
        Assert.Equal(true, GeneratedAssembly.Get(value, "Flag"));
        Assert.Equal("Before", GeneratedAssembly.Get(value, "Where")!.ToString());
        Assert.Equal((byte)0xFF, GeneratedAssembly.Get(value, "Level"));
        Assert.Equal("0xffff888000001000", GeneratedAssembly.Get(value, "N")!.ToString());
    }
}
