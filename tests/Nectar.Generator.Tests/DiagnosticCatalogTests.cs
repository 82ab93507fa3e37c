extern alias gen;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Nectar.Testing;
using CodegenSeverity = gen::Nectar.Generator.Model.CodegenSeverity;
using DiagnosticIds = gen::Nectar.Generator.Model.DiagnosticIds;
using Diagnostics = gen::Nectar.Generator.Pipeline.Diagnostics;

namespace Nectar.Generator.Tests;

/// <summary>
/// One severity per diagnostic id, said the same way in the three places that say it: the emitter's
/// <see cref="DiagnosticIds.SeverityOf"/>, the Roslyn descriptors, and the release-tracking files.
/// </summary>
public class DiagnosticCatalogTests
{
    private static readonly string[] s_ids = typeof(DiagnosticIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Every_id_has_one_static_descriptor_with_the_emitters_severity()
    {
        Assert.Equal(18, s_ids.Length);
        Assert.Equal(s_ids, Diagnostics.ById.Keys.Order(StringComparer.Ordinal));
        foreach (string id in s_ids)
            Assert.Equal(ToRoslyn(DiagnosticIds.SeverityOf(id)), Diagnostics.ById[id].DefaultSeverity);
    }

    [Fact]
    public void The_release_files_list_every_id_once_with_its_severity()
    {
        string generator = Path.Combine(Fixtures.Directory, "..", "..", "generator", "Nectar.Generator");
        var rows = new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" }
            .SelectMany(file => File.ReadLines(Path.Combine(generator, file)))
            .Select(line => Regex.Match(line, @"^(NECTAR\d{3}) \| Nectar \| (\w+) \|"))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        Assert.Equal(s_ids, rows.Keys.Order(StringComparer.Ordinal));
        foreach (string id in s_ids)
            Assert.Equal(ToRoslyn(DiagnosticIds.SeverityOf(id)).ToString(), rows[id]);
    }

    private static DiagnosticSeverity ToRoslyn(CodegenSeverity severity) => severity switch
    {
        CodegenSeverity.Error => DiagnosticSeverity.Error,
        CodegenSeverity.Warning => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Info,
    };
}
