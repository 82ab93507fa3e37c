extern alias gen;
using gen::Nectar.Generator.Emit;
using gen::Nectar.Generator.Model;
using gen::Nectar.Generator.Tracepoints;
using Nectar.Testing;
using GenBtf = gen::Nectar.Btf.Btf;

namespace Nectar.Generator.Tests;

/// <summary>`nectar codegen`'s one-file output: the same emitter, so the same types, and it compiles on its own.</summary>
public class SingleFileTests
{
    [Fact]
    public void One_file_output_compiles_without_warnings_and_holds_the_generators_types()
    {
        GenBtf btf = GenBtf.Parse(Fixtures.VmlinuxBtfBytes);
        var prototypes = TraceHeaderParser.Parse(File.ReadAllText(Fixtures.PathOf("trace-headers/sched.h")));
        var request = new CodegenRequest(
            new[] { new KernelTypeRequest("linux_binprm", null) }.ToEquatableArray(),
            new[] { new RawTracepointRequest("sched_process_exec", new TargetStruct("Cli", EquatableArray<string>.Empty, "SchedProcessExecArgs", "public partial struct"), null) }.ToEquatableArray(),
            new[] { new TracepointRecordRequest("sched", "sched_process_exec", new TargetStruct("Cli", EquatableArray<string>.Empty, "SchedProcessExecRecord", "public partial struct"), null) }.ToEquatableArray());

        var (text, diagnostics) = Codegen.GenerateSingleFile(btf, request, prototypes, []);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.Problems(GeneratorHarness.Compilation([text])));

        CodegenResult perFile = Codegen.Generate(btf, request, prototypes, []);
        string binprm = perFile.Sources.Single(s => s.HintName == "Nectar.Kernel.LinuxBinprm.g.cs").Text;
        string body = binprm.Substring(binprm.IndexOf("namespace Nectar.Kernel", StringComparison.Ordinal));
        Assert.Contains(body, text);
        Assert.Equal(1, CountOf(text, "using System.Runtime.InteropServices;"));
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
            count++;
        return count;
    }
}
