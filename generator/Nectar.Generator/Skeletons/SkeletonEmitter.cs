using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;
using Nectar.Maps;
using Nectar.Programs;

namespace Nectar.Generator.Skeletons
{
    /// <summary>
    /// Writes one object's skeleton into the user's partial class: Open/Load/Dispose over the runtime's
    /// BpfObjectSpec and BpfObject, a property per program, map and global variable, typed helpers for
    /// maps whose key and value types BTF gives and for ring buffers whose event type is declared, and
    /// the object's structs as nested types, named by the one rule of generated code (CSharpNames.Pascal).
    /// </summary>
    internal sealed class SkeletonEmitter
    {
        private const string ProgramsNs = "global::Nectar.Programs.";
        private const string MapsNs = "global::Nectar.Maps.";
        private const string EventsNs = "global::Nectar.Events.";

        // Map kinds whose lookups are one key to one value, so a typed TryLookup/Update is exact.
        /// <summary>Maps whose lookups from user space give one value of the value type, so the skeleton adds typed lookups.</summary>
        private static readonly HashSet<MapType> KeyValueMapTypes = new HashSet<MapType> { MapType.Hash, MapType.Array, MapType.LruHash, MapType.LpmTrie };

        /// <summary>BTF's VAR linkage of a global, allocated variable (BTF_VAR_GLOBAL_ALLOCATED).</summary>
        private const uint GlobalLinkage = 1;

        private readonly SkeletonRequest _request;
        private readonly IReadOnlyList<ProgramSpec> _programs;
        private readonly IReadOnlyList<MapSpec> _maps;
        private readonly IReadOnlyList<VariableSpec> _variables;
        private readonly IReadOnlyList<(string Map, uint TypeId)> _ringRecords;
        private readonly Btf.Btf _btf;
        private readonly KernelTypes _types;
        private readonly InlineArrays _arrays = new InlineArrays();
        private readonly TypeMapper _map;
        private readonly Dictionary<string, uint> _ringEvents = new Dictionary<string, uint>(StringComparer.Ordinal);
        private readonly HashSet<string> _used = new HashSet<string>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _usedBy = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly List<CodegenDiagnostic> _diagnostics;

        /// <summary>What the emitted skeleton needs of the compilation's shared support types.</summary>
        public SupportNeeds Support { get; private set; } = SupportNeeds.None;

        /// <summary>
        /// Takes the object as the runtime reads it (<see cref="BpfObjectSpec"/>, compiled in from Objects/): its
        /// programs, the maps it declares (BTF-defined and legacy; the data sections' maps are its variables),
        /// and its global variables that BTF types (static ones are the program's own, and NECTAR_RING_RECORD's
        /// markers name a ring buffer's record type instead of holding data).
        /// </summary>
        public SkeletonEmitter(SkeletonRequest request, BpfObjectSpec spec, List<CodegenDiagnostic> diagnostics)
        {
            _request = request;
            _diagnostics = diagnostics;
            _btf = spec.Btf ?? throw new BtfException($"'{request.ObjectPath}' has no .BTF section; compile it with clang -g.");
            _programs = spec.Programs.Values.ToList();
            _maps = spec.Maps.Values.Where(m => m.Origin != MapOrigin.GlobalData).ToList();
            _variables = spec.Variables.Values
                .Where(v => v.BtfVarId != 0 && _btf.GetType(v.BtfVarId).VarLinkage == GlobalLinkage)
                .Where(v => !v.Name.StartsWith(BpfObjectSpec.RingRecordMarkerPrefix, StringComparison.Ordinal))
                .ToList();
            _ringRecords = spec.RingRecords().ToList();
            string className = request.Target.Name;
            // A nested type may not share its class's name.
            _types = new KernelTypes(_btf, c => CSharpNames.Pascal(c) is var p && p == className ? p + "_" : p);
            _map = new TypeMapper(_types, _arrays, "", "global::Nectar.");
            CollectTypes(diagnostics);
        }

        private string ObjectFileName => System.IO.Path.GetFileName(_request.ObjectPath.Replace('\\', '/'));

        private void CollectTypes(List<CodegenDiagnostic> diagnostics)
        {
            foreach (RingBufferEventRequest ev in _request.RingBufferEvents)
            {
                MapSpec? map = _maps.FirstOrDefault(m => m.Name == ev.Map);
                if (map == null || !IsRingBuffer(map))
                {
                    string what = map == null ? "no map named '" + ev.Map + "'" : "map '" + ev.Map + "', but it is a " + MapTypeName(map.Attributes.Type) + ", not a ring buffer";
                    diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.UnknownMap,
                        $"[RingBufferEvent(\"{ev.Map}\", \"{ev.Struct}\")]: {ObjectFileName} has {what}." +
                        RawTracepointEmitter.DidYouMean(BtfSuggestions.Closest(ev.Map, _maps.Where(IsRingBuffer).Select(m => m.Name))), _request.Source));
                }
                else if (_ringEvents.ContainsKey(ev.Map))
                {
                    diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.ConflictingDeclarations,
                        $"Ring buffer '{ev.Map}' has more than one [RingBufferEvent]: keep one.", _request.Source));
                }
                else if (_types.Find(ev.Struct) is { } found)
                {
                    _types.Add(found, found.IsAnonymous ? ev.Struct : found.Name);
                    _ringEvents.Add(ev.Map, found.Id);
                }
                else
                {
                    diagnostics.Add(Codegen.NotAType(_types, ev.Struct, _request.Source));
                }
            }
            AddRingRecords(diagnostics);
            foreach (string name in _request.Types)
            {
                if (_types.Find(name) is { } found) _types.Add(found, found.IsAnonymous ? name : found.Name);
                else diagnostics.Add(Codegen.NotAType(_types, name, _request.Source));
            }
            foreach (MapSpec map in _maps)
            {
                AddByValue(map.Attributes.BtfKeyTypeId);
                AddByValue(map.Attributes.BtfValueTypeId);
                if (IsRingBuffer(map) && !_ringEvents.ContainsKey(map.Name))
                    diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.UntypedRingBuffer,
                        $"Ring buffer '{map.Name}' of {ObjectFileName} has no event type (BTF gives ring buffers none), so {_request.Target.Name} offers its records as bytes only: " +
                        $"declare NECTAR_RING_RECORD({map.Name}, struct <name>) after the map in C (bpf/include/nectar_ring.h), or add [RingBufferEvent(\"{map.Name}\", \"<struct name>\")], to read them as that struct.", _request.Source));
            }
            foreach (VariableSpec variable in _variables)
                AddByValue(TypeOf(variable));
        }

        /// <summary>
        /// Types the ring buffers the C side names a record for with NECTAR_RING_RECORD, so that no
        /// attribute has to repeat it; a [RingBufferEvent] for the same map wins, with a warning when
        /// it names another type.
        /// </summary>
        private void AddRingRecords(List<CodegenDiagnostic> diagnostics)
        {
            foreach ((string Map, uint TypeId) record in _ringRecords)
            {
                if (!_maps.Any(m => m.Name == record.Map && IsRingBuffer(m))) continue;
                (BtfType type, string? typedef) = _types.Resolve(record.TypeId);
                if (!type.IsComposite || KernelTypes.NameOf(type, typedef) is not { } name) continue;
                if (_ringEvents.TryGetValue(record.Map, out uint declared))
                {
                    if (declared != type.Id)
                        diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.RingRecordOverridden,
                            $"[RingBufferEvent] reads ring buffer '{record.Map}' as {_types.CNameOf(declared)}, but {ObjectFileName} declares " +
                            $"NECTAR_RING_RECORD({record.Map}, {CDeclarations.TypeName(_btf, type.Id)}); the attribute wins. Remove it, or make the two agree.", _request.Source));
                    continue;
                }
                _types.Add(type, name);
                _ringEvents.Add(record.Map, type.Id);
            }
        }

        /// <summary>Adds the named struct, union or enum a value of this type is (through arrays), if any.</summary>
        private void AddByValue(uint id)
        {
            if (id == 0) return;
            for (int hops = 0; hops < 64; hops++)
            {
                (BtfType t, string? typedef) = _types.Resolve(id);
                if (t.Kind == BtfKind.Array) { id = t.Array.ElementTypeId; continue; }
                if ((t.IsComposite || t.IsEnum) && KernelTypes.NameOf(t, typedef) is { } name) _types.Add(t, name);
                return;
            }
        }

        public void Emit(CodeWriter w)
        {
            string name = _request.Target.Name;
            foreach (string reserved in new[] { name, "ObjectFileName", "Open", "Expected", "Spec", "Object", "IsLoaded", "Load", "AttachAll", "ResourceName", "FromSpec", "Dispose", "ReadVariable", "WriteVariable" })
                Claim(reserved, reserved == name ? "the class" : "the skeleton's own member " + reserved);
            foreach (string clash in _types.Clashes) Report(clash);
            foreach (var entry in _types.CSharpNames.OrderBy(e => e.Value, StringComparer.Ordinal))
                Claim(entry.Value, CDeclarations.TypeName(_btf, entry.Key));

            w.SummaryCode(ObjectFileName, ": the skeleton of this BPF object (" + Count(_programs.Count, "program") + ", " +
                Count(_maps.Count, "map") + ", " + Count(_variables.Count, "global variable") +
                "). Open() it, set its .rodata settings, Load() it, attach its programs; Dispose() closes everything.");
            w.Open(_request.Target.Keywords + " " + name + " : global::System.IDisposable");
            EmitLifetime(w, name);
            var rings = _maps.Where(m => IsRingBuffer(m) && _ringEvents.ContainsKey(m.Name)).ToList();
            foreach (ProgramSpec program in _programs) EmitProgram(w, program);
            foreach (MapSpec map in _maps) EmitMap(w, map, rings.IndexOf(map));
            foreach (VariableSpec variable in _variables) EmitVariable(w, variable);
            EmitDispose(w, rings.Count);
            var typeEmitter = new KernelTypeEmitter(_types, _map);
            foreach (uint id in _types.Ids)
            {
                w.Line();
                typeEmitter.Emit(w, id);
            }
            foreach (string clash in typeEmitter.Clashes) Report(clash);
            w.Close();
            Support = new SupportNeeds(_arrays.Lengths.ToEquatableArray(), typeEmitter.WroteText);
        }

        private void EmitLifetime(CodeWriter w, string name)
        {
            w.Line("/// <summary>The object's file name. <see cref=\"Open()\"/> reads it from bpf/ in the application's folder (where <c>&lt;BpfProgram&gt;</c> items put it), or from that folder itself.</summary>");
            w.Line("public const string ObjectFileName = " + Literal(ObjectFileName) + ";");
            w.Line();
            w.Line("private " + ProgramsNs + "BpfObject? _object;");
            w.Line();
            w.Line("private " + name + "(" + ProgramsNs + "BpfObjectSpec spec) => Spec = spec;");
            w.Line();
            if (_request.Embed) EmitEmbeddedOpen(w, name);
            else
            {
                w.Line("/// <summary>Reads the object from the application's folder; see <see cref=\"ObjectFileName\"/>.</summary>");
                w.Line("public static " + name + " Open()");
                w.Line("{");
                w.Line("    string folder = global::System.AppContext.BaseDirectory;");
                w.Line("    string path = global::System.IO.Path.Combine(folder, \"bpf\", ObjectFileName);");
                w.Line("    if (global::System.IO.File.Exists(path)) return Open(path);");
                w.Line("    string beside = global::System.IO.Path.Combine(folder, ObjectFileName);");
                w.Line("    if (global::System.IO.File.Exists(beside)) return Open(beside);");
                w.Line("    throw new global::System.IO.FileNotFoundException(\"The BPF object \" + ObjectFileName + \" is in neither \" + path + \" nor \" + beside +");
                w.Line("        \": list its source as a <BpfProgram> item (which copies the object to bpf/ in the output), copy the object there, or call Open(path).\", path);");
                w.Line("}");
                w.Line();
                w.Line("/// <summary>");
                w.Line("/// Reads the object at <paramref name=\"path\"/> (no privileges needed): nothing reaches the kernel before <see cref=\"Load\"/>.");
                w.Line("/// Throws InvalidDataException when it lacks a program, map or variable this skeleton was generated with.");
                w.Line("/// </summary>");
                w.Line("public static " + name + " Open(string path) => FromSpec(" + ProgramsNs + "BpfObjectSpec.Read(path), path);");
                w.Line();
            }
            EmitFromSpec(w, name);

            w.Line("// What the object held when this skeleton was generated; Open checks the object it reads against it.");
            w.Line("private static readonly (string Kind, string Name, int Size)[] Expected =");
            w.Line("{");
            foreach (ProgramSpec program in _programs) w.Line("    (\"program\", " + Literal(program.Name) + ", 0),");
            foreach (MapSpec map in _maps) w.Line("    (\"map\", " + Literal(map.Name) + ", 0),");
            foreach (VariableSpec variable in _variables.Where(v => _map.Map(TypeOf(v)) != null))
                w.Line("    (\"variable\", " + Literal(variable.Name) + ", " + variable.Size + "),");
            w.Line("};");
            w.Line();
            w.Line("/// <summary>The object as read: its map definitions and its variables' initial values, which <see cref=\"Load\"/> uses.</summary>");
            w.Line("public " + ProgramsNs + "BpfObjectSpec Spec { get; }");
            w.Line();
            w.Line("/// <summary>The loaded object (maps, programs, variables by name); throws before <see cref=\"Load\"/>.</summary>");
            w.Line("public " + ProgramsNs + "BpfObject Object => _object ?? throw new global::System.InvalidOperationException(ObjectFileName + \" is not loaded yet: call Load() first.\");");
            w.Line();
            w.Line("public bool IsLoaded => _object != null;");
            w.Line();
            w.Line("/// <summary>Creates the maps (.rodata with the settings made so far, then frozen) and loads the programs.</summary>");
            w.Line("public void Load(" + ProgramsNs + "BpfLoadOptions? options = null)");
            w.Line("{");
            w.Line("    if (_object != null) throw new global::System.InvalidOperationException(ObjectFileName + \" is already loaded.\");");
            w.Line("    _object = " + ProgramsNs + "BpfObject.Load(Spec, options);");
            w.Line("}");
            w.Line();
            w.Line("/// <summary>Attaches every program whose section says where (the others are listed in its Skipped); dispose the result to detach them all.</summary>");
            w.Line("public " + ProgramsNs + "BpfLinkSet AttachAll() => Object.AttachAll();");
            w.Line();
            w.Line("// Before Load a variable is its initial value in the spec; after, its live value in the kernel.");
            w.Line("private T ReadVariable<T>(string name) where T : unmanaged => _object != null ? _object.Variables[name].Get<T>() : Spec.Variables[name].Get<T>();");
            w.Line();
            w.Line("private void WriteVariable<T>(string name, T value) where T : unmanaged");
            w.Line("{");
            w.Line("    if (_object != null) _object.Variables[name].Set(value);");
            w.Line("    else Spec.Variables[name].Set(value);");
            w.Line("}");
        }

        // [BpfObject(..., Embed = true)]: the object comes from the assembly (resource bpf/FILE, which
        // Nectar.Bpf.targets embeds for each <BpfProgram>); Open(path) still reads a file.
        private void EmitEmbeddedOpen(CodeWriter w, string name)
        {
            // The name BpfObjectSpec.Read gives the file (it prefixes the kernel names of the data maps).
            string objectName = BpfObjectSpec.ObjectName(ObjectFileName);
            w.Line("/// <summary>The name of the resource <see cref=\"Open()\"/> reads the object from.</summary>");
            w.Line("public const string ResourceName = \"bpf/\" + ObjectFileName;");
            w.Line();
            w.Line("/// <summary>Reads the object embedded in this assembly (<see cref=\"ResourceName\"/>), so the application needs no bpf/ folder.</summary>");
            w.Line("public static " + name + " Open()");
            w.Line("{");
            w.Line("    var assembly = typeof(" + name + ").Assembly;");
            w.Line("    using var stream = assembly.GetManifestResourceStream(ResourceName) ?? throw new global::System.IO.FileNotFoundException(");
            w.Line("        \"The BPF object \" + ObjectFileName + \" is not embedded in \" + assembly.GetName().Name + \": list its source as a <BpfProgram> item (the build embeds its object as \" + ResourceName + \"), or call Open(path).\", ResourceName);");
            w.Line("    byte[] image = new byte[stream.Length];");
            w.Line("    stream.ReadExactly(image);");
            w.Line("    return FromSpec(" + ProgramsNs + "BpfObjectSpec.Parse(image, " + Literal(objectName) + "), \"the embedded \" + ResourceName);");
            w.Line("}");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// Reads the object at <paramref name=\"path\"/> instead of the embedded one (no privileges needed): nothing reaches the kernel before <see cref=\"Load\"/>.");
            w.Line("/// Throws InvalidDataException when it lacks a program, map or variable this skeleton was generated with.");
            w.Line("/// </summary>");
            w.Line("public static " + name + " Open(string path) => FromSpec(" + ProgramsNs + "BpfObjectSpec.Read(path), path);");
            w.Line();
        }

        // The object read at run time may be another file than the one the skeleton was generated
        // from (a stale bpf/ folder, a path given to Open): both are read by the same rules
        // (BpfObjectSpec), so the names and sizes agree exactly when the files do.
        private static void EmitFromSpec(CodeWriter w, string name)
        {
            w.Line("private static " + name + " FromSpec(" + ProgramsNs + "BpfObjectSpec spec, string origin)");
            w.Line("{");
            w.Line("    foreach ((string kind, string name, int size) in Expected)");
            w.Line("    {");
            w.Line("        bool present = kind == \"program\" ? spec.Programs.ContainsKey(name)");
            w.Line("            : kind == \"map\" ? spec.Maps.ContainsKey(name)");
            w.Line("            : spec.Variables.TryGetValue(name, out var variable) && variable.Size == size;");
            w.Line("        if (!present)");
            w.Line("            throw new global::System.IO.InvalidDataException(origin + \" is not the object " + name + " was generated from: it has no \" + kind + \" '\" + name + \"'\" +");
            w.Line("                (kind == \"variable\" ? \" of \" + size + \" bytes\" : \"\") + \". Rebuild the project so that the skeleton and the object match.\");");
            w.Line("    }");
            w.Line("    return new " + name + "(spec);");
            w.Line("}");
            w.Line();
        }

        private void EmitProgram(CodeWriter w, ProgramSpec program)
        {
            w.Line();
            // The section as written in C: SEC("?NAME") for a program not loaded by default.
            string section = (program.AutoLoad ? "" : "?") + program.Section.Name;
            string declaration = program.BtfFuncId == 0 ? program.Name + "()"
                : CDeclarations.Declaration(_btf, _btf.GetType(program.BtfFuncId).TypeId, program.Name);
            w.SummaryCode("SEC(\"" + section + "\") " + declaration,
                ": Attach() attaches it where its section says; dispose the link to detach.");
            w.Line("public " + ProgramsNs + "BpfProgram " + Unique(CSharpNames.Pascal(program.Name), "Program", "program '" + program.Name + "'") + " => Object.Programs[" + Literal(program.Name) + "];");
        }

        private void EmitMap(CodeWriter w, MapSpec map, int ring)
        {
            MapAttributes spec = map.Attributes;
            string property = Unique(CSharpNames.Pascal(map.Name), "Map", "map '" + map.Name + "'");
            string? key = spec.BtfKeyTypeId == 0 ? null : _map.Map(spec.BtfKeyTypeId);
            string? value = spec.BtfValueTypeId == 0 ? null : _map.Map(spec.BtfValueTypeId);
            string kinds = MapTypeName(spec.Type) + (IsRingBuffer(map) ? ", " + spec.MaxEntries + " bytes" : ", " + spec.MaxEntries + " entries") +
                (spec.BtfKeyTypeId != 0 ? "; key " + CDeclarations.TypeName(_btf, spec.BtfKeyTypeId) : "") +
                (spec.BtfValueTypeId != 0 ? "; value " + CDeclarations.TypeName(_btf, spec.BtfValueTypeId) : "");
            w.Line();
            w.SummaryCode(map.Name, " (" + kinds + ").");
            w.Line("public " + MapsNs + "BpfMap " + property + " => Object.Maps[" + Literal(map.Name) + "];");
            if (ring >= 0)
            {
                string ev = _types.CSharpNameOf(_ringEvents[map.Name])!;
                string field = "_ring" + ring;
                w.Line();
                w.Line("private " + EventsNs + "RingBuffer? " + field + ";");
                w.Line();
                w.Line("/// <summary>Delivers the <c>" + map.Name + "</c> records available now, each as a <see cref=\"" + ev + "\"/> read in place; returns how many. Never blocks.</summary>");
                w.Line("public int " + Unique("Consume" + property, "_", "the accessor " + "Consume" + property + " of map '" + map.Name + "'") + "(" + EventsNs + "RecordHandler<" + ev + "> handler, int maxRecords = int.MaxValue) =>");
                w.Line("    (" + field + " ??= " + EventsNs + "RingBuffer.Open(" + property + ")).Consume(handler, maxRecords);");
                w.Line();
                w.Line("/// <summary>Adds <c>" + map.Name + "</c> to <paramref name=\"poller\"/>, which delivers its records to <paramref name=\"handler\"/> as <see cref=\"" + ev + "\"/>.</summary>");
                w.Line("public " + EventsNs + "RingBuffer " + Unique("Poll" + property, "_", "the accessor " + "Poll" + property + " of map '" + map.Name + "'") + "(" + EventsNs + "EventPoller poller, " + EventsNs + "RecordHandler<" + ev + "> handler) =>");
                w.Line("    poller.Add(" + property + ", handler);");
                w.Line();
                w.Line("/// <summary>Copies of the <c>" + map.Name + "</c> records as <see cref=\"" + ev + "\"/>, polled on a thread of their own until cancelled.</summary>");
                w.Line("public global::System.Collections.Generic.IAsyncEnumerable<" + ev + "> " + Unique("Read" + property + "Async", "_", "the accessor " + "Read" + property + "Async" + " of map '" + map.Name + "'") +
                       "(global::System.Threading.CancellationToken cancellationToken = default) =>");
                w.Line("    " + EventsNs + "RingBufferStreams.ReadAllAsync<" + ev + ">(" + property + ", cancellationToken: cancellationToken);");
            }
            else if (key != null && value != null && KeyValueMapTypes.Contains(spec.Type))
            {
                w.Line();
                w.Line("/// <summary>Looks <paramref name=\"key\"/> up in <c>" + map.Name + "</c>.</summary>");
                w.Line("public bool " + Unique("TryLookup" + property, "_", "the accessor " + "TryLookup" + property + " of map '" + map.Name + "'") + "(" + key + " key, out " + value + " value) => " + property + ".TryLookup(in key, out value);");
                w.Line();
                w.Line("/// <summary>Stores <paramref name=\"value\"/> under <paramref name=\"key\"/> in <c>" + map.Name + "</c>.</summary>");
                w.Line("public void " + Unique("Update" + property, "_", "the accessor " + "Update" + property + " of map '" + map.Name + "'") + "(" + key + " key, " + value + " value, " + MapsNs + "UpdateFlags flags = " + MapsNs + "UpdateFlags.Any) =>");
                w.Line("    " + property + ".Update(in key, in value, flags);");
            }
        }

        private void EmitVariable(CodeWriter w, VariableSpec variable)
        {
            string declaration = CDeclarations.Declaration(_btf, TypeOf(variable), variable.Name);
            string? type = _map.Map(TypeOf(variable));
            w.Line();
            if (type == null)
            {
                w.Line("// " + declaration + "; in " + variable.Map.Name + ": no property (an anonymous or unsized type); use Object.Variables[\"" + variable.Name + "\"].");
                return;
            }
            w.SummaryCode(declaration, " in " + variable.Map.Name + (variable.IsConstant
                ? ": a setting; set it before Load(), read-only after."
                : ": before Load() its initial value, after it the live value in the kernel."));
            w.Line("public " + type + " " + Unique(CSharpNames.Pascal(variable.Name), "Variable", "variable '" + variable.Name + "'") + " { get => ReadVariable<" + type + ">(" + Literal(variable.Name) +
                   "); set => WriteVariable(" + Literal(variable.Name) + ", value); }");
        }

        private static void EmitDispose(CodeWriter w, int rings)
        {
            w.Line();
            w.Line("/// <summary>Closes the object's ring buffers, maps and programs. Links you attached keep their program until you dispose them.</summary>");
            w.Line("public void Dispose()");
            w.Line("{");
            for (int i = 0; i < rings; i++)
            {
                w.Line("    _ring" + i + "?.Dispose();");
                w.Line("    _ring" + i + " = null;");
            }
            w.Line("    _object?.Dispose();");
            w.Line("    _object = null;");
            w.Line("}");
        }

        /// <summary>
        /// The name, or with <paramref name="suffix"/> (its kind: <c>RawExitProgram</c>) when the class already has a member or
        /// nested type of that name (a program and a struct both named raw_exit): a clash, reported as NECTAR021.
        /// </summary>
        private string Unique(string name, string suffix, string what)
        {
            if (Claim(name, what)) return name;
            string candidate = name + suffix;
            while (!_used.Add(candidate)) candidate += "_";
            _usedBy[candidate] = what;
            Report($"{ObjectFileName}: {what} and {_usedBy[name]} both become {name} in {_request.Target.Name}: {_usedBy[name]} keeps it, {what} is {candidate}. Rename one of them in the C source to choose.");
            return candidate;
        }

        private bool Claim(string name, string what)
        {
            if (!_used.Add(name)) return false;
            _usedBy[name] = what;
            return true;
        }

        private void Report(string message) => _diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.NameClash, message, _request.Source));

        private static string MapTypeName(MapType type) => (uint)type < (uint)MapType.Arena + 1
            ? "BPF_MAP_TYPE_" + KernelNames.MapType((uint)type).ToUpperInvariant()
            : "map type " + (uint)type;

        private static bool IsRingBuffer(MapSpec map) => map.Attributes.Type == MapType.RingBuf;

        /// <summary>The variable's C type (its BTF VAR's).</summary>
        private uint TypeOf(VariableSpec variable) => _btf.GetType(variable.BtfVarId).TypeId;

        private static string Count(int n, string what) => n + " " + what + (n == 1 ? "" : "s");

        private static string Literal(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
    }
}
