using System.Buffers.Binary;
using Nectar.Btf;
using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Programs.Externs;

/// <summary>
/// The externs of bpf/externs.bpf.o as the loader reads them, the .kconfig value it builds from a
/// given config, the BTF ids it patches in, and its errors: all without a kernel (the "kernel" is
/// a config text and a small BTF made here).
/// </summary>
public class ExternObjectTests
{
    private static readonly BpfObjectSpec Spec = BpfObjectSpec.Read(BpfObjects.PathOf("externs"));

    private const string Config = """
        CONFIG_BPF_SYSCALL=y
        CONFIG_BPF_JIT=m
        CONFIG_HZ=1000
        CONFIG_PHYSICAL_START=0x200000
        CONFIG_DEFAULT_HOSTNAME="a-hostname-longer-than-16"
        """;

    private static KernelFacts Facts(string? config = Config) =>
        new(() => 0x060C05, () => true, () => false, () => config is null ? null : KernelConfig.Parse(config, "test.config"));

    [Fact]
    public void Externs_are_read_with_their_kind_and_weakness()
    {
        var byName = Spec.Externs.ToDictionary(e => e.Name);
        Assert.Equal(
            ["CONFIG_BPF_JIT", "CONFIG_BPF_SYSCALL", "CONFIG_DEFAULT_HOSTNAME", "CONFIG_HZ", "CONFIG_NECTAR_NOT_A_CONFIG", "CONFIG_PHYSICAL_START",
             "LINUX_HAS_BPF_COOKIE", "LINUX_HAS_SYSCALL_WRAPPER", "LINUX_KERNEL_VERSION", "bpf_nectar_not_a_kfunc", "bpf_rcu_read_lock", "bpf_rcu_read_unlock", "bpf_task_from_pid", "bpf_task_release"],
            byName.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ExternKind.KernelFunction, byName["bpf_task_from_pid"].Kind);
        Assert.True(byName["bpf_nectar_not_a_kfunc"].IsWeak);
        Assert.False(byName["bpf_task_release"].IsWeak);
        Assert.True(byName["CONFIG_NECTAR_NOT_A_CONFIG"].IsWeak);
        Assert.Equal(KconfigValueKind.Bool, byName["CONFIG_BPF_SYSCALL"].ValueKind);
        Assert.Equal(KconfigValueKind.Tristate, byName["CONFIG_BPF_JIT"].ValueKind);
        Assert.Equal(KconfigValueKind.Integer, byName["CONFIG_HZ"].ValueKind);
        Assert.True(byName["CONFIG_HZ"].IsSigned);
        Assert.False(byName["CONFIG_PHYSICAL_START"].IsSigned);
        Assert.Equal(KconfigValueKind.CharArray, byName["CONFIG_DEFAULT_HOSTNAME"].ValueKind);
    }

    [Fact]
    public void Kconfig_values_are_laid_out_aligned_without_overlap_in_a_read_only_frozen_map()
    {
        var kconfig = Spec.Externs.Where(e => e.Kind == ExternKind.Kconfig).OrderBy(e => e.Offset).ToList();
        int end = 0;
        foreach (var e in kconfig)
        {
            Assert.True(e.Offset >= end, $"{e.Name} at {e.Offset} overlaps the value before it (ends at {end})");
            Assert.Equal(0, e.Offset % (int)Spec.Btf!.AlignOf(Spec.Btf.GetType(e.BtfTypeId).TypeId));
            Assert.Equal((int)Spec.Btf.SizeOf(Spec.Btf.GetType(e.BtfTypeId).TypeId), e.Size);
            end = e.Offset + e.Size;
        }
        var map = Spec.Maps[".kconfig"];
        Assert.Equal(MapOrigin.GlobalData, map.Origin);
        Assert.Equal(MapType.Array, map.Attributes.Type);
        Assert.Equal((uint)end, map.Attributes.ValueSize);
        Assert.Equal(MapFlags.ReadOnlyForPrograms, map.Attributes.Flags);
        Assert.True(map.FreezeAfterCreate);
        Assert.Equal("externs.kconfig", map.Attributes.Name);
    }

    [Fact]
    public void Kconfig_value_holds_each_option_at_its_offset()
    {
        byte[] value = KconfigValues.Build(Spec.Externs, Facts());
        var at = Spec.Externs.ToDictionary(e => e.Name);
        Span<byte> Bytes(string name) => value.AsSpan(at[name].Offset, at[name].Size);
        Assert.Equal(0x060C05, BinaryPrimitives.ReadInt32LittleEndian(Bytes("LINUX_KERNEL_VERSION")));
        Assert.Equal([0], Bytes("LINUX_HAS_SYSCALL_WRAPPER").ToArray());
        Assert.Equal([1], Bytes("LINUX_HAS_BPF_COOKIE").ToArray());
        Assert.Equal([1], Bytes("CONFIG_BPF_SYSCALL").ToArray());
        Assert.Equal(2, BinaryPrimitives.ReadInt32LittleEndian(Bytes("CONFIG_BPF_JIT")));
        Assert.Equal(1000, BinaryPrimitives.ReadInt32LittleEndian(Bytes("CONFIG_HZ")));
        Assert.Equal(0x200000UL, BinaryPrimitives.ReadUInt64LittleEndian(Bytes("CONFIG_PHYSICAL_START")));
        Assert.Equal("a-hostname-long\0"u8.ToArray(), Bytes("CONFIG_DEFAULT_HOSTNAME").ToArray());
        Assert.Equal(new byte[4], Bytes("CONFIG_NECTAR_NOT_A_CONFIG").ToArray()); // weak and absent: zero
    }

    [Fact]
    public void A_missing_option_that_is_not_weak_names_itself_and_the_fix()
    {
        var error = Assert.Throws<BpfExternException>(() => KconfigValues.Build(Spec.Externs, Facts(Config.Replace("CONFIG_HZ=1000", ""))));
        Assert.Equal("CONFIG_HZ", error.ExternName);
        Assert.Contains("not set in this kernel's config (test.config)", error.Message);
        Assert.Contains("__weak", error.Message);
    }

    [Fact]
    public void Without_any_kernel_config_a_config_extern_that_is_not_weak_says_where_it_looked()
    {
        var error = Assert.Throws<BpfExternException>(() => KconfigValues.Build(Spec.Externs, Facts(config: null)));
        Assert.StartsWith("CONFIG_", error.ExternName);
        Assert.Contains("/proc/config.gz", error.Message);
        Assert.Contains("/boot/config-", error.Message);
    }

    [Fact]
    public void An_extern_of_a_type_no_config_value_fills_is_refused_when_the_object_is_read()
    {
        var error = Assert.Throws<BpfExternException>(() => BpfObjectSpec.Read(BpfObjects.PathOf("extern_unsupported")));
        Assert.Equal("CONFIG_NECTAR_POINTER", error.ExternName);
        Assert.Contains("has type a pointer", error.Message);
        Assert.Contains("Use bool, enum libbpf_tristate, char, an integer", error.Message);
    }

    [Fact]
    public void Kfuncs_resolve_to_the_kernel_btf_ids_and_a_missing_weak_one_is_left_out()
    {
        var (kernel, ids) = Kernel(withTaskFromPid: true);
        var resolved = KsymResolver.Resolve(Spec.Externs, Spec.Btf!, kernel, Spec.Name);
        Assert.Equal(ids["bpf_task_from_pid"], resolved["bpf_task_from_pid"]);
        Assert.Equal(ids["bpf_task_release"], resolved["bpf_task_release"]);
        Assert.False(resolved.ContainsKey("bpf_nectar_not_a_kfunc"));
    }

    [Fact]
    public void A_missing_kfunc_that_is_not_weak_is_not_in_this_kernels_btf()
    {
        var (kernel, _) = Kernel(withTaskFromPid: false);
        var error = Assert.Throws<BpfExternException>(() => KsymResolver.Resolve(Spec.Externs, Spec.Btf!, kernel, Spec.Name));
        Assert.Equal("bpf_task_from_pid", error.ExternName);
        Assert.Contains("kfunc 'bpf_task_from_pid' is not in this kernel's BTF", error.Message);
        Assert.Contains("bpf_ksym_exists", error.Message);
    }

    [Fact]
    public void A_kfunc_the_kernel_declares_differently_is_refused()
    {
        var (kernel, _) = Kernel(withTaskFromPid: true, taskFromPidParameters: 2);
        var error = Assert.Throws<BpfExternException>(() => KsymResolver.Resolve(Spec.Externs, Spec.Btf!, kernel, Spec.Name));
        Assert.Equal("bpf_task_from_pid", error.ExternName);
        Assert.Contains("declared as a function of 1 parameter(s)", error.Message);
        Assert.Contains("the kernel has a function of 2 parameter(s)", error.Message);
    }

    [Fact]
    public void Calls_become_kfunc_calls_and_a_missing_weak_kfunc_call_is_poisoned()
    {
        var program = Spec.Programs["read_externs"];
        var ids = new Dictionary<string, uint> { ["bpf_task_from_pid"] = 111, ["bpf_task_release"] = 222, ["bpf_rcu_read_lock"] = 333, ["bpf_rcu_read_unlock"] = 444 };
        var patcher = new ExternPatcher(Spec.Elf, Spec.Name, Spec.Externs, ids);
        var instructions = (BpfInstruction[])program.Instructions.Clone();
        var poisoned = patcher.Patch(program, instructions, kconfigMapFd: 77);

        var references = patcher.ReferencesOf(program).ToList();
        int Call(string name) => references.Single(r => r.Name == name && instructions[r.Instruction].Opcode == BpfInstruction.Call).Instruction;
        Assert.Equal((ExternPatcher.PseudoKfuncCall, 111), (instructions[Call("bpf_task_from_pid")].SourceRegister, instructions[Call("bpf_task_from_pid")].Immediate));
        Assert.Equal((ExternPatcher.PseudoKfuncCall, 222), (instructions[Call("bpf_task_release")].SourceRegister, instructions[Call("bpf_task_release")].Immediate));
        int weak = Call("bpf_nectar_not_a_kfunc");
        Assert.Equal(0, instructions[weak].SourceRegister);
        Assert.True(instructions[weak].Immediate >= ExternPatcher.PoisonedKfuncCall);
        Assert.Contains("bpf_ksym_exists(bpf_nectar_not_a_kfunc)", Assert.Single(poisoned).Value);

        // ld_imm64: a kfunc's address by BTF id; a kconfig value as the .kconfig map's value + offset.
        int address = references.Single(r => r.Name == "bpf_rcu_read_lock" && instructions[r.Instruction].IsLoadImm64).Instruction;
        Assert.Equal((ExternPatcher.PseudoBtfId, 333, 0), (instructions[address].SourceRegister, instructions[address].Immediate, instructions[address + 1].Immediate));
        int hz = references.Single(r => r.Name == "CONFIG_HZ").Instruction;
        Assert.Equal((BpfInstruction.PseudoMapValue, 77, Spec.Externs.Single(e => e.Name == "CONFIG_HZ").Offset),
            (instructions[hz].SourceRegister, instructions[hz].Immediate, instructions[hz + 1].Immediate));
    }

    [Fact]
    public void Extern_btf_is_made_acceptable_to_the_kernel_without_moving_type_ids()
    {
        var btf = Spec.Btf!;
        var prepared = Nectar.Btf.Btf.Parse(ExternBtf.Prepare(btf, btf.RawBytes.ToArray(), Spec.Externs));
        Assert.True(prepared.LastTypeId > btf.LastTypeId); // a VAR stands in for the kfuncs
        for (uint id = btf.FirstTypeId; id <= btf.LastTypeId; id++)
            Assert.Equal(btf.GetType(id).Kind, prepared.GetType(id).Kind);

        var kconfig = prepared.GetByName(".kconfig", BtfKind.Datasec);
        Assert.Equal(Spec.Maps[".kconfig"].Attributes.ValueSize, kconfig.Size);
        foreach (var entry in kconfig.DatasecVars)
        {
            var variable = prepared.GetType(entry.TypeId);
            Assert.Equal(1u, variable.VarLinkage);
            Assert.Equal((uint)Spec.Externs.Single(e => e.Name == variable.Name).Offset, entry.Offset);
        }

        var ksyms = prepared.GetByName(".ksyms", BtfKind.Datasec);
        Assert.Equal((uint)(4 * ksyms.Vlen), ksyms.Size);
        Assert.All(ksyms.DatasecVars, entry => Assert.Equal(BtfKind.Var, prepared.GetType(entry.TypeId).Kind));
        var release = prepared.GetByName("bpf_task_release", BtfKind.Func);
        Assert.Equal(1, release.Vlen); // global linkage, not extern
        Assert.All(prepared.GetType(release.TypeId).Params, p => Assert.NotEqual("", p.Name));
    }

    /// <summary>A stand-in kernel BTF with bpf_task_release and, optionally, bpf_task_from_pid.</summary>
    private static (Nectar.Btf.Btf Kernel, Dictionary<string, uint> Ids) Kernel(bool withTaskFromPid, int taskFromPidParameters = 1)
    {
        var builder = new BtfBuilder();
        uint s32 = builder.AddInt("int", 4, BtfIntEncoding.Signed);
        uint task = builder.AddStruct("task_struct", 8, []);
        uint taskPointer = builder.AddPointer(task);
        var ids = new Dictionary<string, uint>();
        if (withTaskFromPid)
        {
            var parameters = Enumerable.Range(0, taskFromPidParameters).Select(i => new BtfParam($"p{i}", s32)).ToList();
            ids["bpf_task_from_pid"] = builder.AddFunc("bpf_task_from_pid", builder.AddFuncProto(taskPointer, parameters), linkage: 0);
        }
        ids["bpf_task_release"] = builder.AddFunc("bpf_task_release", builder.AddFuncProto(0, [new BtfParam("p", taskPointer)]), linkage: 0);
        return (Nectar.Btf.Btf.Parse(builder.ToArray()), ids);
    }
}
