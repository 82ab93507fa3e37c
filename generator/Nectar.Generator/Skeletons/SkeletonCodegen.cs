using System;
using System.Collections.Generic;
using System.Linq;
using Nectar.Btf;
using Nectar.Generator.Emit;
using Nectar.Generator.Model;
using Nectar.Generator.Pipeline;
using Nectar.Programs;

namespace Nectar.Generator.Skeletons
{
    /// <summary>
    /// Turns a [BpfObject] class and its object's contents into the skeleton's source, or diagnostics.
    /// Which structs become nested types (the rule README.md documents): the key and value types of
    /// the object's maps, the event type of each [RingBufferEvent] ring buffer, the types of its global
    /// variables, the names listed in [BpfObject(Types = ...)], and whatever their layout needs by value.
    /// </summary>
    internal static class SkeletonCodegen
    {
        /// <param name="hasRuntime">Whether the project references the Nectar runtime, which the skeleton loads through.</param>
        public static CodegenResult Generate(SkeletonDeclaration declaration, Loaded<BpfObjectSpec> loaded, bool hasRuntime = true)
        {
            if (declaration.Request is not { } request)
                return Result(null, declaration.Problem is { } p ? new[] { p } : Array.Empty<CodegenDiagnostic>());
            if (!hasRuntime)
                return Result(null, new[]
                {
                    new CodegenDiagnostic(DiagnosticIds.BadSkeletonDeclaration,
                        $"The skeleton {request.Target.Name} loads its object through the Nectar runtime, which this project does not reference: " +
                        "add a reference to the Nectar package (or to runtime/Nectar/Nectar.csproj).", request.Source),
                });
            if (loaded.Value is not { } spec)
            {
                string why = loaded.Problem ?? $"[BpfObject(\"{request.ObjectPath}\")] names no object file.";
                return Result(null, new[]
                {
                    new CodegenDiagnostic(loaded.Stamp.Problem != null || loaded.Stamp.Path == null ? DiagnosticIds.MissingBtf : DiagnosticIds.MalformedBtf, why, request.Source),
                });
            }
            var diagnostics = new List<CodegenDiagnostic>();
            try
            {
                var emitter = new SkeletonEmitter(request, spec, diagnostics);
                var unit = new Codegen.Unit(request.Target.FullName + ".g.cs", request.Target.Namespace, request.Target.ContainingTypes, emitter.Emit);
                string text = Codegen.Compose(new[] { unit })!;
                return Result(new GeneratedSource(unit.HintName, text), diagnostics, emitter.Support);
            }
            catch (Exception e) when (e is BtfException || e is InvalidOperationException)
            {
                // BTF that validates but is inconsistent where the skeleton looks (a cycle, a kind in the wrong place).
                diagnostics.Add(new CodegenDiagnostic(DiagnosticIds.MalformedBtf,
                    "Malformed BTF in '" + loaded.Stamp.Path + "': " + e.Message, request.Source));
                return Result(null, diagnostics);
            }
        }

        private static CodegenResult Result(GeneratedSource? source, IEnumerable<CodegenDiagnostic> diagnostics, SupportNeeds? support = null) =>
            new CodegenResult((source == null ? Enumerable.Empty<GeneratedSource>() : new[] { source }).ToEquatableArray(), diagnostics.ToEquatableArray(), support);
    }
}
