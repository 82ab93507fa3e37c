using Nectar.Elf;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Maps;

/// <summary>
/// Program arrays and maps of maps as libbpf declares them: __array(values, ...) gives the slots'
/// kind (programs, or maps shaped like the inner definition) and the static initializer, read
/// from .rel.maps, says which slot holds which program or map.
/// </summary>
public class MapSlotDefinitionTests
{
    [Fact]
    public void A_program_array_initializer_names_a_program_per_slot()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("tail_calls"));
        var table = spec.Maps["jump_table"];
        Assert.Equal((MapType.ProgArray, 4u, 4u, 4u), (table.Attributes.Type, table.Attributes.KeySize, table.Attributes.ValueSize, table.Attributes.MaxEntries));
        Assert.Null(table.Attributes.InnerMap);
        Assert.Equal([new MapSlot(0, "slot_zero"), new MapSlot(2, "slot_two")], table.InitialSlots);
        Assert.Empty(spec.Maps["counts"].InitialSlots);
    }

    [Fact]
    public void A_map_of_maps_takes_its_inner_definition_as_template_and_its_initializer_names_maps()
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("map_in_map"));
        var array = spec.Maps["outer_array"];
        Assert.Equal((MapType.ArrayOfMaps, 4u, 4u, 4u), (array.Attributes.Type, array.Attributes.KeySize, array.Attributes.ValueSize, array.Attributes.MaxEntries));
        var inner = Assert.IsType<MapAttributes>(array.Attributes.InnerMap);
        Assert.Equal(("outer_array.inner", MapType.Array, 4u, 8u, 1u), (inner.Name, inner.Type, inner.KeySize, inner.ValueSize, inner.MaxEntries));
        Assert.Equal([new MapSlot(0, "inner_a"), new MapSlot(1, "inner_b")], array.InitialSlots);

        var hash = spec.Maps["outer_hash"];
        Assert.Equal((MapType.HashOfMaps, 4u, 8u), (hash.Attributes.Type, hash.Attributes.ValueSize, hash.Attributes.MaxEntries));
        Assert.Equal(("outer_hash.inner", MapType.Array, 8u), (hash.Attributes.InnerMap!.Name, hash.Attributes.InnerMap.Type, hash.Attributes.InnerMap.ValueSize));
        Assert.Equal([new MapSlot(3, "inner_b")], hash.InitialSlots);
        // The inner maps themselves are ordinary maps of the object.
        Assert.Null(spec.Maps["inner_a"].Attributes.InnerMap);
    }

    private const string Prelude = """
        #include <linux/bpf.h>
        #include <bpf/bpf_helpers.h>
        SEC("raw_tp/sys_enter") int prog(void *ctx) { return 0; }
        char LICENSE[] SEC("license") = "GPL";

        """;

    [OracleTheory(Oracle.Clang)]
    [InlineData("a variable", """
        __u64 not_a_program;
        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __uint(key_size, 4); __array(values, int (void *)); }
        jump SEC(".maps") = { .values = { [1] = (void *)&not_a_program } };
        """, "slot 1 of map 'jump' names the variable 'not_a_program' (in section '.bss'), not a program", "Store &program there")]
    [InlineData("a subprogram", """
        __attribute__((noinline)) int helper(void *ctx) { return ctx != 0; }
        SEC("raw_tp/sys_exit") int caller(void *ctx) { return helper(ctx); }
        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 4); __uint(key_size, 4); __array(values, int (void *)); }
        jump SEC(".maps") = { .values = { [2] = (void *)&helper } };
        """, "slot 2 of map 'jump' names the subprogram 'helper' (in section '.text'), not a program", "SEC(")]
    [InlineData("a program in a map of maps", """
        struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 2); __type(key, __u32);
                 __array(values, struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); }); }
        outer SEC(".maps") = { .values = { (void *)&prog } };
        """, "slot 0 of map 'outer' names the function 'prog' (in section 'raw_tp/sys_enter'), not a map", "Store &map there")]
    [InlineData("a slot past max_entries", """
        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __uint(key_size, 4); __array(values, int (void *)); }
        jump SEC(".maps") = { .values = { [5] = (void *)&prog } };
        """, "map 'jump' stores 'prog' in slot 5, but it has max_entries 2", "at least 6")]
    [InlineData("a slot of a map with 8-byte keys", """
        struct inner { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); } inner_map SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS); __uint(max_entries, 2); __type(key, __u64); __array(values, struct inner); }
        outer SEC(".maps") = { .values = { [1] = &inner_map } };
        """, "map 'outer' stores 'inner_map' in slot 1, but its keys are 8 bytes", "Declare __type(key, __u32)")]
    [InlineData("an inner definition that is not a struct", """
        struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 2); __type(key, __u32); __array(values, int); }
        outer SEC(".maps");
        """, "map 'outer' is a map of maps whose inner map definition is an integer type ('int'), not a struct", "__array(values, struct {")]
    [InlineData("values on a hash map", """
        struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 2); __type(key, __u32); __array(values, int (void *)); }
        hash SEC(".maps");
        """, "map 'hash' declares 'values' but is a Hash map", "BPF_MAP_TYPE_PROG_ARRAY")]
    [InlineData("a program array of structs", """
        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __uint(key_size, 4); __array(values, struct { int x; }); }
        jump SEC(".maps");
        """, "map 'jump' is a program array, so its values are programs", "__array(values, int (void *))")]
    [InlineData("an inner map with values of its own", """
        struct inner { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 1); __type(key, __u32);
                       __array(values, struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u32); }); };
        struct { __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS); __uint(max_entries, 2); __type(key, __u32); __array(values, struct inner); }
        outer SEC(".maps");
        """, "map 'outer.inner' (an inner map definition) declares 'values' itself", "Give the inner definition no __array(values")]
    [InlineData("a value size that is not an fd", """
        struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 2); __uint(key_size, 4); __uint(value_size, 8); __array(values, int (void *)); }
        jump SEC(".maps");
        """, "map 'jump' declares value_size 8", "Remove value_size")]
    public void Bad_slot_declarations_are_refused_naming_the_map_the_slot_and_the_fix(string what, string source, string problem, string fix)
    {
        var error = Assert.Throws<ElfException>(() => Compile(Prelude + source));
        Assert.True(error.Message.Contains(problem, StringComparison.Ordinal) && error.Message.Contains(fix, StringComparison.Ordinal),
            $"{what}: {error.Message}");
    }

    private static BpfObjectSpec Compile(string source)
    {
        var dir = Directory.CreateTempSubdirectory("nectar-slots-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "bad.bpf.c"), source);
            var result = Processes.Run(Clang.Command, ["-g", "-O2", "-target", "bpf", "-idirafter", "/usr/include/x86_64-linux-gnu", "-c", "bad.bpf.c", "-o", "bad.bpf.o"], dir.FullName);
            Assert.True(result.ExitCode == 0, result.Error);
            return BpfObjectSpec.Read(Path.Combine(dir.FullName, "bad.bpf.o"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
