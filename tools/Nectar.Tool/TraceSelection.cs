using System.CommandLine;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// The options of `nectar trace` that shape what is loaded, attached and printed, for objects
/// written for libbpf: --set NAME=VALUE (globals before load), --program NAME (attach only these;
/// many tools carry a tp_btf and a raw_tp copy of one handler), --record MAP=STRUCT (decode a ring
/// or perf buffer's records as a struct of the object's BTF).
/// </summary>
internal sealed class TraceSelection
{
    internal Option<string[]> Set { get; } = new("--set") { Description = "Set global variable NAME of the object (a const volatile setting) to VALUE before load, parsed as its BTF type says; repeatable." };

    internal Option<string[]> Program { get; } = new("--program") { Description = "Load and attach only program NAME (repeatable); by default every program is attached." };

    internal Option<string[]> Record { get; } = new("--record") { Description = "Print the records of ring or perf buffer MAP as struct STRUCT of the object's BTF (MAP=STRUCT); repeatable." };

    internal IEnumerable<Option> Options => [Set, Program, Record];

    /// <summary>The parsed values of one invocation.</summary>
    internal sealed record Values(string[] Settings, string[] Programs, IReadOnlyDictionary<string, string> Records);

    internal Values Read(ParseResult result)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in result.GetValue(Record) ?? [])
        {
            int equals = pair.IndexOf('=');
            if (equals <= 0 || equals == pair.Length - 1)
                throw new ArgumentException($"--record '{pair}': write MAP=STRUCT (for example --record events=event).");
            records[pair[..equals]] = pair[(equals + 1)..];
        }
        return new Values(result.GetValue(Set) ?? [], result.GetValue(Program) ?? [], records);
    }

    /// <summary>
    /// Applies the settings and the program choice to the spec before load. Programs not chosen
    /// are not loaded either, so one the kernel would refuse does not stop the others.
    /// </summary>
    internal static void Apply(BpfObjectSpec spec, Values values)
    {
        foreach (string setting in values.Settings)
            GlobalSetting.Apply(spec, setting);
        if (values.Programs.Length == 0)
            return;
        foreach (string name in values.Programs)
        {
            if (!spec.Programs.ContainsKey(name))
                throw new ArgumentException($"--program {name}: the object has no program '{name}'; it has {string.Join(", ", spec.Programs.Keys.Order(StringComparer.Ordinal))}.");
        }
        foreach (var program in spec.Programs.Values)
            program.AutoLoad = values.Programs.Contains(program.Name, StringComparer.Ordinal);
    }
}
