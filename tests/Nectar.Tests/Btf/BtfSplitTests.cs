using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

/// <summary>Module (split) BTF over the vmlinux base, made with the writer (this machine has no module BTF).</summary>
public class BtfSplitTests
{
    private static Nectar.Btf.Btf Vmlinux => Fixtures.VmlinuxBtf;

    private static (byte[] Blob, uint Thing) MakeModule()
    {
        var builder = new BtfBuilder(Vmlinux);
        uint task = Vmlinux.GetByName("task_struct", BtfKind.Struct).Id;
        uint u32 = Vmlinux.GetByName("u32", BtfKind.Typedef).Id;
        uint taskPointer = builder.AddPointer(task);
        uint thingPointer = builder.AddPointer(builder.NextTypeId + 1); // the struct added next points to itself
        uint thing = builder.AddStruct("nectar_module_thing", 24,
        [
            new BtfMember("owner", taskPointer, 0, 0),
            new BtfMember("next", thingPointer, 64, 0),
            new BtfMember("flags", u32, 128, 3),
            new BtfMember("pid", u32, 131, 29),
        ]);
        builder.AddTypedef("nectar_module_thing_t", thing);
        // A name the base also has: lookups find the base's first, as libbpf does.
        builder.AddStruct("task_struct", 8, [new BtfMember("shadow", u32, 0, 0)]);
        return (builder.ToArray(), thing);
    }

    [Fact]
    public void Ids_continue_from_the_base_and_names_resolve_across()
    {
        var (blob, thingId) = MakeModule();
        var module = Nectar.Btf.Btf.Parse(blob, Vmlinux);

        Assert.Same(Vmlinux, module.Base);
        Assert.Equal(Vmlinux.LastTypeId + 1, module.FirstTypeId);
        Assert.Equal(Vmlinux.LastTypeId + 5, module.LastTypeId);
        Assert.Equal(5, module.OwnTypeCount);

        var thing = module.GetByName("nectar_module_thing", BtfKind.Struct);
        Assert.Equal(thingId, thing.Id);
        Assert.Same(module, thing.Owner);
        Assert.Equal(thing.Id, module.SkipModifiersAndTypedefs(module.GetByName("nectar_module_thing_t", BtfKind.Typedef).Id).Id);

        // A base type reached through a module type, and base names found from the module.
        var owner = module.FindMember(thing.Id, "owner")!.Value;
        var task = module.GetType(module.GetType(owner.TypeId).TypeId);
        Assert.Equal("task_struct", task.Name);
        Assert.Same(Vmlinux, task.Owner);
        Assert.Equal(Vmlinux.GetByName("task_struct", BtfKind.Struct), module.GetByName("task_struct", BtfKind.Struct));
        Assert.Equal(2, module.FindAllByName("task_struct").Count);
        Assert.Equal(module.FindMember(task.Id, "pid"), Vmlinux.FindMember(task.Id, "pid"));

        var pid = module.FindMember(thing.Id, "pid")!.Value;
        Assert.Equal((131u, 29u), (pid.BitOffset, pid.BitfieldSize));
        Assert.Equal(24u, module.SizeOf(thing.Id));
        Assert.Equal(8u, module.AlignOf(thing.Id));
    }

    [Fact]
    public void Module_strings_are_offset_by_the_base_string_length()
    {
        var (blob, thingId) = MakeModule();
        var module = Nectar.Btf.Btf.Parse(blob, Vmlinux);
        var thing = module.GetType(thingId);

        Assert.True(thing.NameOffset >= Vmlinux.TotalStringLength, $"name offset {thing.NameOffset} is inside the base's strings");
        Assert.Equal("nectar_module_thing", module.GetString(thing.NameOffset));
        Assert.Equal(Vmlinux.TotalStringLength + (uint)BitConverter.ToInt32(blob, 20), module.TotalStringLength);
        // The base cannot resolve the module's offsets.
        Assert.Throws<BtfException>(() => Vmlinux.GetString(thing.NameOffset));
    }

    [Fact]
    public void Split_btf_round_trips_through_the_writer_and_its_closure_stands_alone()
    {
        var (blob, thingId) = MakeModule();
        var module = Nectar.Btf.Btf.Parse(blob, Vmlinux);

        var again = Nectar.Btf.Btf.Parse(BtfWriter.Write(module), Vmlinux);
        Assert.Equal(BtfWriterTests.Text(module), BtfWriterTests.Text(again));

        var standalone = Nectar.Btf.Btf.Parse(BtfWriter.WriteClosure(module, [thingId]));
        Assert.Null(standalone.Base);
        var thing = standalone.GetByName("nectar_module_thing", BtfKind.Struct);
        Assert.Equal(module.SizeOf(thingId), standalone.SizeOf(thing.Id));
        var owner = standalone.FindMember(thing.Id, "owner")!.Value;
        Assert.Equal(Vmlinux.GetByName("task_struct", BtfKind.Struct).Size, standalone.GetType(standalone.GetType(owner.TypeId).TypeId).Size);
    }

    [Fact]
    public void Split_btf_without_its_base_is_refused()
    {
        var (blob, _) = MakeModule();
        var error = Assert.Throws<BtfException>(() => Nectar.Btf.Btf.Parse(blob));
        Assert.True(error.Offset >= 0, error.Message);
    }
}
