using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Nectar.Btf;

/// <summary>The rendering half of the C dump: C names, declarators, struct, union and enum bodies.</summary>
internal sealed partial class BtfCDumper
{
    // A definition that takes more declarator steps (member lines, pointer/array/qualifier hops) than
    // this is a hostile blob: anonymous types or prototypes shared in a deep DAG multiply when inlined.
    // The kernel's largest definitions take a few thousand.
    private const int MaxStepsPerDefinition = 1_000_000;

    private readonly string?[] _names;
    // C has one namespace for struct/union/enum tags and one for typedefs and enumerators; a name
    // used twice in one gets "___2", "___3"... as libbpf does, so that the header compiles.
    private readonly Dictionary<string, int> _tagUses = new();
    private readonly Dictionary<string, int> _identifierUses = new();
    private int _budgetLeft;

    private string Definition(BtfType type)
    {
        _budgetLeft = MaxStepsPerDefinition;
        switch (type.Kind)
        {
            case BtfKind.Typedef:
                return "typedef " + Declaration(type.TypeId, IdentifierName(type.Id), 0) + ";\n\n";
            case BtfKind.Enum or BtfKind.Enum64 when type.Vlen == 0:
                return type.IsAnonymous ? "" : "enum " + TagName(type.Id) + ";\n\n";
            case BtfKind.Enum or BtfKind.Enum64:
                return EnumBody(type, 0) + ";\n\n";
            default:
                return CompositeBody(type, 0) + ";\n\n";
        }
    }

    /// <summary>A declaration of <paramref name="declarator"/> ("" for abstract) with type <paramref name="id"/>: "int (*name)[4]".</summary>
    private string Declaration(uint id, string declarator, int indent)
    {
        string qualifiers = "";
        for (int hops = 0; ; hops++)
        {
            var type = _btf.GetType(id);
            if (hops > MaxDepth)
                throw Btf.Cyclic(type, $"it leads to a chain of more than {MaxDepth} pointers, arrays and qualifiers");
            Spend();
            switch (type.Kind)
            {
                case BtfKind.Const:
                    qualifiers = Qualify(qualifiers, "const");
                    break;
                case BtfKind.Volatile:
                    qualifiers = Qualify(qualifiers, "volatile");
                    break;
                case BtfKind.Restrict:
                    qualifiers = Qualify(qualifiers, "restrict");
                    break;
                case BtfKind.TypeTag:
                    break;
                case BtfKind.Ptr:
                    // Qualifiers met before the pointer qualify the pointer itself: "char *const p".
                    declarator = "*" + (qualifiers.Length == 0 ? "" : qualifiers + (declarator.Length == 0 ? "" : " ")) + declarator;
                    qualifiers = "";
                    break;
                case BtfKind.Array:
                    declarator = Parenthesize(declarator) + "[" + type.Array.Count.ToString(CultureInfo.InvariantCulture) + "]";
                    id = type.Array.ElementTypeId;
                    continue;
                case BtfKind.FuncProto:
                    declarator = Parenthesize(declarator) + "(" + Parameters(type, indent) + ")";
                    qualifiers = "";
                    break;
                default:
                    string specifier = Specifier(type, indent);
                    return (qualifiers.Length == 0 ? "" : qualifiers + " ") + specifier + (declarator.Length == 0 ? "" : " " + declarator);
            }
            id = type.TypeId;
        }
    }

    private static string Qualify(string qualifiers, string qualifier) =>
        qualifiers.Length == 0 ? qualifier
        : (" " + qualifiers + " ").Contains(" " + qualifier + " ") ? qualifiers // "const const int" is a warning
        : qualifiers + " " + qualifier;

    // A pointer declarator gets parentheses before an array or parameter suffix: (*p)[4], (*f)(int).
    private static string Parenthesize(string declarator) => declarator.StartsWith("*", System.StringComparison.Ordinal) ? "(" + declarator + ")" : declarator;

    private string Parameters(BtfType prototype, int indent)
    {
        var parameters = prototype.Params;
        if (parameters.Count == 0)
            return "void";
        var text = new StringBuilder();
        for (int i = 0; i < parameters.Count; i++)
        {
            if (i > 0)
                text.Append(", ");
            // Names are left out, as bpftool does: a parameter named like a typedef would not compile.
            text.Append(i == parameters.Count - 1 && parameters[i].TypeId == 0 ? "..." : Declaration(parameters[i].TypeId, "", indent));
        }
        return text.ToString();
    }

    /// <summary>The type specifier: "int", "struct task_struct", a typedef name, or an anonymous body.</summary>
    private string Specifier(BtfType type, int indent)
    {
        switch (type.Kind)
        {
            case BtfKind.Void:
                return "void";
            case BtfKind.Int:
                return type.IsAnonymous ? IntegerStandIn(type.Size, type.IsSigned) : type.Name;
            case BtfKind.Float:
                return type.IsAnonymous ? "double" : type.Name;
            case BtfKind.Typedef:
                return IdentifierName(type.Id);
            case BtfKind.Fwd:
                return (type.IsForwardUnion ? "union " : "struct ") + TagName(type.Id);
            case BtfKind.Struct or BtfKind.Union:
                return type.IsAnonymous ? CompositeBody(type, indent) : (type.Kind == BtfKind.Union ? "union " : "struct ") + TagName(type.Id);
            case BtfKind.Enum or BtfKind.Enum64:
                if (UsesIntegerStandIn(type))
                    return IntegerStandIn(type.Size, type.IsSigned);
                return type.IsAnonymous ? EnumBody(type, indent) : "enum " + TagName(type.Id);
            default:
                throw new BtfException($"{type} cannot appear in a C declaration.");
        }
    }

    private string CompositeBody(BtfType type, int indent)
    {
        var layout = LayoutOf(type);
        var text = new StringBuilder();
        text.Append(type.Kind == BtfKind.Union ? "union " : "struct ");
        if (!type.IsAnonymous)
            text.Append(TagName(type.Id)).Append(' ');
        text.Append("{\n");
        WriteMembers(type, layout, indent + 1, text);
        text.Append('\t', indent).Append('}');
        if (layout.Packed)
            text.Append(" __attribute__((packed))");
        return text.ToString();
    }

    private void Spend()
    {
        if (--_budgetLeft < 0)
            throw new BtfException($"A definition takes more than {MaxStepsPerDefinition} declarator steps to write: anonymous types or prototypes nest without bound.");
    }

    private void AppendMemberLine(StringBuilder text, int indent, string line)
    {
        Spend();
        text.Append('\t', indent).Append(line).Append(";\n");
    }

    private string EnumBody(BtfType type, int indent)
    {
        var text = new StringBuilder("enum ");
        if (!type.IsAnonymous)
            text.Append(TagName(type.Id)).Append(' ');
        text.Append("{\n");
        bool signed = type.IsSigned;
        foreach (var value in type.EnumValues)
        {
            string literal = type.Kind == BtfKind.Enum
                ? value.Value.ToString(CultureInfo.InvariantCulture)
                : !signed ? ((ulong)value.Value).ToString(CultureInfo.InvariantCulture) + "ULL"
                : value.Value == long.MinValue ? "(-9223372036854775807LL - 1)" // the literal 9223372036854775808 does not exist
                : value.Value.ToString(CultureInfo.InvariantCulture) + "LL";
            text.Append('\t', indent + 1).Append(Unique(_identifierUses, value.Name)).Append(" = ").Append(literal).Append(",\n");
        }
        text.Append('\t', indent).Append('}');
        return text.ToString();
    }

    /// <summary>
    /// An enum is written as a plain integer where it is used when C would give it another size than
    /// BTF says (packed enums, 64-bit enums of small values, empty enums), and when it is anonymous
    /// yet used twice (writing it twice would define its constants twice).
    /// </summary>
    private bool UsesIntegerStandIn(BtfType type)
    {
        if (type.Vlen == 0 || (type.IsAnonymous && _references[type.Id] > 1))
            return true;
        bool fitsInt = true, fitsUnsigned = true;
        foreach (var value in type.EnumValues)
        {
            long v = value.Value;
            bool unsignedBig = type.Kind == BtfKind.Enum64 && !type.IsSigned && v < 0;
            fitsInt &= !unsignedBig && v >= int.MinValue && v <= int.MaxValue;
            fitsUnsigned &= !unsignedBig && v >= 0 && v <= uint.MaxValue;
        }
        uint naturalSize = fitsInt || fitsUnsigned ? 4u : 8u;
        return naturalSize != type.Size;
    }

    private static string IntegerStandIn(uint size, bool signed) => size switch
    {
        1 => signed ? "signed char" : "unsigned char",
        2 => signed ? "short" : "unsigned short",
        8 => signed ? "long long" : "unsigned long long",
        16 => signed ? "__int128" : "unsigned __int128",
        _ => signed ? "int" : "unsigned int",
    };

    private string TagName(uint id) => _names[id] ??= Unique(_tagUses, _btf.GetType(id).Name);

    private string IdentifierName(uint id) => _names[id] ??= Unique(_identifierUses, _btf.GetType(id).Name);

    private static string Unique(Dictionary<string, int> uses, string name)
    {
        uses.TryGetValue(name, out int count);
        uses[name] = ++count;
        return count == 1 ? name : name + "___" + count.ToString(CultureInfo.InvariantCulture);
    }
}
