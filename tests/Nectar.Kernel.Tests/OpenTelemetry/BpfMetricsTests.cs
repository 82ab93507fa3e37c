using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Nectar.Events;
using Nectar.Maps;
using Nectar.OpenTelemetry;
using Nectar.Programs;
using Nectar.Testing;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;

namespace Nectar.Kernel.Tests.OpenTelemetry;

/// <summary>
/// Nectar.OpenTelemetry against real execs and the OpenTelemetry SDK: bpf/exec_agent.bpf.o's maps
/// as a counter with a comm attribute and a log2 histogram, its drop counter, its ring buffer as
/// log records; exported to the SDK's in-memory exporter, and over OTLP/HTTP to a loopback listener.
/// </summary>
public class BpfMetricsTests
{
    private const int Execs = 12;
    private const int Argc = 200; // slot 7: 128 to 255 arguments, which hardly any other exec has

    [KernelFact(Attach = [AttachKind.TracepointBtf])]
    public void Exec_counts_by_comm_and_the_argc_histogram_reach_the_exporter()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("exec_agent"));
        var exported = new List<MetricSnapshot>();
        using var metrics = AgentMetrics(obj);
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(BpfMetrics.MeterName).AddInMemoryExporter(exported).Build();
        metrics.ReadHistograms(); // the baseline: execs before this point are not the test's
        provider.ForceFlush();
        ulong before = BucketCount(exported, 255);
        exported.Clear();

        using (obj.Programs["exec_agent"].Attach())
        {
            using var execs = new NamedExecs();
            execs.Run(Execs, Argc);
            metrics.ReadHistograms();
            provider.ForceFlush();

            var counter = exported.Last(m => m.Name == "nectar.exec.events");
            Assert.Equal(MetricType.LongSum, counter.MetricType);
            var ours = counter.MetricPoints.Where(p => Tags(p).TryGetValue("comm", out var comm) && (string)comm! == execs.Comm).ToList();
            Assert.Equal(Execs, Assert.Single(ours).GetSumLong());

            var histogram = exported.Last(m => m.Name == "nectar.exec.argc");
            Assert.Equal(MetricType.Histogram, histogram.MetricType);
            var bounds = new List<double>();
            foreach (var bucket in Assert.Single(histogram.MetricPoints).GetHistogramBuckets())
                bounds.Add(bucket.ExplicitBound);
            Assert.Equal([1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191, 16383, 32767, double.PositiveInfinity], bounds);
            Assert.Equal((ulong)Execs, BucketCount(exported, 255) - before);

            var dropped = exported.Last(m => m.Name == "nectar.exec.dropped");
            Assert.Equal(0, Assert.Single(dropped.MetricPoints).GetSumLong());
        }
    }

    [KernelFact(Attach = [AttachKind.TracepointBtf])]
    public void Ring_buffer_events_become_log_records_with_the_fields_as_attributes()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("exec_agent"));
        var records = new List<LogRecord>();
        using var loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel => otel.AddInMemoryExporter(records)));
        using var poller = new EventPoller();
        using var events = BpfEventLog.Attach(poller, obj, "events", loggerFactory);
        using var link = obj.Programs["exec_agent"].Attach();
        using var execs = new NamedExecs();

        execs.Run(3, Argc);
        var deadline = Stopwatch.StartNew();
        List<LogRecord> ours;
        do
        {
            poller.Poll(TimeSpan.FromMilliseconds(100));
            ours = records.Where(r => Attributes(r).GetValueOrDefault("comm") as string == execs.Comm).ToList();
        }
        while (ours.Count < 3 && deadline.Elapsed < TimeSpan.FromSeconds(30));

        Assert.Equal(3, ours.Count);
        foreach (var record in ours)
        {
            Assert.Equal("exec_agent", record.CategoryName); // the object's one program
            Assert.Equal(LogLevel.Information, record.LogLevel);
            var fields = Attributes(record);
            Assert.Equal((long)Argc, fields["argc"]);
            Assert.Equal(execs.Path, fields["filename"]);
            Assert.Equal(0L, fields["uid"]);
            Assert.IsType<long>(fields["pid"]);
            Assert.Equal("exec_event: pid={pid} uid={uid} argc={argc} comm={comm} filename={filename}", record.Body);
        }
        Assert.Equal(0UL, obj.Variables["dropped"].Get<ulong>());
    }

    [KernelFact(Attach = [AttachKind.TracepointBtf])]
    public async Task Metrics_go_out_over_OTLP_http_protobuf()
    {
        // No OTLP receiver a real project ships is installable here (Debian has no OpenTelemetry
        // Collector): this checks the protocol level, the OTLP exporter's request to a loopback listener.
        using var obj = BpfObject.Load(BpfObjects.PathOf("exec_agent"));
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        using var metrics = AgentMetrics(obj);
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(BpfMetrics.MeterName)
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = new Uri($"http://127.0.0.1:{port}/v1/metrics");
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000; // only when flushed
            })
            .Build();
        using var link = obj.Programs["exec_agent"].Attach();
        using var execs = new NamedExecs();
        execs.Run(2, Argc);
        metrics.ReadHistograms();

        var flush = Task.Run(() => provider.ForceFlush(30_000));
        var request = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        using var body = new MemoryStream();
        await request.Request.InputStream.CopyToAsync(body);
        request.Response.StatusCode = 200;
        request.Response.ContentType = "application/x-protobuf";
        request.Response.Close();
        Assert.True(await flush);

        Assert.Equal("POST", request.Request.HttpMethod);
        Assert.Equal("/v1/metrics", request.Request.Url!.AbsolutePath);
        Assert.Equal("application/x-protobuf", request.Request.ContentType);
        string payload = Encoding.UTF8.GetString(body.ToArray()); // protobuf strings are their UTF-8 bytes
        Assert.Contains("nectar.exec.events", payload);
        Assert.Contains("nectar.exec.argc", payload);
        Assert.Contains("nectar.exec.dropped", payload);
        Assert.Contains(execs.Comm, payload);
    }

    [KernelFact]
    public void Typed_keys_name_their_own_attributes_and_per_cpu_values_are_summed()
    {
        using var counts = BpfMap.Create(new MapAttributes("otel_percpu", MapType.PerCpuHash, 4, 8, 4));
        counts.UpdatePerCpu(42u, Enumerable.Range(1, PossibleCpus.Count).Select(cpu => (ulong)cpu).ToArray());
        using var histograms = BpfMap.Create(new MapAttributes("otel_hists", MapType.Hash, 4, 16, 4));
        histograms.Update(ToBytes([7u]), ToBytes([2u, 0u, 5u, 1u]));
        var exported = new List<MetricSnapshot>();
        using var metrics = new BpfMetrics(TimeSpan.FromHours(1))
            .AddTypedCounter(counts, "test.counts", (uint pid) => new TagList { { "pid", (long)pid } })
            .AddTypedHistogram(histograms, "test.sizes", (uint disk) => new TagList { { "disk", $"sd{(char)('a' + disk)}" } });
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(BpfMetrics.MeterName).AddInMemoryExporter(exported).Build();

        metrics.ReadHistograms();
        provider.ForceFlush();

        var point = Assert.Single(exported.Single(m => m.Name == "test.counts").MetricPoints);
        Assert.Equal(42L, Tags(point)["pid"]);
        Assert.Equal(Enumerable.Range(1, PossibleCpus.Count).Sum(), point.GetSumLong());
        var histogram = Assert.Single(exported.Single(m => m.Name == "test.sizes").MetricPoints);
        Assert.Equal("sdh", Tags(histogram)["disk"]);
        var buckets = new List<(double, long)>();
        foreach (var bucket in histogram.GetHistogramBuckets())
            buckets.Add((bucket.ExplicitBound, bucket.BucketCount));
        // Slot i is exactly the bucket (2^i - 1, 2^(i+1) - 1]; the last slot is the +Inf bucket.
        Assert.Equal([(1, 2), (3, 0), (7, 5), (double.PositiveInfinity, 1)], buckets);
        Assert.Equal(8, histogram.GetHistogramCount());
    }

    private static byte[] ToBytes(uint[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private static BpfMetrics AgentMetrics(BpfObject obj) => new BpfMetrics(TimeSpan.FromHours(1)) // read on demand (ReadHistograms)
        .AddCounter(obj, "execs", "nectar.exec.events")
        .AddHistogram(obj, "argc_hist", "nectar.exec.argc")
        .AddGlobalCounter(obj.Variables["dropped"], "nectar.exec.dropped");

    private static ulong BucketCount(List<MetricSnapshot> exported, double bound)
    {
        var histogram = exported.LastOrDefault(m => m.Name == "nectar.exec.argc");
        if (histogram is null || histogram.MetricPoints.Count == 0)
            return 0;
        foreach (var bucket in histogram.MetricPoints[0].GetHistogramBuckets())
        {
            if (bucket.ExplicitBound == bound)
                return (ulong)bucket.BucketCount;
        }
        throw new InvalidOperationException($"no bucket bounded by {bound}");
    }

    private static Dictionary<string, object?> Tags(MetricPoint point)
    {
        var tags = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
            tags[tag.Key] = tag.Value;
        return tags;
    }

    private static Dictionary<string, object?> Attributes(LogRecord record) =>
        (record.Attributes ?? []).Where(a => a.Key != "{OriginalFormat}").ToDictionary(a => a.Key, a => a.Value);

    internal static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
