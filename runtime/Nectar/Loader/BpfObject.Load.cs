using Nectar.Interop;
using Nectar.Links;
using Nectar.Maps;
using Nectar.Relocation;

namespace Nectar.Programs;

/// <summary>
/// Loading a <see cref="BpfObjectSpec"/>, in order: externs resolved against the running kernel, the
/// object's BTF sanitized and loaded, maps created (or reused from pins) and their initial slots
/// stored, each program's map references, CO-RE relocations and externs patched, the program loaded
/// (verifier log on failure), program slots stored. The live object is Programs/BpfObject.cs.
/// </summary>
public sealed partial class BpfObject
{
    private ObjectBtf? _objectBtf;
    private CoreRelocator? _coreRelocator;
    private Btf.Btf? _kernelBtf;
    private BpfFileDescriptor? _btfFd;
    private ExternPatcher? _externs;
    // The USDT spec ids of every usdt program of this object (made when the first one loads).
    private UsdtSpecTable? _usdtSpecs;

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
}
