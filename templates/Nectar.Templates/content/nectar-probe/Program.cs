using Nectar;

// Prints one line per exec on this machine until Ctrl-C, or until N execs with `dotnet run -- N`.
// Loading BPF needs root (sudo), or CAP_BPF and CAP_PERFMON given to this app (`nectar check`).
int limit = args.Length > 0 && int.TryParse(args[0], out int n) ? n : int.MaxValue;
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

try
{
    using var probe = NectarProbe.Probe.Open();   // bpf/probe.bpf.o, from the assembly
    probe.Load();
    using var links = probe.AttachAll();          // handle_exec on tp_btf/sched_process_exec
    Console.WriteLine("Tracing execs; Ctrl-C to stop.");
    int seen = 0;
    await foreach (var e in probe.ReadEventsAsync(stop.Token))
    {
        Console.WriteLine($"exec pid {e.Pid} uid {e.Uid} comm {e.CommText} filename {e.FilenameText}");
        if (++seen == limit) break;
    }
}
catch (OperationCanceledException)
{
}
catch (BpfPermissionException e)
{
    Console.Error.WriteLine(e.Message);
    return 77;
}
return 0;

namespace NectarProbe
{
    /// <summary>The skeleton of bpf/probe.bpf.o: its program, its ring buffer of ExecEvent, made at build time.</summary>
    [BpfObject("probe.bpf.o", Embed = true)]
    public partial class Probe;
}
