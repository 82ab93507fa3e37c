using System;
using System.Collections.Generic;

namespace Nectar.Btf;

public sealed partial class Btf
{
    /// <summary>
    /// The ids of <paramref name="roots"/> and every type they refer to, directly or not (members,
    /// pointees, parameters, array elements...), in ascending id order, void excluded. This is what a
    /// dump or a writer limited to some types needs to keep them complete.
    /// </summary>
    public IReadOnlyList<uint> Closure(IEnumerable<uint> roots)
    {
        var seen = new HashSet<uint>();
        var pending = new Stack<uint>();
        foreach (uint root in roots)
        {
            GetType(root); // throws for an id that does not exist
            if (root != 0 && seen.Add(root))
                pending.Push(root);
        }
        var collector = new ReferenceCollector(seen, pending);
        while (pending.Count > 0)
        {
            var type = GetType(pending.Pop());
            BtfRecord.VisitFields(type.Owner.Data, type.RecordOffset, ref collector);
        }
        var ids = new List<uint>(seen);
        ids.Sort();
        return ids;
    }

    private struct ReferenceCollector : IBtfFieldVisitor
    {
        private readonly HashSet<uint> _seen;
        private readonly Stack<uint> _pending;

        internal ReferenceCollector(HashSet<uint> seen, Stack<uint> pending)
        {
            _seen = seen;
            _pending = pending;
        }

        public void Name(int at, uint value) { }

        public void TypeId(int at, uint id)
        {
            if (id != 0 && _seen.Add(id))
                _pending.Push(id);
        }
    }
}
