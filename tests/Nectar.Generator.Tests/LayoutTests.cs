extern alias gen;
using System.Reflection;
using System.Runtime.InteropServices;
using Nectar.Btf;
using Xunit.Abstractions;
using Nectar.Testing;
using BtfData = Nectar.Btf.Btf;

namespace Nectar.Generator.Tests;

/// <summary>
/// The generated structs, compiled and loaded, have the size and field offsets BTF says: checked with
/// Unsafe.SizeOf and ldflda on the real runtime layout, against the runtime's own BTF reader.
/// </summary>
public class LayoutTests(ITestOutputHelper output)
{
    // Large, heavily nested types: their by-value closure covers unions, anonymous members, bitfields and arrays;
    // kvm_ioapic_state and net_device_path_ctx hold arrays of anonymous unions and structs.
    private static readonly string[] VmlinuxTypes =
        ["kvm_ioapic_state", "net_device_path_ctx", "task_struct", "linux_binprm", "page", "sk_buff", "file", "inode", "mm_struct", "bpf_prog", "sock", "trace_entry",
         "net_device", "super_block", "bpf_map", "cgroup", "bio", "vm_area_struct", "dentry", "tcp_sock", "perf_event", "pt_regs", "xdp_buff"];

    [Fact]
    public void Every_type_emitted_from_vmlinux_has_the_btf_size_and_field_offsets()
    {
        string declarations = string.Join("\n", VmlinuxTypes.Select(t => $"[assembly: Nectar.KernelType(\"{t}\")]"));
        var (compilation, diagnostics, _) = GeneratorHarness.Run([declarations], GeneratorHarness.VmlinuxPath);
        Assert.Empty(diagnostics.Where(d => d.Severity != Microsoft.CodeAnalysis.DiagnosticSeverity.Info)); // NECTAR022: kernel names that clash (d_name, __d_name)
        int checkedTypes = AssertLayoutMatches(GeneratedAssembly.Load(compilation), Fixtures.VmlinuxBtf);
        output.WriteLine($"{checkedTypes} top-level types checked (nested anonymous types through their fields)");
        Assert.True(checkedTypes > 150, $"only {checkedTypes} types checked");
    }

    [Fact]
    public void Every_type_emitted_from_the_emission_fixture_has_the_btf_size_and_field_offsets()
    {
        var (compilation, diagnostics, _) = GeneratorHarness.Run([EmissionFixture.Declarations], EmissionFixture.ObjectPath, [EmissionFixture.HeaderPath]);
        Assert.Empty(diagnostics.Where(d => d.Severity != Microsoft.CodeAnalysis.DiagnosticSeverity.Info)); // NECTAR022: kernel names that clash (d_name, __d_name)
        int checkedTypes = AssertLayoutMatches(GeneratedAssembly.Load(compilation), BtfData.Load(EmissionFixture.ObjectPath));
        Assert.True(checkedTypes >= 10, $"only {checkedTypes} types checked");
    }

    private static int AssertLayoutMatches(Assembly assembly, BtfData btf)
    {
        int count = 0;
        foreach (Type type in assembly.GetTypes().Where(t => t.Namespace == "Nectar.Kernel" && !t.IsNested && t.IsValueType && !t.IsGenericTypeDefinition))
        {
            if (type.IsEnum)
            {
                // Enums carry no BtfName constant: the one enum whose C name the naming rule turns into the type's.
                BtfType e = btf.Types.First(t => t.IsEnum && !t.IsAnonymous && gen::Nectar.Generator.Emit.CSharpNames.Pascal(t.Name) == type.Name);
                Assert.True(Marshal.SizeOf(Enum.GetUnderlyingType(type)) == (int)e.Size, $"enum {type.Name}");
            }
            else
            {
                AssertComposite(type, Find(btf, (string)type.GetField("BtfName")!.GetRawConstantValue()!), btf);
            }
            count++;
        }
        return count;
    }

    private static BtfType Find(BtfData btf, string name)
    {
        name = name.TrimStart('@');
        return btf.FindByName(name, BtfKind.Struct) ?? btf.FindByName(name, BtfKind.Union)
            ?? btf.SkipModifiersAndTypedefs(btf.GetByName(name, BtfKind.Typedef).Id);
    }

    internal static void AssertComposite(Type type, BtfType composite, BtfData btf)
    {
        if (composite.Size > 0)
            Assert.True(GeneratedAssembly.SizeOf(type) == (int)composite.Size, $"{type.FullName}: Unsafe.SizeOf is {GeneratedAssembly.SizeOf(type)}, BTF size {composite.Size}");
        var members = composite.Members;
        var unnamed = members.Where(m => m.Name.Length == 0).ToList();
        // Public fields carry the C names by the naming rule (a trailing _ where the name is the type's); private ones are
        // typed pointers' storage (_Name) and bitfield storage (_bits…); anonymous members are AnonymousN.
        // The naming rule's clash resolution: fewer leading underscores first, then declaration order; later ones get _2.
        var byName = new Dictionary<string, BtfMember>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal) { type.Name };
        foreach (BtfMember m in members.Where(m => m.Name.Length > 0).OrderBy(m => gen::Nectar.Generator.Emit.CSharpNames.LeadingUnderscores(m.Name)))
        {
            string pascal = gen::Nectar.Generator.Emit.CSharpNames.Pascal(m.Name);
            byName[gen::Nectar.Generator.Emit.CSharpNames.Unique(pascal == type.Name ? pascal + "_" : pascal, used)] = m;
        }
        foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (field.Name.StartsWith("_bits", StringComparison.Ordinal))
                continue;
            BtfMember member;
            if (field.IsPrivate)
                member = byName[field.Name.Substring(1)];
            else if (field.Name.StartsWith("Anonymous", StringComparison.Ordinal) && int.TryParse(field.Name.AsSpan("Anonymous".Length), out int index))
                member = unnamed[index];
            else
                member = byName[field.Name];
            Assert.True(GeneratedAssembly.OffsetOf(field) == (int)member.ByteOffset, $"{type.FullName}.{field.Name}: runtime offset {GeneratedAssembly.OffsetOf(field)}, BTF {member.ByteOffset}");
            uint size = btf.SizeOf(member.TypeId);
            Assert.True(GeneratedAssembly.SizeOf(field.FieldType) == (int)size, $"{type.FullName}.{field.Name}: {field.FieldType} is {GeneratedAssembly.SizeOf(field.FieldType)} bytes, BTF {size}");
            BtfType memberType = btf.SkipModifiersAndTypedefs(member.TypeId);
            Type fieldType = field.FieldType;
            // An array of an anonymous composite is InlineArrayN<...<Nested>>: descend to the nested element type.
            while (memberType.Kind == BtfKind.Array && memberType.Array.Count > 0 && fieldType.IsGenericType && fieldType.Name.StartsWith("InlineArray", StringComparison.Ordinal))
            {
                Assert.True(GeneratedAssembly.SizeOf(fieldType) == (int)btf.SizeOf(memberType.Id), $"{type.FullName}.{field.Name}: {fieldType} is {GeneratedAssembly.SizeOf(fieldType)} bytes, BTF {btf.SizeOf(memberType.Id)}");
                memberType = btf.SkipModifiersAndTypedefs(memberType.Array.ElementTypeId);
                fieldType = fieldType.GetGenericArguments()[0];
            }
            if (fieldType.IsNested && memberType.IsComposite)
                AssertComposite(fieldType, memberType, btf);
        }
    }
}
