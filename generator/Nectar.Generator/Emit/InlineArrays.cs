using System.Collections.Generic;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// C arrays become generic inline arrays (<c>InlineArray16&lt;byte&gt;</c>), one struct per length,
    /// rather than fixed buffers: they take any element type (structs, KernelPtr), index and slice as
    /// spans, and need no <c>unsafe</c> in the consumer. This records the lengths used and emits them.
    /// </summary>
    internal sealed class InlineArrays
    {
        private readonly SortedSet<uint> _lengths = new SortedSet<uint>();

        public string TypeName(uint length, string elementType)
        {
            _lengths.Add(length);
            return "InlineArray" + length + "<" + elementType + ">";
        }

        public bool IsEmpty => _lengths.Count == 0;

        public void Emit(CodeWriter w)
        {
            bool first = true;
            foreach (uint length in _lengths)
            {
                if (!first) w.Line();
                first = false;
                w.Summary("A C array of " + length + " elements (T name[" + length + "]), indexable and convertible to Span<T>.");
                w.Line("[InlineArray(" + length + ")]");
                w.Open("public struct InlineArray" + length + "<T>");
                w.Line("private T _element0;");
                w.Close();
            }
        }
    }
}
