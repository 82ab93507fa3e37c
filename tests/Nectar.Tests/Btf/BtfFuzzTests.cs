using System.Buffers.Binary;
using Nectar.Btf;
using Nectar.Testing;

namespace Nectar.Tests.Btf;

/// <summary>
/// Mutates the real vmlinux BTF (seeded, so a failure reproduces) and runs every query on each
/// mutant: the only acceptable outcomes are success and BtfException.
/// </summary>
public class BtfFuzzTests
{
    private const int Seed = 20261125;
    private const int Iterations = 120;

    [Fact]
    public void Mutated_vmlinux_btf_parses_or_raises_btf_exception_for_every_query()
    {
        var original = Fixtures.VmlinuxBtf;
        byte[] bytes = Fixtures.VmlinuxBtfBytes;
        var random = new Random(Seed);
        int parsed = 0, refused = 0, queries = 0;
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            var (mutant, touched) = Mutate((byte[])bytes.Clone(), original, random);
            Nectar.Btf.Btf btf;
            try
            {
                btf = Nectar.Btf.Btf.Parse(mutant);
                parsed++;
            }
            catch (BtfException)
            {
                refused++;
                continue;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"iteration {iteration} (seed {Seed}), parse: {e}");
            }
            var ids = touched.Select(btf.TypeIdAt).Where(id => id != 0).ToList();
            ids.AddRange(ids.SelectMany(id => new[] { id - 1, id + 1 }).Where(id => id >= 1 && id <= btf.LastTypeId).ToList());
            for (int i = 0; i < 5; i++)
                ids.Add((uint)random.Next(1, (int)btf.LastTypeId + 1));
            foreach (uint id in ids.Distinct())
                queries += Exercise(btf, id, iteration, writeClosure: id == ids[0]);
        }
        Assert.True(parsed > Iterations / 4 && refused > Iterations / 20, $"{parsed} mutants parsed, {refused} refused: the mutations are not exploring both");
        Assert.True(queries > 1000, $"only {queries} queries ran");
    }

    /// <summary>Changes one word of a random type record (to another id, itself, a random number), the header, or the length.</summary>
    private static (byte[] Mutant, List<int> Touched) Mutate(byte[] mutant, Nectar.Btf.Btf original, Random random)
    {
        var touched = new List<int>();
        int mutations = random.Next(1, 4);
        for (int m = 0; m < mutations; m++)
        {
            int choice = random.Next(20);
            if (choice == 0)
                return (mutant.AsSpan(0, random.Next(mutant.Length)).ToArray(), touched);
            if (choice == 1)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(mutant.AsSpan(4 * random.Next(1, 6)), (uint)random.Next());
                continue;
            }
            var type = original.GetType((uint)random.Next(1, (int)original.LastTypeId + 1));
            int length = original.RecordBytes(type.RecordOffset).Length;
            int at = type.RecordOffset + 4 * random.Next(length / 4);
            uint value = random.Next(6) switch
            {
                0 => type.Id,                                          // refer to itself
                1 => type.Id + 1,
                2 => (uint)random.Next(1, (int)original.LastTypeId + 1), // another type
                3 => (uint)random.Next(),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(mutant.AsSpan(at)) ^ (1u << random.Next(32)),
                _ => (uint)random.Next(64),
            };
            BinaryPrimitives.WriteUInt32LittleEndian(mutant.AsSpan(at), value);
            touched.Add(at);
        }
        return (mutant, touched);
    }

    /// <summary>Every query on one type; returns how many ran.</summary>
    private static int Exercise(Nectar.Btf.Btf btf, uint id, int iteration, bool writeClosure)
    {
        int count = 0;
        void Query(string what, Action action)
        {
            count++;
            try
            {
                action();
            }
            catch (BtfException)
            {
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"iteration {iteration} (seed {Seed}), type {id}, {what}: {e}");
            }
        }

        var type = btf.GetType(id);
        Query("name", () => _ = type.Name + type.ToString());
        Query("text", () => BtfTextDump.Describe(btf, id));
        Query("size", () => btf.SizeOf(id));
        Query("align", () => btf.AlignOf(id));
        Query("skip", () => btf.SkipModifiersAndTypedefs(id));
        Query("by name", () => btf.FindAllByName(type.Name));
        Query("by name and kind", () => btf.FindByName(type.Name, type.Kind));
        Query("c dump", () => BtfCDump.ToString(btf, [id]));
        if (writeClosure) // the closure can be half the kernel: once per mutant keeps the test to seconds
            Query("closure", () => Nectar.Btf.Btf.Parse(BtfWriter.WriteClosure(btf, [id])));
        switch (type.Kind)
        {
            case BtfKind.Struct or BtfKind.Union:
                Query("members", () =>
                {
                    foreach (var member in type.Members)
                        btf.FindMember(id, member.Name);
                });
                break;
            case BtfKind.Enum or BtfKind.Enum64:
                Query("enum values", () => _ = type.EnumValues);
                break;
            case BtfKind.FuncProto:
                Query("params", () => _ = type.Params);
                break;
            case BtfKind.Datasec:
                Query("datasec", () => _ = type.DatasecVars);
                break;
            case BtfKind.Typedef when type.Name.StartsWith("btf_trace_", StringComparison.Ordinal):
                Query("raw tracepoint", () => btf.FindRawTracepointArguments(type.Name.Substring("btf_trace_".Length)));
                break;
        }
        return count;
    }
}
