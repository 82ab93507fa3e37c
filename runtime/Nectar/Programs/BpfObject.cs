using Nectar.Maps;

namespace Nectar.Programs;

/// <summary>
/// A BPF object loaded into the kernel: its maps created (global data stored, .rodata frozen),
/// its programs loaded. Attach programs from <see cref="Programs"/>; Dispose closes everything.
/// <code>
/// using var obj = BpfObject.Load("counter.bpf.o");
/// using var link = obj.Programs["count_sys_enter"].Attach();
/// </code>
/// </summary>
public sealed partial class BpfObject : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);
    // Maps taken from an existing pin rather than created by this load.
    private readonly HashSet<string> _reusedPins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BpfProgram> _programs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> _failures = new(StringComparer.Ordinal);

    private BpfObject(BpfObjectSpec spec)
    {
        Spec = spec;
        Maps = new NamedCollection<BpfMap>(_maps, $"map in {spec.Name}");
        Programs = new NamedCollection<BpfProgram>(_programs, $"program in {spec.Name}", ExplainMissingProgram);
        Variables = new NamedCollection<BpfVariable>([], $"global variable in {spec.Name}");
    }

    public BpfObjectSpec Spec { get; }

    public string Name => Spec.Name;

    /// <summary>Maps by name: BTF-defined and legacy maps by variable name, global data by section (".bss").</summary>
    public NamedCollection<BpfMap> Maps { get; }

    /// <summary>Loaded programs by function name. Programs of sections Nectar does not support are absent.</summary>
    public NamedCollection<BpfProgram> Programs { get; }

    /// <summary>
    /// Attaches every program whose section says where (tracepoints, raw and BTF tracepoints,
    /// kprobes, fentry/fexit, uprobes naming a binary and function); programs that need more (an
    /// interface, a cgroup, perf events, iterators) are listed in <see cref="BpfLinkSet.Skipped"/>.
    /// All or nothing: when one fails, those attached are detached and the error is thrown.
    /// </summary>
    public BpfLinkSet AttachAll() => BpfLinkSet.Attach(Programs.Values);

    /// <summary>Global variables, read and written through their maps.</summary>
    public NamedCollection<BpfVariable> Variables { get; private set; }

    /// <summary>With <see cref="BpfLoadOptions.ContinueOnProgramFailure"/>: the programs that failed to load, and why.</summary>
    public IReadOnlyDictionary<string, Exception> Failures => _failures;

    /// <summary>
    /// Why the object's BTF could not be loaded into the kernel, or null when it was (or the object
    /// has none). Without it, programs load without func/line info and maps without BTF types.
    /// </summary>
    public string? BtfLoadError { get; private set; }

    // Loading (BpfObject.Load and its steps) is in Loader/BpfObject.Load.cs.

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }

    private string? ExplainMissingProgram(string name)
    {
        if (_failures.TryGetValue(name, out var failure))
            return $"Program '{name}' failed to load: {failure.Message}";
        if (Spec.Programs.TryGetValue(name, out var spec) && !spec.Section.IsSupported)
            return $"Program '{name}' was not loaded: {spec.Section.UnsupportedReason}.";
        if (spec?.NotLoadedReason is { } reason)
            return $"Program '{name}' was not loaded: {reason}.";
        return null;
    }
}
