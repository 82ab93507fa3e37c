using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

/// <summary>
/// uprobes and uretprobes on libc's abs(int), which this process calls through P/Invoke with
/// arguments of its choosing (the .NET runtime itself never calls libc's abs). bpf/uprobe_counter.bpf.c
/// counts entries and returns and records the last argument and return value.
/// </summary>
public partial class UprobeTests
{
    private const string Libc = "/lib/x86_64-linux-gnu/libc.so.6";
    private const int Calls = 25;

    [LibraryImport("libc.so.6", EntryPoint = "abs")]
    private static partial int Abs(int value);

    /// <summary>Calls abs(-(base + i)) for i in 0..count-1 and returns the last argument.</summary>
    private static int CallAbs(int count, int first = 12345)
    {
        int argument = 0;
        for (int i = 0; i < count; i++)
        {
            argument = -(first + i);
            Assert.Equal(first + i, Abs(argument));
        }
        return argument;
    }

    private static BpfObject LoadCounter(uint targetTgid)
    {
        var spec = BpfObjectSpec.Read(BpfObjects.PathOf("uprobe_counter"));
        spec.Variables["target_tgid"].Set(targetTgid);
        return spec.Load();
    }

    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void Uprobe_and_uretprobe_from_their_sections_see_every_call_its_argument_and_return_value()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = LoadCounter((uint)Environment.ProcessId);
            var entries = obj.Variables["entries"];
            var returns = obj.Variables["returns"];
            Assert.Equal(AttachKind.Uprobe, obj.Programs["abs_entry"].Section.Kind);
            Assert.Equal(AttachKind.Uretprobe, obj.Programs["abs_return"].Section.Kind);

            int last;
            using (obj.Programs["abs_entry"].Attach())
            using (obj.Programs["abs_return"].Attach())
            {
                last = CallAbs(Calls);
                Assert.Equal((ulong)Calls, entries.Get<ulong>());
                Assert.Equal((ulong)Calls, returns.Get<ulong>());
                Assert.Equal(last, obj.Variables["last_argument"].Get<int>());
                Assert.Equal(-last, obj.Variables["last_return"].Get<int>());
            }

            CallAbs(Calls, first: 777);
            Assert.Equal((ulong)Calls, entries.Get<ulong>());
            Assert.Equal((ulong)Calls, returns.Get<ulong>());
            Assert.Equal(last, obj.Variables["last_argument"].Get<int>());
        });
    }

    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void AttachUprobe_by_path_and_by_library_name_fires_for_the_named_function()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = LoadCounter((uint)Environment.ProcessId);
            // abs_inside's section is plain "uprobe": only the API can attach it.
            var inside = obj.Programs["abs_inside"];
            Assert.Throws<ArgumentException>(() => inside.Attach());
            using (inside.AttachUprobe("libc.so.6", "abs"))
            using (obj.Programs["abs_return"].AttachUprobe(Libc, "abs@@GLIBC_2.2.5"))
            {
                int last = CallAbs(Calls, first: 4242);
                Assert.Equal((ulong)Calls, obj.Variables["offset_hits"].Get<ulong>());
                Assert.Equal(last, obj.Variables["last_offset_argument"].Get<int>());
                Assert.Equal((ulong)Calls, obj.Variables["returns"].Get<ulong>());
                Assert.Equal(-last, obj.Variables["last_return"].Get<int>());
            }
        });
    }

    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void Pid_filter_fires_for_that_process_only()
    {
        using var other = Process.Start("sleep", "60");
        try
        {
            // target_tgid 0: the program counts every process, so only the perf event filters.
            using var obj = LoadCounter(0);
            var entries = obj.Variables["entries"];
            var program = obj.Programs["abs_entry"];
            using (program.AttachUprobe("libc.so.6", "abs", processId: other.Id))
            {
                CallAbs(Calls);
                Assert.Equal(0UL, entries.Get<ulong>());
            }
            using (program.AttachUprobe("libc.so.6", "abs", processId: Environment.ProcessId))
            {
                int last = CallAbs(Calls, first: 99);
                Assert.Equal((ulong)Calls, entries.Get<ulong>());
                Assert.Equal(last, obj.Variables["last_argument"].Get<int>());
            }
        }
        finally
        {
            other.Kill();
        }
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.LlvmObjdump)]
    public void Uprobe_at_an_offset_inside_the_function_fires_there()
    {
        ulong offset = SecondInstructionOffset("abs");
        Assert.True(offset > 0);
        using var obj = LoadCounter((uint)Environment.ProcessId);
        using (obj.Programs["abs_inside"].AttachUprobe("libc.so.6", "abs", offset))
        {
            // After abs's first instruction (mov %edi,%eax) the argument is still in %rdi.
            int last = CallAbs(Calls, first: 31337);
            Assert.Equal((ulong)Calls, obj.Variables["offset_hits"].Get<ulong>());
            Assert.Equal(last, obj.Variables["last_offset_argument"].Get<int>());
        }
    }

    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void Sleepable_uprobe_loads_with_BPF_F_SLEEPABLE_and_counts()
    {
        using var obj = LoadCounter((uint)Environment.ProcessId);
        var program = obj.Programs["abs_entry_sleepable"];
        Assert.True(program.Section.IsSleepable);
        using (program.Attach())
        {
            CallAbs(Calls);
            Assert.Equal((ulong)Calls, obj.Variables["sleepable_entries"].Get<ulong>());
        }
    }

    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void Missing_function_or_binary_is_a_typed_error_before_anything_is_opened()
    {
        using var obj = LoadCounter((uint)Environment.ProcessId);
        var program = obj.Programs["abs_inside"];
        var noFunction = Assert.Throws<UprobeTargetException>(() => program.AttachUprobe("libc.so.6", "mallok"));
        Assert.Equal(UprobeTargetProblem.FunctionNotFound, noFunction.Problem);
        Assert.Contains("'malloc'", noFunction.Message);
        var noBinary = Assert.Throws<UprobeTargetException>(() => program.AttachUprobe("/no/such/binary", "main"));
        Assert.Equal(UprobeTargetProblem.BinaryNotFound, noBinary.Problem);
        Assert.Contains("/no/such/binary", noBinary.Message);
    }

    /// <summary>
    /// The oracle: llvm-readelf's symbol values and program headers give the same file offsets as
    /// Nectar's own reader, for plain functions, a weak one, an IFUNC and a versioned name.
    /// </summary>
    [KernelTheory(Attach = [AttachKind.Uprobe], Tools = Oracle.LlvmReadelf)]
    [InlineData("abs")]
    [InlineData("getppid")]
    [InlineData("malloc")]
    [InlineData("strlen")]
    [InlineData("malloc@@GLIBC_2.2.5")]
    public void File_offset_matches_llvm_readelf(string function)
    {
        var (path, offset) = new UprobeTarget("libc.so.6", function).Resolve();
        Assert.Equal(Path.GetFullPath(Libc), path.Replace("/usr/lib/", "/lib/", StringComparison.Ordinal));
        Assert.Equal(ReadelfFileOffset(function), offset);
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.Bpftool)]
    public void Bpftool_perf_lists_the_uprobe_with_its_file_and_offset_while_attached()
    {
        using var obj = LoadCounter((uint)Environment.ProcessId);
        var program = obj.Programs["abs_return"];
        var (path, offset) = new UprobeTarget("libc.so.6", "abs").Resolve();
        using (program.Attach())
        {
            var mine = BpftoolPerfEntries().Where(e => e.GetProperty("prog_id").GetUInt32() == program.Id).ToList();
            var entry = Assert.Single(mine);
            Assert.Equal("uretprobe", entry.GetProperty("fd_type").GetString());
            Assert.Equal(path, entry.GetProperty("filename").GetString());
            Assert.Equal(offset, entry.GetProperty("offset").GetUInt64());
        }
        Assert.DoesNotContain(BpftoolPerfEntries(), e => e.GetProperty("prog_id").GetUInt32() == program.Id);
    }

    [KernelFact(Attach = [AttachKind.Uprobe])]
    public void Nectar_prog_load_loads_uprobe_sections_and_trace_names_the_one_without_a_target()
    {
        var load = NectarCli.Run("prog", "load", BpfObjects.PathOf("uprobe_counter"));
        Assert.True(load.ExitCode == 0, load.Output + load.Error);
        Assert.Matches(@"ok\s+abs_entry \(uprobe/libc\.so\.6:abs\): id \d+", load.Output);
        Assert.Matches(@"ok\s+abs_return \(uretprobe/libc\.so\.6:abs\): id \d+", load.Output);
        Assert.Matches(@"ok\s+abs_entry_sleepable \(uprobe\.s/libc\.so\.6:abs\): id \d+", load.Output);
        Assert.Contains("4 of 4 program(s)", load.Output);

        var trace = NectarCli.Run("trace", BpfObjects.PathOf("uprobe_counter"), "--duration", "1");
        Assert.Equal(2, trace.ExitCode);
        Assert.Contains("program 'abs_inside' (uprobe) did not attach", trace.Error);
        Assert.Contains("names no attach target", trace.Error);
    }

    private static List<JsonElement> BpftoolPerfEntries() =>
        JsonDocument.Parse(Bpftool.Run("-j", "perf", "list")).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();

    /// <summary>From `llvm-readelf --dyn-syms --program-headers`: symbol value - p_vaddr + p_offset of its executable PT_LOAD.</summary>
    private static ulong ReadelfFileOffset(string function)
    {
        var result = Processes.Run("llvm-readelf-16", ["--dyn-syms", "--program-headers", "-W", Libc]);
        Assert.True(result.ExitCode == 0, result.Error);
        bool versioned = function.Contains('@');
        var values = result.Output.Split('\n')
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 8 && f[0].EndsWith(':') && f[3] is "FUNC" or "IFUNC" && f[6] != "UND"
                && (versioned ? f[7] == function : f[7].Split('@')[0] == function))
            .Select(f => ulong.Parse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Distinct().ToList();
        ulong value = Assert.Single(values);
        foreach (Match m in LoadSegment().Matches(result.Output))
        {
            ulong fileOffset = Convert.ToUInt64(m.Groups[1].Value, 16), address = Convert.ToUInt64(m.Groups[2].Value, 16), size = Convert.ToUInt64(m.Groups[3].Value, 16);
            if (m.Groups[4].Value.Contains('E') && value >= address && value < address + size)
                return value - address + fileOffset;
        }
        throw new Xunit.Sdk.XunitException($"no executable PT_LOAD maps {function} at 0x{value:x}");
    }

    /// <summary>The offset of a libc function's second instruction, from llvm-objdump's disassembly.</summary>
    private static ulong SecondInstructionOffset(string function)
    {
        var (_, start) = new UprobeTarget(Libc, function).Resolve();
        var result = Processes.Run("llvm-objdump-16", ["-d", "--debug-file-directory=/nonexistent", $"--start-address=0x{start:x}", $"--stop-address=0x{start + 16:x}", Libc]);
        Assert.True(result.ExitCode == 0, result.Error);
        var addresses = Regex.Matches(result.Output, @"^\s+([0-9a-f]+):", RegexOptions.Multiline)
            .Select(m => Convert.ToUInt64(m.Groups[1].Value, 16)).ToList();
        Assert.True(addresses.Count >= 2, result.Output);
        return addresses[1] - addresses[0];
    }

    [GeneratedRegex(@"LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+0x[0-9a-f]+\s+([RWE ]+?)\s+0x")]
    private static partial Regex LoadSegment();
}
