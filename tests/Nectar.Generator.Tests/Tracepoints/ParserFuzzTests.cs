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
        foreach (string damaged in Damaged(Fixtures.PathOf("trace-headers/sched.h"), seed: 1234, "()[],;*/\\\"'#\n _aZ9", maxFlips: 20))
        {
            var prototypes = TraceHeaderParser.Parse(damaged);
            Assert.All(prototypes, p => Assert.False(string.IsNullOrEmpty(p.Name)));
        }
    }

    [Fact]
    public void Corrupted_format_files_either_parse_or_throw_format_exception()
    {
        int parsed = 0, rejected = 0;
        foreach (string damaged in Damaged(Fixtures.PathOf("tracefs/sched/sched_switch/format"), seed: 4321, ":;\t\n []0123456789-_az", maxFlips: 10))
        {
            try
            {
                TraceFormatParser.Parse(damaged);
                parsed++;
            }
            catch (FormatException)
            {
                rejected++; // any other exception fails the test
            }
        }
        Assert.True(parsed > 0 && rejected > 0, $"{parsed} parsed, {rejected} rejected: the damage should produce both");
    }

    /// <summary>300 copies of the file, each cut at a random point and with random characters replaced by noise.</summary>
    private static IEnumerable<string> Damaged(string path, int seed, string noise, int maxFlips)
    {
        string text = File.ReadAllText(path);
        var random = new Random(seed);
        for (int i = 0; i < 300; i++)
        {
            char[] chars = text.Substring(0, random.Next(text.Length)).ToCharArray();
            for (int flips = random.Next(maxFlips); flips > 0 && chars.Length > 0; flips--)
                chars[random.Next(chars.Length)] = noise[random.Next(noise.Length)];
            yield return new string(chars);
        }
    }
}
