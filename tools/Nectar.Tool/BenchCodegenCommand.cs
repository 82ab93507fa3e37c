using System.CommandLine;
using System.Diagnostics;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench codegen`: times the generator's work over a full vmlinux BTF for task_struct,
/// linux_binprm and the sched_process_exec arguments. Cold is the first run in this process (file
/// read, BTF parse and name index, JIT, emission); warm repeats it with everything JIT-compiled;
/// "emit only" reuses the parsed BTF as the generator's cache does between builds.
/// </summary>
internal static class BenchCodegenCommand
{
    internal static Command Create()
    {
        var btf = new Option<string?>("--btf") { Description = $"Raw BTF file (default {CodegenInputs.DefaultBtf})." };
        var headers = new Option<string[]>("--headers") { Description = "Trace header file or folder for TP_PROTO names (optional)." };
        var iterations = new Option<int>("--iterations") { Description = "Warm runs to time.", DefaultValueFactory = _ => 20 }
            .Require(n => n is >= 1 and <= 1_000_000, "must be a number of iterations from 1 to 1,000,000");
        var command = new Command("codegen", "Time code generation for task_struct + linux_binprm + sched_process_exec args over a full vmlinux BTF.")
        {
            btf, headers, iterations,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(btf) ?? CodegenInputs.DefaultBtf;
            string[] headerPaths = parse.GetValue(headers) ?? [];
            int runs = Math.Max(1, parse.GetValue(iterations));
            var request = new CodegenRequest(
                new[] { new KernelTypeRequest("task_struct", null), new KernelTypeRequest("linux_binprm", null) }.ToEquatableArray(),
                new[] { new RawTracepointRequest("sched_process_exec", new TargetStruct("Bench", EquatableArray<string>.Empty, "SchedProcessExecArgs"), null) }.ToEquatableArray(),
                EquatableArray<TracepointRecordRequest>.Empty);

            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cold = Stopwatch.StartNew();
            int bytes = RunOnce(path, headerPaths, request, out Btf.Btf parsed);
            cold.Stop();
            long coldAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            long coldPeak = Process.GetCurrentProcess().PeakWorkingSet64;

            var warm = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                RunOnce(path, headerPaths, request, out _);
                warm[i] = sw.Elapsed.TotalMilliseconds;
            }
            var emit = new double[runs];
            for (int i = 0; i < runs; i++)
            {
                var sw = Stopwatch.StartNew();
                Codegen.Generate(parsed, request, CodegenInputs.LoadPrototypes(headerPaths), []);
                emit[i] = sw.Elapsed.TotalMilliseconds;
            }
            Array.Sort(warm);
            Array.Sort(emit);
            Console.WriteLine($"codegen: task_struct + linux_binprm + sched_process_exec args over {path} ({new FileInfo(path).Length / 1024} KiB BTF, {parsed.OwnTypeCount} types)");
            Console.WriteLine($"  output          {bytes / 1024} KiB of C#");
            Console.WriteLine($"  cold            {cold.Elapsed.TotalMilliseconds,8:F1} ms  (first run in this process: read + parse + index + JIT + emit; {coldAllocated / (1024 * 1024)} MB allocated)");
            Console.WriteLine($"  warm            {warm[runs / 2],8:F1} ms  median of {runs} (min {warm[0]:F1}, max {warm[^1]:F1}): read + parse + index + emit");
            Console.WriteLine($"  emit only       {emit[runs / 2],8:F1} ms  median of {runs} (min {emit[0]:F1}, max {emit[^1]:F1}): parsed BTF reused, as the generator's cache does");
            Console.WriteLine($"  peak working set {coldPeak / (1024 * 1024)} MB after the cold run (whole process, runtime included), {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB after all runs");
            return 0;
        });
        return command;
    }

    private static int RunOnce(string path, string[] headers, CodegenRequest request, out Btf.Btf btf)
    {
        btf = CodegenInputs.LoadBtf(path);
        CodegenResult result = Codegen.Generate(btf, request, CodegenInputs.LoadPrototypes(headers), []);
        if (result.Diagnostics.Any(d => d.Severity == CodegenSeverity.Error))
            throw new InvalidOperationException("codegen failed: " + string.Join("; ", result.Diagnostics));
        return result.Sources.Sum(s => s.Text.Length);
    }
}
