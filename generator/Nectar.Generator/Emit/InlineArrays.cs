using System.Collections.Generic;
using System.Linq;
using Nectar.Generator.Model;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// C arrays become generic inline arrays (<c>InlineArray16&lt;byte&gt;</c>), one struct per length,
    /// rather than fixed buffers: they take any element type (structs, KernelPtr), index and slice as
    /// spans, and need no <c>unsafe</c> in the consumer. This records the lengths a generation uses; the
    /// types themselves are emitted once per compilation, in Nectar.Kernel (<see cref="SupportTypes"/>), so a
    /// kernel type's <c>Comm</c> and a skeleton event's <c>Comm</c> are the same <c>InlineArray16&lt;byte&gt;</c>.
    /// </summary>
    internal sealed class InlineArrays
    {
        private readonly SortedSet<uint> _lengths = new SortedSet<uint>();

        public string TypeName(uint length, string elementType)
        {
            _lengths.Add(length);
            return "InlineArray" + length + "<" + elementType + ">";
        }

        /// <summary>The lengths used so far, ascending.</summary>
        public IEnumerable<uint> Lengths => _lengths;
    }

    /// <summary>What a generation needs of the shared support types: inline arrays of these lengths, and the text decoder.</summary>
    internal sealed record SupportNeeds(EquatableArray<uint> ArrayLengths, bool Text)
    {
        public static readonly SupportNeeds None = new SupportNeeds(EquatableArray<uint>.Empty, false);

        public bool IsEmpty => ArrayLengths.Count == 0 && !Text;

        /// <summary>The union of several generations' needs (the skeletons' and the kernel types').</summary>
        public static SupportNeeds Union(IEnumerable<SupportNeeds> all)
        {
            var lengths = new SortedSet<uint>();
            bool text = false;
            foreach (SupportNeeds needs in all)
            {
                foreach (uint length in needs.ArrayLengths) lengths.Add(length);
                text |= needs.Text;
            }
            return new SupportNeeds(lengths.ToEquatableArray(), text);
        }
    }

    /// <summary>
    /// The support types every generated type shares, emitted once per compilation in Nectar.Kernel: the
    /// inline arrays and <c>KernelStrings</c>, the decoder behind every <c>...Text</c> accessor. Those a
    /// referenced assembly already has (another project's generated code) are not emitted again, so two
    /// projects' generated types use one set.
    /// </summary>
    internal static class SupportTypes
    {
        public const string HintName = KernelTypes.Namespace + ".Support.g.cs";

        /// <summary>Writes the types of <paramref name="needs"/> (nothing when it is empty).</summary>
        public static void Emit(CodeWriter w, SupportNeeds needs)
        {
            bool first = true;
            foreach (uint length in needs.ArrayLengths)
            {
                if (!first) w.Line();
                first = false;
                w.Summary("A C array of " + length + " elements (T name[" + length + "]), indexable and convertible to Span<T>.");
                w.Line("[InlineArray(" + length + ")]");
                w.Open("public struct InlineArray" + length + "<T>");
                w.Line("private T _element0;");
                w.Close();
            }
            if (needs.Text)
            {
                if (!first) w.Line();
                w.Summary("Decodes the NUL-terminated UTF-8 text of C char arrays: what every generated ...Text accessor returns.");
                w.Open("public static class KernelStrings");
                w.Line("public static string Decode(global::System.ReadOnlySpan<byte> bytes)");
                w.Line("{");
                w.Line("    int end = global::System.MemoryExtensions.IndexOf(bytes, (byte)0);");
                w.Line("    return global::System.Text.Encoding.UTF8.GetString(end < 0 ? bytes : bytes.Slice(0, end));");
                w.Line("}");
                w.Close();
            }
        }

        /// <summary>The needs less what referenced assemblies provide.</summary>
        public static SupportNeeds Without(SupportNeeds needs, SupportNeeds provided)
            => new SupportNeeds(needs.ArrayLengths.Where(l => !provided.ArrayLengths.Contains(l)).ToEquatableArray(), needs.Text && !provided.Text);

        /// <summary>The support source for <paramref name="needs"/>, or null when nothing is needed.</summary>
        public static GeneratedSource? Source(SupportNeeds needs)
        {
            if (needs.IsEmpty) return null;
            var unit = new Codegen.Unit(HintName, KernelTypes.Namespace, EquatableArray<string>.Empty, w => Emit(w, needs));
            return Codegen.Compose(new[] { unit }) is { } text ? new GeneratedSource(HintName, text) : null;
        }
    }
}
