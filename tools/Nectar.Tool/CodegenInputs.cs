using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;
using Nectar.Generator.Tracepoints;

namespace Nectar.Tool;

/// <summary>What `nectar codegen`, `nectar tracepoints` and `nectar bench codegen` read: BTF, trace headers, tracefs formats.</summary>
internal static class CodegenInputs
{
    public const string DefaultBtf = "/sys/kernel/btf/vmlinux";
    public const string DefaultTracefsEvents = "/sys/kernel/tracing/events";

    /// <summary>Loads BTF (raw or an ELF object's .BTF); a BtfException carries the path and what is wrong.</summary>
    public static Btf.Btf LoadBtf(string? path) => Btf.Btf.Load(path ?? DefaultBtf);

    /// <summary>Every prototype in the *.h files under the given folders (or files), in path order.</summary>
    public static List<TracepointPrototype> LoadPrototypes(IEnumerable<string> headerPaths)
    {
        var prototypes = new List<TracepointPrototype>();
        foreach (string path in headerPaths)
        {
            IEnumerable<string> files = File.Exists(path) ? [path]
                : Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.h", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : throw new FileNotFoundException($"No trace header file or folder '{path}'. Give --headers a folder like include/trace/events of the kernel sources.");
            foreach (string file in files)
                prototypes.AddRange(TraceHeaderParser.Parse(File.ReadAllText(file)));
        }
        return prototypes;
    }

    /// <summary>The format file of system/event under a tracefs events folder, if it is there and readable.</summary>
    public static SystemFormat? TryLoadFormat(string eventsFolder, string system, string eventName)
    {
        string path = Path.Combine(eventsFolder, system, eventName, "format");
        try
        {
            return File.Exists(path) ? new SystemFormat(system, TraceFormatParser.Parse(File.ReadAllText(path))) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // not mounted or not readable: the record comes from BTF instead
        }
    }

    /// <summary>Writes diagnostics to stderr as "severity ID: message"; true when any is an error.</summary>
    public static bool Report(IEnumerable<CodegenDiagnostic> diagnostics)
    {
        bool error = false;
        foreach (CodegenDiagnostic d in diagnostics)
        {
            Console.Error.WriteLine("nectar: " + d);
            error |= d.Severity == CodegenSeverity.Error;
        }
        return error;
    }
}
