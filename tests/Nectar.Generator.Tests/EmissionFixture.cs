using Nectar.Testing;

namespace Nectar.Generator.Tests;

/// <summary>tests/fixtures/btf/emission.bpf.c compiled by clang: small types that cover every emission rule.</summary>
internal static class EmissionFixture
{
    public static string ObjectPath => Fixtures.PathOf("btf/emission.bpf.o");

    public static string HeaderPath => Fixtures.PathOf("btf/demo_event.h");

    public static readonly string[] Types =
        ["table", "slots", "node", "flags", "keywords", "either", "packed", "holds_empty", "atomic_like_t", "colour", "offset", "tiny", "wide"];

    public static string Declarations { get; } = string.Join("\n", Types.Select(t => $"[assembly: Nectar.KernelType(\"{t}\")]")) + """

        namespace Demo;

        [Nectar.RawTracepoint("demo_event")]
        public partial struct DemoEventArgs;
        """;
}
