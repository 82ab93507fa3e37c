using System;
using System.Collections.Generic;
using System.IO;

namespace Nectar.Btf;

/// <summary>
/// The ordering half of the C dump: which type is written when. A type is defined after every type
/// it holds by value (its members, array elements, typedef targets); a type only pointed to gets a
/// forward declaration. A type that holds itself by value, or a typedef that names itself, cannot be
/// written in C and is a BtfException.
/// </summary>
internal sealed partial class BtfCDumper
{
    private enum State : byte { None, Declared, Defining, Defined }

    // Deeper than any real chain of by-value dependencies; protects the stack from hostile BTF.
    private const int MaxDepth = 1000;

    private readonly Btf _btf;
    private readonly TextWriter _output;
    private readonly State[] _state;
    private readonly HashSet<ulong> _walked = new();
    private readonly HashSet<uint> _anonymousActive = new();
    private readonly HashSet<uint> _forwarded = new();
    private int[] _references = Array.Empty<int>();
    private int _depth;

    internal BtfCDumper(Btf btf, TextWriter output)
    {
        _btf = btf;
        _output = output;
        _state = new State[btf.LastTypeId + 1];
        _names = new string?[btf.LastTypeId + 1];
    }

    internal void Dump(IEnumerable<uint>? roots)
    {
        var rootList = roots is null ? null : new List<uint>(roots);
        CountReferences(rootList is null ? AllIds() : _btf.Closure(rootList));
        foreach (uint id in rootList ?? AllIds())
        {
            var type = _btf.GetType(id);
            switch (type.Kind)
            {
                case BtfKind.Struct or BtfKind.Union or BtfKind.Typedef:
                    if (!type.IsAnonymous)
                        Define(id);
                    break;
                case BtfKind.Enum or BtfKind.Enum64:
                    // An anonymous enum used by one declaration is written inline there; others stand alone for their constants.
                    if (!type.IsAnonymous || rootList is not null || _references[id] != 1)
                        Define(id);
                    break;
                case BtfKind.Fwd:
                    Declare(id);
                    break;
            }
        }
    }

    private IEnumerable<uint> AllIds()
    {
        for (uint id = 1; id <= _btf.LastTypeId; id++)
            yield return id;
    }

    /// <summary>How often each type is referred to by the dumped types: an anonymous enum can be written inline only once.</summary>
    private void CountReferences(IEnumerable<uint> ids)
    {
        _references = new int[_btf.LastTypeId + 1];
        foreach (uint id in ids)
        {
            var type = _btf.GetType(id);
            var counter = new ReferenceCounter(_references);
            BtfRecord.VisitFields(type.Owner.Data, type.RecordOffset, ref counter);
        }
    }

    private struct ReferenceCounter : IBtfFieldVisitor
    {
        private readonly int[] _counts;

        internal ReferenceCounter(int[] counts)
        {
            _counts = counts;
        }

        public void Name(int at, uint value) { }

        public void TypeId(int at, uint id)
        {
            if (id < (uint)_counts.Length)
                _counts[id]++;
        }
    }

    /// <summary>Writes the definition of a top-level type after everything it needs.</summary>
    private void Define(uint id)
    {
        var type = _btf.GetType(id);
        switch (_state[id])
        {
            case State.Defined:
                return;
            case State.Defining:
                throw Btf.Cyclic(type, type.Kind == BtfKind.Typedef ? "the typedef names itself" : "it contains itself by value, which C cannot express");
        }
        if (IsCompilerBuiltin(type))
        {
            // clang defines these itself (for the BPF target, differently); redefining them does not compile.
            _state[id] = State.Defined;
            _names[id] = type.Name;
            return;
        }
        _state[id] = State.Defining;
        Enter(type);
        switch (type.Kind)
        {
            case BtfKind.Struct or BtfKind.Union:
                for (int i = 0; i < type.Vlen; i++)
                    Walk(type.GetMemberTypeId(i), byValue: true);
                break;
            case BtfKind.Typedef:
                WalkTypedefTarget(type.TypeId);
                break;
        }
        Leave();
        _state[id] = State.Defined;
        _output.Write(Definition(type));
    }

    /// <summary>Makes a struct or union name usable before its definition: "struct X;".</summary>
    private void Declare(uint id)
    {
        // A struct being defined needs the forward declaration too: what it holds is written before it,
        // and a prototype mentioning it there ("void (*f)(struct X *)") would otherwise declare a new X.
        if (_state[id] is State.Declared or State.Defined || !_forwarded.Add(id))
            return;
        if (_state[id] == State.None)
            _state[id] = State.Declared;
        _output.Write(Specifier(_btf.GetType(id), 0) + ";\n\n");
    }

    /// <summary>Makes everything a declaration of type <paramref name="id"/> mentions available.</summary>
    private void Walk(uint id, bool byValue)
    {
        // Walking is idempotent, so a type walked once (in the same mode) is done: shared pointer,
        // prototype and anonymous types cost once, and hostile DAGs cannot make this exponential.
        ulong key = ((ulong)id << 1) | (byValue ? 1UL : 0UL);
        if (_walked.Contains(key))
            return;
        var type = _btf.GetType(id);
        Enter(type);
        switch (type.Kind)
        {
            case BtfKind.Void or BtfKind.Int or BtfKind.Float:
                break;
            case BtfKind.Ptr:
                Walk(type.TypeId, byValue: false);
                break;
            case BtfKind.Array:
                Walk(type.Array.ElementTypeId, byValue);
                break;
            case BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag:
                Walk(type.TypeId, byValue);
                break;
            case BtfKind.Typedef:
                Define(id);
                if (byValue)
                    Walk(type.TypeId, byValue: true);
                break;
            case BtfKind.Struct or BtfKind.Union when !type.IsAnonymous:
                if (byValue)
                    Define(id);
                else
                    Declare(id);
                break;
            case BtfKind.Struct or BtfKind.Union:
                // Written inline, so what its members need is needed here.
                if (!_anonymousActive.Add(id))
                    throw Btf.Cyclic(type, "the anonymous type refers to itself, which C cannot express");
                for (int i = 0; i < type.Vlen; i++)
                    Walk(type.GetMemberTypeId(i), byValue: true);
                _anonymousActive.Remove(id);
                break;
            case BtfKind.Enum or BtfKind.Enum64:
                if (!type.IsAnonymous || UsesIntegerStandIn(type))
                    Define(id);
                break;
            case BtfKind.Fwd:
                if (byValue)
                    throw new BtfException($"{type} is only declared, yet something holds it by value: its size is unknown.");
                Declare(id);
                break;
            case BtfKind.FuncProto:
                Walk(type.TypeId, byValue: false);
                foreach (var parameter in type.Params)
                    Walk(parameter.TypeId, byValue: false);
                break;
            default:
                throw new BtfException($"{type} cannot be the type of a member, parameter or typedef.");
        }
        Leave();
        _walked.Add(key);
    }

    /// <summary>"typedef struct X X_t;" needs only a declared struct X (or a forward one); other typedef targets are needed whole.</summary>
    private void WalkTypedefTarget(uint target)
    {
        var skipped = _btf.SkipModifiers(target);
        if ((skipped.IsComposite && !skipped.IsAnonymous) || skipped.Kind == BtfKind.Fwd)
            Declare(skipped.Id);
        else
            Walk(target, byValue: true);
    }

    private static bool IsCompilerBuiltin(BtfType type) => type.Kind == BtfKind.Typedef && type.Name.StartsWith("__builtin_", StringComparison.Ordinal);

    private void Enter(BtfType type)
    {
        if (++_depth > MaxDepth)
            throw Btf.Cyclic(type, $"its declaration nests more than {MaxDepth} types deep");
    }

    private void Leave() => _depth--;
}
