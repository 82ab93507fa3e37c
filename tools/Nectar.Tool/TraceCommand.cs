using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Nectar.Events;
using Nectar.Interop;
using Nectar.Links;
using Nectar.Logging;
using Nectar.Maps;
using Nectar.Output;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar trace OBJ`: loads any BPF object, attaches every program (or those --program names),
/// and prints what it sends until Ctrl-C: each ring buffer's and perf event array's records (typed
/// through the object's BTF when simple or named with --record, else hex) and its nectar_log lines.
/// Exit codes: 0 stopped by Ctrl-C or --duration, or standard output closed by its reader; 1
/// unreadable object, bad arguments or a failed output; 2 a program did not load or attach; 77
/// BPF not usable here (see TraceRun for how it ends).
/// </summary>
internal static class TraceCommand
{
    public const int ExitBadInput = 1;
    public const int ExitLoadOrAttach = 2;
    public const int ExitUnavailable = 77;

    /// <summary>The longest --duration: CancellationTokenSource counts in int milliseconds (24.8 days).</summary>
    private const double MaxDurationSeconds = int.MaxValue / 1000.0;

    internal static Command Create()
    {
        var file = new Argument<FileInfo>("object") { Description = "A BPF object file (clang -target bpf -g), e.g. bpf/exec_observer.bpf.o." };
        var hex = new Option<bool>("--hex") { Description = "Print records as hex even when the object's BTF describes them." };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds instead of waiting for Ctrl-C." }
            .Require(s => s is not { } seconds || (double.IsFinite(seconds) && seconds > 0 && seconds <= MaxDurationSeconds),
                $"must be a number of seconds greater than 0 and at most {MaxDurationSeconds:0.###} (24.8 days)");
        var selection = new TraceSelection();
        var command = new Command("trace", "Load a BPF object, attach all its programs, and print its ring and perf buffer records and log lines until Ctrl-C.") { file, hex, duration };
        foreach (var option in selection.Options)
            command.Options.Add(option);
        command.SetAction(result =>
        {
            TraceSelection.Values values;
            try
            {
                values = selection.Read(result);
            }
            catch (ArgumentException e)
            {
                return Fail(ExitBadInput, e.Message);
            }
            return Run(result.GetValue(file)!, result.GetValue(hex), result.GetValue(duration), values);
        });
        return command;
    }

    private static int Run(FileInfo file, bool hex, double? durationSeconds, TraceSelection.Values selection)
    {
        BpfObjectSpec spec;
        BtfRecordPrinter printer;
        try
        {
            spec = BpfObjectSpec.Read(file.FullName);
            TraceSelection.Apply(spec, selection);
            printer = hex ? new BtfRecordPrinter(null, null, file.Name) : new BtfRecordPrinter(spec.Btf, spec.Elf, file.Name, spec.RingRecords());
            if (!hex)
            {
                foreach (var (map, structName) in selection.Records)
                    printer.UseRecordType(map, structName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or Elf.ElfException or Btf.BtfException)
        {
            return Fail(ExitBadInput, e.Message);
        }
        if (KernelSupport.WhyUnavailable is { } reason)
            return Fail(ExitUnavailable, reason);
        // A descriptor per map and program, the BTF, a link per program, the poller's: checked
        // before loading, as a runtime out of descriptors aborts instead of failing cleanly.
        if (FileDescriptorLimit.WhyTooLow(2 * spec.Programs.Count + spec.Maps.Count + 8) is { } fdLimit)
            return Fail(ExitBadInput, fdLimit);

        // Records and BPF log lines are the data: standard output, each write checked (TraceRun).
        // Nectar's own warnings (drops) are diagnostics: standard error.
        using var output = LineOutput.StandardOutput();
        using var errors = LineOutput.StandardError();
        // LoggerFactory's own constructor rather than LoggerFactory.Create: Create builds a
        // dependency-injection container, whose types (kept by the trimmer for every run of the
        // native tool) cost start-up time to every verb (`nectar bench startup`).
        using var loggerFactory = new LoggerFactory([new LineOutputLoggerProvider(output)]);
        using var diagnostics = new LoggerFactory([new LineOutputLoggerProvider(errors)]);
        var drops = new TraceDrops(spec, diagnostics.CreateLogger("nectar trace"));
        var links = new List<BpfLink>();
        BpfObject? obj = null;
        try
        {
            obj = BpfObject.Load(spec);
            using var poller = new EventPoller();
            var rings = obj.Maps.Values.Where(m => m.Type is MapType.RingBuf or MapType.PerfEventArray && m.Name != BpfLog.RingMap).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
            foreach (var ring in rings)
            {
                string name = ring.Name;
                if (ring.Type == MapType.PerfEventArray)
                    poller.Add(ring, (cpu, sample) => output.TryWriteLine($"{name}: {printer.Format(name, sample)}"),
                        (cpu, lost) => Console.Error.WriteLine($"nectar trace: {name}: {lost} record(s) lost on CPU {cpu}"));
                else
                    poller.Add(ring, record => output.TryWriteLine($"{name}: {printer.Format(name, record)}"));
            }
            using var log = obj.Maps.ContainsKey(BpfLog.RingMap) ? BpfLogReader.Attach(poller, obj, loggerFactory) : null;

            foreach (var program in obj.Programs.Values.OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                if (program.Section.Kind == AttachKind.LoadOnly)
                {
                    // Loaded (it may be a tail call or a map entry of the others) but not attachable by trace.
                    Console.Error.WriteLine($"nectar trace: not attaching '{program.Name}': {program.Section.LoadOnlyHint}.");
                    continue;
                }
                try
                {
                    links.Add(program.Attach());
                }
                catch (Exception e) when (e is BpfException or NotSupportedException or ArgumentException)
                {
                    return Fail(ExitLoadOrAttach, $"program '{program.Name}' ({program.Section.Name}) did not attach: {e.Message}");
                }
            }

            using var stop = durationSeconds is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds)) : new CancellationTokenSource();
            using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Cancel();
            }
            // Said only once Ctrl-C is handled: a script that waits for this line and then signals
            // gets the clean stop (detach, drop counts), not the default death by SIGINT.
            Console.Error.WriteLine($"nectar trace: {links.Count} program(s) of {file.Name} attached; printing {string.Join(", ", rings.Select(r => r.Name).Append(log is null ? null : "log lines").OfType<string>().DefaultIfEmpty("nothing (no ring or perf buffer)"))}. Ctrl-C to stop.");
            var loaded = obj;
            return TraceRun.Run(poller, stop, output, () => drops.Report(loaded), () => drops.Total, () =>
            {
                foreach (var link in links)
                    link.Dispose();
            });
        }
        catch (Exception e) when (e is BpfException or Elf.ElfException or Btf.BtfException)
        {
            return Fail(ExitLoadOrAttach, e.Message.ReplaceLineEndings(" "));
        }
        finally
        {
            foreach (var link in links)
                link.Dispose();
            obj?.Dispose();
        }
    }

    private static int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine($"nectar trace: {message}");
        return exitCode;
    }
}
