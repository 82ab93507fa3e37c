using Nectar.Btf;

namespace Nectar.Generator.Emit
{
    /// <summary>
    /// Maps BTF types to blittable C# types: integers by size and sign, <c>_Bool</c> to bool, pointers
    /// to <c>KernelPtr&lt;T&gt;</c> (untyped <c>KernelPtr</c> when T is not generated), arrays to inline
    /// arrays, enums to generated enums (or their integer when anonymous).
    /// </summary>
    internal sealed class TypeMapper
    {
        private readonly KernelTypes _types;
        private readonly InlineArrays _arrays;
        private readonly string _kernelPrefix;
        private readonly string _arrayPrefix;
        private readonly string _runtimePrefix;

        /// <param name="qualified">True for code outside the Nectar.Kernel namespace (user structs).</param>
        public TypeMapper(KernelTypes types, InlineArrays arrays, bool qualified)
            : this(types, arrays, qualified ? "global::" + KernelTypes.Namespace + "." : "", qualified ? "global::Nectar." : "")
        {
        }

        /// <summary>
        /// A mapper for types emitted elsewhere than Nectar.Kernel: <paramref name="typePrefix"/> goes before
        /// generated type names ("" where they are nested beside the code that uses them),
        /// <paramref name="runtimePrefix"/> before KernelPtr. Inline arrays are the compilation's one set in
        /// Nectar.Kernel, so outside that namespace they are always qualified.
        /// </summary>
        public TypeMapper(KernelTypes types, InlineArrays arrays, string typePrefix, string runtimePrefix)
        {
            _types = types;
            _arrays = arrays;
            _kernelPrefix = typePrefix;
            _arrayPrefix = typePrefix.Length == 0 && runtimePrefix.Length == 0 ? "" : "global::" + KernelTypes.Namespace + ".";
            _runtimePrefix = runtimePrefix;
        }

        /// <summary>
        /// Whether an integer type is C's plain <c>char</c>: text by convention, so always <c>byte</c> (whatever the
        /// compiler's signedness: BPF's char is signed, x86 kernels' unsigned) and given a text accessor in arrays.
        /// </summary>
        public static bool IsChar(BtfType t) => t.Kind == BtfKind.Int && t.Size == 1 && (t.IntEncoding & BtfIntEncoding.Bool) == 0 && t.Name == "char";

        /// <summary>What goes before <c>KernelPtr</c>: "" inside namespace Nectar.Kernel, "global::Nectar." elsewhere.</summary>
        public string RuntimePrefix => _runtimePrefix;

        /// <summary>The C# type of a by-value use of <paramref name="id"/>; null for anonymous composites, void, functions and flexible arrays.</summary>
        public string? Map(uint id) => Map(id, 0);

        private string? Map(uint id, int depth)
        {
            if (depth > 64) return null;
            (BtfType t, _) = _types.Resolve(id);
            switch (t.Kind)
            {
                case BtfKind.Int:
                    return (t.IntEncoding & BtfIntEncoding.Bool) != 0 && t.Size == 1 ? "bool" : IsChar(t) ? "byte" : Integer(t.Size, t.IsSigned);
                case BtfKind.Float:
                    return t.Size == 4 ? "float" : t.Size == 8 ? "double" : _arrayPrefix + _arrays.TypeName(t.Size, "byte");
                case BtfKind.Ptr:
                    return Pointer(t.TypeId, depth);
                case BtfKind.Array:
                {
                    BtfArrayInfo a = t.Array;
                    if (a.Count == 0) return null;
                    // Elements are untyped pointers: a generic element type can form a load cycle (see KernelTypeEmitter).
                    string? element = _types.Resolve(a.ElementTypeId).Type.Kind == BtfKind.Ptr ? _runtimePrefix + "KernelPtr" : Map(a.ElementTypeId, depth + 1);
                    return element == null ? null : _arrayPrefix + _arrays.TypeName(a.Count, element);
                }
                case BtfKind.Struct:
                case BtfKind.Union:
                    return _types.CSharpNameOf(t.Id) is { } name ? _kernelPrefix + name : null;
                case BtfKind.Enum:
                case BtfKind.Enum64:
                    return _types.CSharpNameOf(t.Id) is { } enumName ? _kernelPrefix + enumName : Integer(t.Size, t.IsSigned);
                default:
                    return null;
            }
        }

        /// <summary>The inline array of <paramref name="count"/> elements of <paramref name="elementType"/>, as this mapper spells it.</summary>
        public string ArrayOf(uint count, string elementType) => _arrayPrefix + _arrays.TypeName(count, elementType);

        /// <summary>The C# type of a pointer to <paramref name="targetId"/>.</summary>
        public string Pointer(uint targetId) => Pointer(targetId, 0);

        private string Pointer(uint targetId, int depth)
        {
            (BtfType target, _) = _types.Resolve(targetId);
            string? pointee = target.Kind == BtfKind.Array ? null : Map(targetId, depth + 1);
            return pointee == null ? _runtimePrefix + "KernelPtr" : _runtimePrefix + "KernelPtr<" + pointee + ">";
        }

        /// <summary>The C# integer of a size and sign; sizes other than 1, 2, 4, 8, 16 become byte arrays.</summary>
        public string Integer(uint size, bool signed) => IntegerKeyword(size, signed) ?? _arrayPrefix + _arrays.TypeName(size, "byte");

        /// <summary>The C# integer of exactly this size and sign, or null when there is none.</summary>
        public static string? IntegerKeyword(uint size, bool signed)
        {
            switch (size)
            {
                case 1: return signed ? "sbyte" : "byte";
                case 2: return signed ? "short" : "ushort";
                case 4: return signed ? "int" : "uint";
                case 8: return signed ? "long" : "ulong";
                case 16: return signed ? "global::System.Int128" : "global::System.UInt128";
                default: return null;
            }
        }
    }
}
