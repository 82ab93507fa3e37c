using System.CommandLine;

namespace Nectar.Tool;

/// <summary>`nectar bench ...`: benchmarks that print figures.</summary>
internal static class BenchCommand
{
    internal static Command Create() => new("bench", "Run a benchmark and print its figures.")
    {
        BenchRingbufCommand.Create(), BenchAttachCommand.Create(), BenchLoadCommand.Create(),
        BenchCodegenCommand.Create(), BenchBtfCommand.Create(), BenchLayoutCommand.Create(), BenchStartupCommand.Create(),
    };
}
