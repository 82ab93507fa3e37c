extern alias gen;
using gen::Nectar.Generator.Model;
using gen::Nectar.Generator.Pipeline;
using gen::Nectar.Generator.Skeletons;
using GenBpfObjectException = gen::Nectar.BpfObjectException;
using GenBpfObjectSpec = gen::Nectar.Programs.BpfObjectSpec;

namespace Nectar.Generator.Tests.Skeletons;

/// <summary>
/// A damaged object never crashes or hangs the skeleton's reader (BpfObjectSpec, the runtime's, compiled into the generator)
/// or its emitter: it is read and emitted, or refused with a BpfObjectException (a diagnostic).
/// </summary>
public class SkeletonObjectFuzzTests
{
    private static readonly SkeletonDeclaration Declaration = new(new SkeletonRequest("damaged.bpf.o",
        new TargetStruct("App", EquatableArray<string>.Empty, "Damaged", "partial class"),
        new[] { new RingBufferEventRequest("events", "event") }.ToEquatableArray(), EquatableArray<string>.Empty, null), null);

    [Fact]
    public void Truncated_and_corrupted_objects_are_read_or_refused_with_an_object_exception()
    {
        byte[] image = File.ReadAllBytes(SkeletonTests.ObjectPath);
        // The .BTF and .BTF.ext sections both start with the BTF magic (9F EB 01): damage lands there.
        var starts = Enumerable.Range(0, image.Length - 3).Where(i => image[i] == 0x9F && image[i + 1] == 0xEB && image[i + 2] == 1).ToList();
        Assert.Equal(2, starts.Count);
        var random = new Random(2024);
        int read = 0, refused = 0;
        for (int i = 0; i < 600; i++)
        {
            byte[] damaged = i % 5 == 0 ? image[..random.Next(image.Length)] : (byte[])image.Clone();
            for (int flips = random.Next(1, 6); flips > 0 && i % 5 != 0; flips--)
            {
                int start = starts[random.Next(starts.Count)];
                damaged[Math.Min(damaged.Length - 1, start + random.Next(256))] = (byte)random.Next(256);
            }
            try
            {
                GenBpfObjectSpec spec = SkeletonInput.Parse(damaged, "damaged.bpf.o");
                // What was read must also emit: a skeleton, or diagnostics, never an exception.
                var result = SkeletonCodegen.Generate(Declaration, new Loaded<GenBpfObjectSpec>(BtfStamp.None with { Path = "damaged.bpf.o" }, spec, null));
                Assert.True(result.Sources.Count == 1 || result.Diagnostics.Count > 0);
                read++;
            }
            catch (GenBpfObjectException)
            {
                refused++; // any other exception fails the test
            }
        }
        Assert.True(read > 0 && refused > 0, $"{read} read, {refused} refused: the damage should produce both");
    }
}
