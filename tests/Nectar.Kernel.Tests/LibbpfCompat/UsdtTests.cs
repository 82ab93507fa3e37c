using System.Runtime.InteropServices;
using Nectar.Events;
using Nectar.Links;
using Nectar.Programs;
using Nectar.Testing;
using Nectar.Usdt;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// USDT probes as libbpf attaches them: bpf/usdt_args.bpf.o (libbpf's usdt.bpf.h, BPF_USDT and
/// bpf_usdt_arg by hand) on the probes of tests/fixtures/usdt/nectar_usdt_target, built here with
/// sys/sdt.h. The target is run after attaching; the values its probes pass (registers of every
/// width, a stack slot, constants, a semaphore the kernel increments) arrive in the ring buffer.
/// </summary>
public class UsdtTests
{
    private const int Rounds = 3;

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct UsdtEvent
    {
        public uint Probe;
        public int ArgCount;
        public ulong Cookie;
        public fixed long Args[6];
    }

    private sealed record Seen(uint Probe, int ArgCount, ulong Cookie, long[] Args);

    private static List<Seen> Drain(BpfObject obj)
    {
        using var ring = RingBuffer.Open(obj.Maps["events"]);
        var seen = new List<Seen>();
        unsafe
        {
            ring.Consume<UsdtEvent>((ref readonly UsdtEvent e) =>
            {
                var args = new long[6];
                for (int i = 0; i < 6; i++)
                    args[i] = e.Args[i];
                seen.Add(new Seen(e.Probe, e.ArgCount, e.Cookie, args));
            });
        }
        return seen;
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler)]
    public void BPF_USDT_reads_register_stack_and_constant_arguments_of_every_width_and_sign()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            using var obj = BpfObject.Load(BpfObjects.PathOf("usdt_args"));
            Assert.Equal(AttachKind.Usdt, obj.Programs["on_args"].Section.Kind);
            using (var args = obj.Programs["on_args"].AttachUsdt(UsdtTarget.Path, "nectar", "args"))
            using (obj.Programs["on_consts"].AttachUsdt(UsdtTarget.Path, "nectar", "consts", cookie: 0xC0FFEE))
            {
                Assert.Equal(1, args.KernelLinkCount);
                Assert.Contains("usdt", args.Description);
                UsdtTarget.Run(Rounds);
            }
            var seen = Drain(obj);
            var argEvents = seen.Where(s => s.Probe == 1).ToList();
            var constEvents = seen.Where(s => s.Probe == 2).ToList();
            Assert.Equal(Rounds, argEvents.Count);
            Assert.Equal(Rounds, constEvents.Count);
            for (int i = 0; i < Rounds; i++)
            {
                Assert.Equal(6, argEvents[i].ArgCount);
                Assert.Equal([-5 - i, -300 - i, 250 + i, 0x123456789ab + i, 77 + i, -1000 - i], argEvents[i].Args);
                Assert.Equal(0UL, argEvents[i].Cookie);
                Assert.Equal(3, constEvents[i].ArgCount);
                Assert.Equal([42, -7, i, 0, 0, 0], constEvents[i].Args); // bpf_usdt_arg past the count fails and leaves 0
                Assert.Equal(0xC0FFEEUL, constEvents[i].Cookie);
            }

            // Detached: the target's probes reach nothing.
            UsdtTarget.Run(1);
            Assert.Empty(Drain(obj));
        });
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler)]
    public void A_probe_with_a_semaphore_is_enabled_by_the_kernel_only_while_it_is_attached()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("usdt_args"));
        Assert.Equal("gated=0", UsdtTarget.Run(1));
        using (obj.Programs["on_gated"].AttachUsdt(UsdtTarget.Path, "nectar", "gated"))
            Assert.Equal("gated=1", UsdtTarget.Run(Rounds));
        var gated = Drain(obj);
        Assert.Equal(Rounds, gated.Count);
        Assert.All(gated, e => Assert.Equal(3u, e.Probe));
        Assert.Equal(Enumerable.Range(0, Rounds).Select(i => (long)i), gated.Select(e => e.Args[0]));
        Assert.All(gated, e => Assert.Equal(1, e.Args[1])); // the semaphore as the probe saw it
        Assert.Equal("gated=0", UsdtTarget.Run(1));
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler)]
    public void The_section_target_attaches_and_AttachAll_attaches_every_usdt_program()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("usdt_args"));
        using (obj.Programs["on_args"].Attach($"{UsdtTarget.Path}:nectar:args"))
            UsdtTarget.Run(1);
        Assert.Single(Drain(obj), e => e.Probe == 1);

        // AttachAll resolves the sections' bare program name on PATH, as a uprobe section's library name.
        string? path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", UsdtTarget.Directory + ":" + path);
        try
        {
            using var links = obj.AttachAll();
            Assert.Equal(["on_args", "on_consts", "on_gated"], links.Attached);
            UsdtTarget.Run(2);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
        var seen = Drain(obj);
        Assert.Equal(2, seen.Count(e => e.Probe == 1));
        Assert.Equal(2, seen.Count(e => e.Probe == 2));
        Assert.Equal(2, seen.Count(e => e.Probe == 3));
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler)]
    public void Spec_ids_are_given_back_on_detach_and_the_spec_map_holds_what_the_notes_say()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("usdt_args"));
        var table = obj.Programs["on_consts"].UsdtSpecs!;
        using (obj.Programs["on_consts"].AttachUsdt(UsdtTarget.Path, "nectar", "consts", cookie: 7))
        {
            var spec = table.Read(0);
            Assert.Equal(7UL, spec.Cookie);
            Assert.Equal(3, spec.Arguments.Count);
            Assert.Equal(new UsdtArgument(UsdtArgumentKind.Constant, 42, 0, true, 32), spec.Arguments[0]);
            Assert.Equal(new UsdtArgument(UsdtArgumentKind.Constant, -7, 0, true, 32), spec.Arguments[1]);
            Assert.Equal(UsdtArgumentKind.Register, spec.Arguments[2].Kind);
            using (obj.Programs["on_args"].AttachUsdt(UsdtTarget.Path, "nectar", "args"))
                Assert.Equal(6, table.Read(1).Arguments.Count);
        }
        using (obj.Programs["on_args"].AttachUsdt(UsdtTarget.Path, "nectar", "args"))
            Assert.Equal(6, table.Read(0).Arguments.Count); // id 0 was free again
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler)]
    public void A_missing_probe_a_binary_without_notes_or_a_bad_target_is_a_typed_error()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("usdt_args"));
        var missing = Assert.Throws<UsdtException>(() => obj.Programs["on_args"].AttachUsdt(UsdtTarget.Path, "nectar", "arg"));
        Assert.Equal(UsdtProblem.ProbeNotFound, missing.Problem);
        Assert.Contains("nectar:args", missing.Message);

        var none = Assert.Throws<UsdtException>(() => obj.Programs["on_args"].AttachUsdt("/bin/true", "nectar", "args"));
        Assert.Equal(UsdtProblem.NoNotes, none.Problem);

        var syntax = Assert.Throws<UsdtException>(() => obj.Programs["on_args"].Attach("no-colons"));
        Assert.Equal(UsdtProblem.BadSyntax, syntax.Problem);
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler | Oracle.Clang)]
    public void The_spec_map_holds_byte_for_byte_what_libbpf_writes_for_the_same_attachments()
    {
        string path = BpfObjects.PathOf("usdt_args");
        var libbpf = Processes.Run(UsdtTarget.LibbpfOracle,
            [path, UsdtTarget.Path, "on_args:nectar:args:0", "on_consts:nectar:consts:0xc0ffee", "on_gated:nectar:gated:5"]);
        Assert.True(libbpf.ExitCode == 0, $"the libbpf oracle failed: {libbpf.Error}");
        var theirs = libbpf.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')).ToDictionary(f => int.Parse(f[1], System.Globalization.CultureInfo.InvariantCulture), f => f[2]);
        Assert.Equal(7, theirs.Count);

        using var obj = BpfObject.Load(path);
        using var args = obj.Programs["on_args"].AttachUsdt(UsdtTarget.Path, "nectar", "args");
        using var consts = obj.Programs["on_consts"].AttachUsdt(UsdtTarget.Path, "nectar", "consts", cookie: 0xc0ffee);
        using var gated = obj.Programs["on_gated"].AttachUsdt(UsdtTarget.Path, "nectar", "gated", cookie: 5);
        var specs = obj.Maps["__bpf_usdt_specs"];
        foreach (var (id, hex) in theirs)
        {
            var value = new byte[specs.ValueSize];
            Assert.True(specs.TryLookup(BitConverter.GetBytes(id), value));
            Assert.True(hex == Convert.ToHexStringLower(value), $"spec {id}: libbpf wrote {hex}, Nectar {Convert.ToHexStringLower(value)}");
        }
        Assert.NotEqual(new string('0', 416), theirs[2]); // three specs were compared, not only empty slots
    }

    [KernelFact(Attach = [AttachKind.Uprobe], Tools = Oracle.SdtCompiler)]
    public void Nectar_trace_attaches_the_usdt_sections_and_prints_their_arguments()
    {
        string target = UsdtTarget.Path;
        string? path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", UsdtTarget.Directory + ":" + path); // the sections name the target without a path
        Processes.Result result;
        try
        {
            var trace = Task.Run(() => NectarCli.Run("trace", BpfObjects.PathOf("usdt_args"), "--duration", "4", "--program", "on_args", "--program", "on_gated"));
            while (!trace.IsCompleted)
            {
                UsdtTarget.Run(1);
                Thread.Sleep(100);
            }
            result = trace.Result;
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("2 program(s) of usdt_args.bpf.o attached", result.Error);
        Assert.Contains("events: usdt_event { probe: 1, arg_count: 6, cookie: 0, args: [-5, -300, 250, 1250999896491, 77, -1000] }", result.Output);
        Assert.Contains("events: usdt_event { probe: 3, arg_count: 2, cookie: 0, args: [0, 1, 0, 0, 0, 0] }", result.Output);
        Assert.DoesNotContain("probe: 2", result.Output);
    }
}
