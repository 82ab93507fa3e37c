using System.IO.Compression;

namespace Nectar.Programs;

/// <summary>
/// A kernel's build configuration (the .config text): CONFIG_ option names to their raw values
/// ("y", "m", "250", "0x1000000", "\"(none)\""). Options that are "not set" are absent, as in the
/// file. The running kernel's comes from /proc/config.gz (CONFIG_IKCONFIG_PROC), else from
/// /boot/config-$(uname -r).
/// </summary>
public sealed class KernelConfig
{
    internal const string ProcConfig = "/proc/config.gz";

    private readonly Dictionary<string, string> _values;

    private KernelConfig(Dictionary<string, string> values, string source)
    {
        _values = values;
        Source = source;
    }

    /// <summary>Where the configuration was read from (a path, or what the caller named it).</summary>
    public string Source { get; }

    public IReadOnlyDictionary<string, string> Values => _values;

    /// <summary>The raw value of an option, or null when the option is not set.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// Parses .config text: `CONFIG_NAME=value` lines; comments ("# CONFIG_X is not set") and
    /// blank lines are skipped. A CONFIG_ line without '=' or without a value is refused.
    /// </summary>
    public static KernelConfig Parse(string text, string source)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        int number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (!line.StartsWith("CONFIG_", StringComparison.Ordinal))
                continue;
            int equals = line.IndexOf('=');
            if (equals < 0)
                throw new InvalidDataException($"{source}:{number}: '{line}' has no '='; a kernel config line reads CONFIG_NAME=value.");
            if (equals == line.Length - 1)
                throw new InvalidDataException($"{source}:{number}: option '{line[..equals]}' has no value after '='.");
            values[line[..equals]] = line[(equals + 1)..];
        }
        return new KernelConfig(values, source);
    }

    /// <summary>The running kernel's configuration, or null when neither /proc/config.gz nor /boot/config-RELEASE exists.</summary>
    public static KernelConfig? ReadRunningKernel()
    {
        if (File.Exists(ProcConfig))
        {
            using var file = File.OpenRead(ProcConfig);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            return Parse(reader.ReadToEnd(), ProcConfig);
        }
        string boot = BootConfigPath;
        return File.Exists(boot) ? Parse(File.ReadAllText(boot), boot) : null;
    }

    internal static string BootConfigPath => $"/boot/config-{KernelRelease.Current}";
}
