using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text;
using Nectar.Btf;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>
/// `nectar trace --set NAME=VALUE`: sets a global variable of the object before load (the
/// `const volatile` settings real tools filter with: a pid, a uid, a minimum latency), parsing
/// VALUE as the variable's BTF type says: an integer in its range (decimal or 0x hex), a bool,
/// an enumerator by name or number, or a string for a char array.
/// </summary>
internal static class GlobalSetting
{
    /// <summary>Applies one NAME=VALUE to <paramref name="spec"/>; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    internal static void Apply(BpfObjectSpec spec, string setting)
    {
        int equals = setting.IndexOf('=');
        if (equals <= 0)
            throw new ArgumentException($"--set '{setting}': write NAME=VALUE (for example --set target_pid=1234).");
        string name = setting[..equals], text = setting[(equals + 1)..];
        if (!spec.Variables.TryGetValue(name, out var variable))
            throw new ArgumentException($"--set {name}: the object has no global variable '{name}'" +
                (spec.Variables.Count == 0 ? "." : $"; it has {string.Join(", ", spec.Variables.Keys.Order(StringComparer.Ordinal))}."));
        if (spec.Btf?.FindByName(name, BtfKind.Var) is not { } declared)
            throw new ArgumentException($"--set {name}: the object's BTF does not describe '{name}', so its type is unknown; compile the object with clang -g.");
        var btf = spec.Btf;
        var type = btf.SkipModifiersAndTypedefs(declared.TypeId);
        byte[] bytes = Encode(btf, type, text, name, variable.Size);
        bytes.CopyTo(variable.Map.WritableInitialValue().AsSpan(variable.Offset, variable.Size));
    }

    private static byte[] Encode(Btf.Btf btf, BtfType type, string text, string name, int size)
    {
        if (type.Kind == BtfKind.Int && (type.IntEncoding & BtfIntEncoding.Bool) != 0)
        {
            bool? value = text.ToLowerInvariant() switch { "true" or "1" => true, "false" or "0" => false, _ => null };
            return value is { } b ? Sized([(byte)(b ? 1 : 0)], size) : throw Bad(name, text, "a bool: true, false, 1 or 0");
        }
        if (type.Kind == BtfKind.Int)
            return Integer(text, type.IsSigned, (int)type.Size, name, $"{(type.IsSigned ? "a signed" : "an unsigned")} {type.Size * 8}-bit integer ({type.Name})");
        if (type.IsEnum)
        {
            long? named = type.EnumValues.Where(v => v.Name == text).Select(v => (long?)v.Value).FirstOrDefault();
            return named is { } number
                ? Integer(number.ToString(CultureInfo.InvariantCulture), true, (int)type.Size, name, $"enum {type.Name}", signedOrUnsigned: true)
                : Integer(text, type.IsSigned, (int)type.Size, name, $"enum {type.Name} ({string.Join(", ", type.EnumValues.Select(v => v.Name))}, or a number)");
        }
        if (type.Kind == BtfKind.Array && btf.SkipModifiersAndTypedefs(type.Array.ElementTypeId) is { Kind: BtfKind.Int, Size: 1 })
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(text);
            if (utf8.Length >= size)
                throw Bad(name, text, $"a string of at most {size - 1} bytes (char[{size}] with its NUL)");
            return Sized(utf8, size);
        }
        throw new ArgumentException($"--set {name}: '{name}' is {Describe(btf, type)}; --set handles integers, bools, enums and char arrays.");
    }

    private static byte[] Integer(string text, bool signed, int size, string name, string what, bool signedOrUnsigned = false)
    {
        var styles = NumberStyles.AllowLeadingSign;
        string digits = text;
        bool negative = digits.StartsWith('-');
        string magnitude = negative ? digits[1..] : digits;
        BigInteger value;
        bool parsed = magnitude.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? BigInteger.TryParse("0" + magnitude[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value)
            : BigInteger.TryParse(magnitude, styles, CultureInfo.InvariantCulture, out value) && value >= 0;
        if (!parsed || magnitude.Length == 0)
            throw Bad(name, text, what);
        if (negative)
            value = -value;
        BigInteger min = signed || signedOrUnsigned ? -(BigInteger.One << (size * 8 - 1)) : 0;
        BigInteger max = signed && !signedOrUnsigned ? (BigInteger.One << (size * 8 - 1)) - 1 : (BigInteger.One << (size * 8)) - 1;
        if (value < min || value > max)
            throw Bad(name, text, $"{what}, from {min} to {max}");
        var bytes = new byte[size];
        ulong raw = (ulong)(value & ulong.MaxValue);
        Span<byte> all = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(all, raw);
        all[..size].CopyTo(bytes);
        return bytes;
    }

    private static byte[] Sized(byte[] value, int size)
    {
        var bytes = new byte[size];
        value.AsSpan(0, Math.Min(value.Length, size)).CopyTo(bytes);
        return bytes;
    }

    private static ArgumentException Bad(string name, string text, string what) => new($"--set {name}={text}: '{text}' is not {what}.");

    private static string Describe(Btf.Btf btf, BtfType type) => type.Kind switch
    {
        BtfKind.Struct or BtfKind.Union => $"a {type.Kind.ToString().ToLowerInvariant()} {type.Name}",
        BtfKind.Ptr => "a pointer",
        BtfKind.Array => $"an array of {btf.SkipModifiersAndTypedefs(type.Array.ElementTypeId).Name}",
        _ => $"a {type.Kind}",
    };
}
