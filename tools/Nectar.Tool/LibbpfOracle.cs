using System.Diagnostics;
using System.Globalization;

namespace Nectar.Tool;

/// <summary>
/// The libbpf programs of bench/libbpf (built by bench/libbpf/build.sh), which run the same BPF
/// objects as a `nectar bench` so that its figures stand next to libbpf's. Benchmarks only:
/// Nectar never needs libbpf. Each prints `libbpf NAME: key=value ...` lines. Also runs the tool
/// itself in a fresh process (cold runs), whose lines have the same form.
/// </summary>
internal sealed class LibbpfOracle(string executable, params string[] leadingArguments)
{
    /// <summary>The oracle <paramref name="name"/> in <paramref name="directory"/>, or null (with the reason on stderr) when absent.</summary>
    internal static LibbpfOracle? Find(string? directory, string name)
    {
        if (directory is null)
            return null;
        string path = Path.GetFullPath(Path.Combine(directory, name));
        if (File.Exists(path))
            return new LibbpfOracle(path);
        Console.Error.WriteLine($"nectar bench: no libbpf oracle at {path} (build it with bench/libbpf/build.sh); showing Nectar's figures alone.");
        return null;
    }

    /// <summary>Runs the oracle; returns the key=value pairs of each line it printed that starts with <paramref name="linePrefix"/>.</summary>
    internal List<Dictionary<string, string>> Run(string linePrefix, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in leadingArguments.Concat(arguments))
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new IOException($"Could not start {executable}.");
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new IOException($"{executable} exited with {process.ExitCode}: {errors.Result.Trim()}");
        var lines = new List<Dictionary<string, string>>();
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith(linePrefix, StringComparison.Ordinal))
                continue;
            lines.Add(line[linePrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(pair => pair.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1]));
        }
        if (lines.Count == 0)
            throw new IOException($"{executable} printed no '{linePrefix}' line: {output.Trim()} {errors.Result.Trim()}");
        return lines;
    }

    internal static double Number(Dictionary<string, string> line, string key)
        => line.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new IOException($"The libbpf oracle printed no number for '{key}'.");
}
