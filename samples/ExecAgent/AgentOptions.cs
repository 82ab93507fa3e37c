namespace Nectar.Samples.ExecAgent;

/// <summary>The agent's settings: section "Agent" of appsettings.json, environment variables (Agent__OtlpEndpoint) or the command line.</summary>
public sealed class AgentOptions
{
    /// <summary>The Prometheus scrape endpoint's port (http://PrometheusHost:PORT/metrics); 0 turns it off.</summary>
    public int PrometheusPort { get; set; } = 9464;

    /// <summary>The host name the scrape endpoint answers on (localhost; + for every address).</summary>
    public string PrometheusHost { get; set; } = "localhost";

    /// <summary>Where OTLP metrics and log records go (http://collector:4317); empty: no OTLP.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>grpc (port 4317) or http/protobuf (port 4318).</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    /// <summary>Whether each exec is also a log record (category exec_agent), besides the metrics.</summary>
    public bool LogExecs { get; set; } = true;

    /// <summary>How often the argc histogram is read from its BPF map.</summary>
    public double HistogramIntervalSeconds { get; set; } = 1;

    /// <summary>The BPF object (default: bpf/exec_agent.bpf.o next to the agent).</summary>
    public string? ObjectPath { get; set; }
}
