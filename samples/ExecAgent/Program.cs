using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nectar.OpenTelemetry;
using Nectar.Samples.ExecAgent;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

// The exec agent: a hosted service exporting this host's execs as OpenTelemetry metrics and logs.
// Settings: appsettings.json next to the agent, then environment variables (Agent__OtlpEndpoint=...),
// then the command line (--prometheus-port 9464, --otlp-endpoint http://collector:4317).
// Under systemd (Type=notify) it reports ready and stopping; samples/ExecAgent/exec-agent.service.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--prometheus-port"] = "Agent:PrometheusPort",
    ["--prometheus-host"] = "Agent:PrometheusHost",
    ["--otlp-endpoint"] = "Agent:OtlpEndpoint",
    ["--otlp-protocol"] = "Agent:OtlpProtocol",
    ["--log-execs"] = "Agent:LogExecs",
});
var settings = builder.Configuration.GetSection("Agent").Get<AgentOptions>() ?? new AgentOptions();
builder.Services.Configure<AgentOptions>(builder.Configuration.GetSection("Agent"));
builder.Services.AddSystemd();
builder.Services.AddHostedService<ExecAgentService>();

var telemetry = builder.Services.AddOpenTelemetry()
    .ConfigureResource(resource => resource.AddService("nectar-exec-agent"))
    .WithMetrics(metrics =>
    {
        metrics.AddMeter(BpfMetrics.MeterName);
        if (settings.PrometheusPort > 0)
            metrics.AddPrometheusHttpListener(prometheus =>
            {
                prometheus.Host = settings.PrometheusHost;
                prometheus.Port = settings.PrometheusPort;
            });
    });
if (!string.IsNullOrWhiteSpace(settings.OtlpEndpoint))
{
    // Metrics and the exec log records (ILogger, through OpenTelemetry's logging provider).
    telemetry.WithLogging(logging => { }, logging => logging.IncludeFormattedMessage = true)
        .UseOtlpExporter(settings.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, new Uri(settings.OtlpEndpoint));
}

await builder.Build().RunAsync();
return Environment.ExitCode;
