using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nectar.Events;
using Nectar.Interop;
using Nectar.OpenTelemetry;
using Nectar.Programs;

namespace Nectar.Samples.ExecAgent;

/// <summary>
/// Loads bpf/exec_agent.bpf.o, attaches it to sched_process_exec and exports, until the host stops:
/// <c>nectar.exec.events</c> (counter, attribute <c>comm</c>, from the per-CPU hash <c>execs</c>),
/// <c>nectar.exec.argc</c> (histogram of argument counts, from the log2 map <c>argc_hist</c>),
/// <c>nectar.exec.dropped</c> and <c>nectar.exec.untracked</c> (what the BPF side could not record),
/// and, with LogExecs, one log record per exec (category <c>exec_agent</c>, the event's fields as attributes).
/// A load failure stops the host with exit code 77 (no privileges) or 1.
/// </summary>
public sealed class ExecAgentService(IOptions<AgentOptions> options, ILoggerFactory loggerFactory, IHostApplicationLifetime lifetime) : BackgroundService
{
    public const string ProgramName = "exec_agent";

    private readonly ILogger _logger = loggerFactory.CreateLogger<ExecAgentService>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        string path = settings.ObjectPath ?? Path.Combine(AppContext.BaseDirectory, "bpf", "exec_agent.bpf.o");
        if (KernelSupport.WhyUnavailable is { } reason)
        {
            _logger.LogCritical("The exec agent cannot run here: {Reason}", reason);
            Environment.ExitCode = 77; // the conventional "cannot run here"; exec-agent.service does not restart on it
            lifetime.StopApplication();
            return;
        }
        BpfObject obj;
        try
        {
            obj = BpfObject.Load(path);
        }
        catch (Exception e) when (e is BpfException or IOException or Elf.ElfException or Btf.BtfException)
        {
            _logger.LogCritical("The exec agent cannot load {Object}: {Problem}", path, e.Message);
            Environment.ExitCode = e is BpfPermissionException ? 77 : 1;
            lifetime.StopApplication();
            return;
        }
        using (obj)
        {
            using var metrics = new BpfMetrics(TimeSpan.FromSeconds(settings.HistogramIntervalSeconds))
                .AddCounter(obj, "execs", "nectar.exec.events", "{exec}", "Execs on this host, by the program's name (comm)")
                .AddHistogram(obj, "argc_hist", "nectar.exec.argc", "{argument}", "Argument counts of the execs on this host (log2 buckets)")
                .AddGlobalCounter(obj.Variables["dropped"], "nectar.exec.dropped", "{event}", "Exec events the ring buffer had no room for")
                .AddGlobalCounter(obj.Variables["untracked_comms"], "nectar.exec.untracked", "{exec}", "Execs not counted by name because the BPF hash of names was full");
            using var poller = new EventPoller();
            using var events = settings.LogExecs ? BpfEventLog.Attach(poller, obj, "events", loggerFactory, ProgramName) : null;
            using var link = obj.Programs[ProgramName].Attach();
            _logger.LogInformation("Exec agent attached {Program} (program id {Id}) to sched_process_exec", ProgramName, obj.Programs[ProgramName].Id);
            try
            {
                if (events is null)
                    await Task.Delay(Timeout.Infinite, stoppingToken);
                else
                    await poller.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                // The host is stopping.
            }
            _logger.LogInformation("Exec agent detached: {Logged} exec(s) logged, {Dropped} dropped", events?.RecordsLogged ?? 0, obj.Variables["dropped"].Get<ulong>());
        }
    }
}
