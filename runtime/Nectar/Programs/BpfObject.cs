using Nectar.Interop;
using Nectar.Links;
using Nectar.Maps;
using Nectar.Relocation;

namespace Nectar.Programs;

/// <summary>
/// A BPF object loaded into the kernel: its maps created (global data stored, .rodata frozen),
/// its programs loaded. Attach programs from <see cref="Programs"/>; Dispose closes everything.
/// <code>
/// using var obj = BpfObject.Load("counter.bpf.o");
/// using var link = obj.Programs["count_sys_enter"].Attach();
/// </code>
/// </summary>
public sealed class BpfObject : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, BpfMap> _maps = new(StringComparer.Ordinal);
    // Maps taken from an existing pin rather than created by this load.
    private readonly HashSet<string> _reusedPins = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BpfProgram> _programs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Exception> _failures = new(StringComparer.Ordinal);
    private ObjectBtf? _objectBtf;
    private CoreRelocator? _coreRelocator;
    private Btf.Btf? _kernelBtf;
    private BpfFileDescriptor? _btfFd;
    private ExternPatcher? _externs;
    // The USDT spec ids of every usdt program of this object (made when the first one loads).
    private UsdtSpecTable? _usdtSpecs;

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

    /// <summary>Reads the object file and loads it.</summary>
    public static BpfObject Load(string path, BpfLoadOptions? options = null) => Load(BpfObjectSpec.Read(path), options);

    /// <summary>Creates the object's maps and loads its programs. On failure nothing stays open.</summary>
    public static BpfObject Load(BpfObjectSpec spec, BpfLoadOptions? options = null)
    {
        options ??= new BpfLoadOptions();
        var obj = new BpfObject(spec) { _kernelBtf = options.KernelBtf };
        try
        {
            obj._externs = ExternResolution.Resolve(spec, KernelFacts.RunningKernel, () => VmlinuxBtf.Instance);
            obj.LoadBtf();
            obj.CreateMaps(options);
            InitialSlots.StoreMaps(spec, obj._maps, obj._reusedPins);
            obj.LoadPrograms(options);
            InitialSlots.StorePrograms(spec, obj._maps, obj._programs, obj._failures);
            obj.Variables = new NamedCollection<BpfVariable>(
                spec.Variables.Values.ToDictionary(v => v.Name, v => new BpfVariable(v, obj._maps[v.Map.Name]), StringComparer.Ordinal),
                $"global variable in {spec.Name}");
            return obj;
        }
        catch
        {
            obj.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
            _owned[i].Dispose();
        _owned.Clear();
    }

    private void LoadBtf()
    {
        if (Spec.Btf is null)
            return;
        _objectBtf = new ObjectBtf(Spec, Spec.Btf);
        try
        {
            var bytes = BtfSanitizer.Sanitize(Spec.Btf, ExternBtf.Prepare(Spec.Btf, _objectBtf.KernelBytes(), Spec.Externs), BtfFeatureProbe.Missing);
            _btfFd = BtfHandle.Load(bytes);
            _owned.Add(_btfFd);
        }
        catch (BpfException e) when (e is not BpfPermissionException)
        {
            BtfLoadError = e.Message;
        }
    }

    private void CreateMaps(BpfLoadOptions options)
    {
        foreach (var definition in Spec.Maps.Values)
        {
            uint dataSection = definition.Origin == MapOrigin.GlobalData ? _objectBtf?.DataSectionTypeId(definition.Name) ?? 0 : 0;
            var map = MapCreator.Create(definition, options.PinDirectory, _btfFd, dataSection, out bool reused);
            _owned.Add(map);
            _maps[definition.Name] = map;
            if (reused)
                _reusedPins.Add(definition.Name);
        }
    }

    private void LoadPrograms(BpfLoadOptions options)
    {
        foreach (var spec in Spec.Programs.Values.Where(p => p.Section.IsSupported && p.AutoLoad))
        {
            try
            {
                var debugInfo = _btfFd is null ? null : _objectBtf?.For(spec);
                var instructions = PatchMapReferences(spec);
                var program = BpfProgram.Load(new ProgramLoadRequest(spec, instructions)
                {
                    Poisoned = PatchExterns(spec, instructions, RelocateCore(spec, instructions)),
                    KernelVersion = Spec.KernelVersion,
                    AttachBtfId = spec.Section.NeedsTargetToLoad ? AttachTargets.Find(spec) : 0,
                    BtfFd = debugInfo is null ? 0 : _btfFd!.Value,
                    FuncInfo = debugInfo?.FuncInfoBytes,
                    FuncInfoCount = debugInfo?.FuncInfoCount ?? 0,
                    LineInfo = debugInfo?.LineInfoBytes,
                    LineInfoCount = debugInfo?.LineInfoCount ?? 0,
                    SourceLineOf = debugInfo is null ? null : debugInfo.SourceLineOf,
                });
                _owned.Add(program);
                _programs[spec.Name] = program;
                if (spec.Section.Kind == AttachKind.Usdt)
                    program.UsdtSpecs = _usdtSpecs ??= new UsdtSpecTable(Name, _maps.GetValueOrDefault(UsdtSpecTable.SpecsMap),
                        _maps.GetValueOrDefault(UsdtSpecTable.AddressMap), () => KernelFacts.RunningKernel.HasBpfCookie());
            }
            // ArgumentException: the section names an attach target this kernel does not have.
            catch (Exception e) when (options.ContinueOnProgramFailure && e is BpfException or Btf.BtfException or ArgumentException)
            {
                _failures[spec.Name] = e;
            }
        }
    }

    /// <summary>
    /// Applies the CO-RE relocations of every function placed in the program against the running
    /// kernel's BTF (vmlinux, then module BTF for types vmlinux lacks); returns the instructions it
    /// had to poison (by index in the program) with why, or null when the object has no CO-RE.
    /// </summary>
    private Dictionary<int, string>? RelocateCore(ProgramSpec spec, BpfInstruction[] instructions)
    {
        if (_objectBtf is not { HasCoreRelocations: true })
            return null;
        _coreRelocator ??= new CoreRelocator(Spec.Btf!, _kernelBtf is { } given ? CoreTargets.Only(given) : CoreTargets.RunningKernel(VmlinuxBtf.Instance));
        var poisoned = new Dictionary<int, string>();
        foreach (var (function, start) in spec.Layout)
        {
            var relocations = _objectBtf.CoreRelocationsOf(function.Section.Name);
            if (relocations.Count == 0)
                continue;
            var report = _coreRelocator.Apply(instructions.AsSpan(start, function.Count), function.Start, relocations);
            foreach (var result in report.Poisoned)
            {
                string why = $"{result.Access}: {result.Reason}";
                poisoned[start + result.InstructionIndex] = why;
                if (result.IsWide)
                    poisoned[start + result.InstructionIndex + 1] = why;
            }
        }
        return poisoned;
    }

    /// <summary>Points extern references at the .kconfig map and vmlinux BTF ids; adds poisoned weak kfunc calls to <paramref name="poisoned"/>.</summary>
    private Dictionary<int, string>? PatchExterns(ProgramSpec spec, BpfInstruction[] instructions, Dictionary<int, string>? poisoned)
    {
        if (_externs is null)
            return poisoned;
        int kconfig = _maps.TryGetValue(ExternReader.KconfigSection, out var map) ? map.Fd.Value : -1;
        foreach (var (index, why) in _externs.Patch(spec, instructions, kconfig))
            (poisoned ??= [])[index] = why;
        return poisoned;
    }

    /// <summary>A copy of the program's instructions with map fds (and global data offsets) filled in.</summary>
    private BpfInstruction[] PatchMapReferences(ProgramSpec spec)
    {
        var instructions = (BpfInstruction[])spec.Instructions.Clone();
        foreach (var reference in spec.MapReferences)
        {
            ref var first = ref instructions[reference.Instruction];
            ref var second = ref instructions[reference.Instruction + 1];
            if (reference.ValueOffset is { } offset)
            {
                second.Immediate = offset + first.Immediate;
                first.SourceRegister = BpfInstruction.PseudoMapValue;
            }
            else
            {
                first.SourceRegister = BpfInstruction.PseudoMapFd;
            }
            first.Immediate = _maps[reference.MapName].Fd.Value;
        }
        return instructions;
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

/// <summary>How <see cref="BpfObject.Load(BpfObjectSpec, BpfLoadOptions?)"/> behaves.</summary>
public sealed record BpfLoadOptions
{
    /// <summary>Load the programs that verify and record the others in <see cref="BpfObject.Failures"/>, instead of throwing.</summary>
    public bool ContinueOnProgramFailure { get; init; }

    /// <summary>Where maps with pinning = LIBBPF_PIN_BY_NAME are pinned and reused (libbpf's default: /sys/fs/bpf).</summary>
    public string PinDirectory { get; init; } = Pinning.BpffsRoot;

    /// <summary>
    /// The kernel types CO-RE relocations are resolved against, instead of the running kernel's
    /// (/sys/kernel/btf/vmlinux and its modules): another kernel's vmlinux BTF, such as one from a
    /// BTF archive for a kernel built without BTF (<c>Btf.Load(path)</c>). Only CO-RE uses it;
    /// attach targets and __ksym externs are the running kernel's own ids.
    /// </summary>
    public Btf.Btf? KernelBtf { get; init; }
}
