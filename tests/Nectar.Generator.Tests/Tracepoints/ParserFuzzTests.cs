extern alias gen;
using gen::Nectar.Generator.Tracepoints;
using Nectar.Testing;

namespace Nectar.Generator.Tests.Tracepoints;

/// <summary>Damaged input never crashes or hangs the parsers: truncations and byte flips of real files.</summary>
public class ParserFuzzTests
{
    [Fact]
    public void Truncated_and_corrupted_trace_headers_parse_without_throwing()
    {
        string text = File.ReadAllText(Fixtures.PathOf("trace-headers/sched.h"));
        var random = new Random(1234);
        const string noise = "()[],;*/\\\"'#\n _aZ9";
        for (int i = 0; i < 300; i++)
        {
            char[] chars = text.Substring(0, random.Next(text.Length)).ToCharArray();
            for (int flips = random.Next(20); flips > 0 && chars.Length > 0; flips--)
                chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
            var prototypes = TraceHeaderParser.Parse(new string(chars));
            Assert.All(prototypes, p => Assert.False(string.IsNullOrEmpty(p.Name)));
        }
    }

    [Fact]
    public void Corrupted_format_files_either_parse_or_throw_format_exception()
    {
        string text = File.ReadAllText(Fixtures.PathOf("tracefs/sched/sched_switch/format"));
        var random = new Random(4321);
        const string noise = ":;\t\n []0123456789-_az";
        for (int i = 0; i < 300; i++)
        {
            char[] chars = text.Substring(0, random.Next(text.Length)).ToCharArray();
            for (int flips = random.Next(10); flips > 0 && chars.Length > 0; flips--)
                chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
            try
            {
                TraceFormatParser.Parse(new string(chars));
            }
            catch (FormatException)
            {
            }
        }
    }
}
