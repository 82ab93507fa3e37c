using System.Buffers.Binary;
using System.Text;

namespace Nectar.Programs;


/// <summary>
/// Fills the .kconfig map's value: each __kconfig extern from the kernel config (CONFIG_*) or the
/// loader (LINUX_*), stored as its C type wants (libbpf's rules): y/n/m into bool, tristate or
/// char; quoted strings into char arrays; numbers (decimal, 0x hex, 0 octal) into integers they
/// fit. A missing weak extern stays zero; a missing one that is not weak is an error.
/// </summary>
internal static class KconfigValues
{
    internal static byte[] Build(IReadOnlyList<BpfExtern> externs, KernelFacts kernel)
    {
        var kconfig = externs.Where(e => e.Kind == ExternKind.Kconfig).ToList();
        int size = kconfig.Count == 0 ? 0 : kconfig.Max(e => e.Offset + e.Size);
        var value = new byte[size];
        KernelConfig? config = null;
        bool configRead = false;
        foreach (var e in kconfig)
        {
            var destination = value.AsSpan(e.Offset, e.Size);
            if (e.Name.StartsWith("LINUX_", StringComparison.Ordinal))
            {
                ulong? known = e.Name switch
                {
                    "LINUX_KERNEL_VERSION" => kernel.VersionCode(),
                    "LINUX_HAS_BPF_COOKIE" => kernel.HasBpfCookie() ? 1UL : 0,
                    "LINUX_HAS_SYSCALL_WRAPPER" => kernel.HasSyscallWrapper() ? 1UL : 0,
                    _ => null,
                };
                if (known is { } number)
                    WriteNumber(destination, e, number, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                else if (!e.IsWeak)
                    throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}' is no value the loader knows (LINUX_KERNEL_VERSION, LINUX_HAS_BPF_COOKIE, LINUX_HAS_SYSCALL_WRAPPER); fix the name or declare it __weak to read 0.");
                continue;
            }
            if (!configRead)
            {
                config = kernel.Config();
                configRead = true;
            }
            string? raw = config?[e.Name];
            if (raw is null)
            {
                if (e.IsWeak)
                    continue;
                throw new BpfExternException(e.Name, config is null
                    ? $"__kconfig extern '{e.Name}' needs the kernel config, and this kernel has neither {KernelConfig.ProcConfig} (CONFIG_IKCONFIG_PROC) nor {KernelConfig.BootConfigPath}. Declare it __weak to read 0 instead."
                    : $"__kconfig extern '{e.Name}' is not set in this kernel's config ({config.Source}). Declare it __weak to read 0 (false, TRI_NO) when the option is absent.");
            }
            Write(destination, e, raw);
        }
        return value;
    }

    /// <summary>Stores one raw config value ("y", "\"text\"", "0x10") into an extern's bytes.</summary>
    internal static void Write(Span<byte> destination, BpfExtern e, string raw)
    {
        destination.Clear();
        if (raw.Length == 1 && raw[0] is 'y' or 'n' or 'm')
            WriteLetter(destination, e, raw[0]);
        else if (raw[0] == '"')
            WriteString(destination, e, raw);
        else if (TryParseNumber(raw, out ulong number))
            WriteNumber(destination, e, number, raw);
        else
            throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}': the config value '{raw}' is neither y/n/m, a quoted string nor a number.");
    }

    private static void WriteLetter(Span<byte> destination, BpfExtern e, char letter)
    {
        switch (e.ValueKind)
        {
            case KconfigValueKind.Bool when letter == 'm':
                throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}' is a bool, but the option is 'm' (a module); declare it enum libbpf_tristate or char.");
            case KconfigValueKind.Bool:
                destination[0] = letter == 'y' ? (byte)1 : (byte)0;
                break;
            case KconfigValueKind.Tristate:
                BinaryPrimitives.WriteUInt32LittleEndian(destination, letter switch { 'y' => 1u, 'm' => 2u, _ => 0u });
                break;
            case KconfigValueKind.Char:
                destination[0] = (byte)letter;
                break;
            default:
                throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}' is {Article(e.ValueKind)}, but the option's value is '{letter}'; declare it bool, enum libbpf_tristate or char.");
        }
    }

    private static void WriteString(Span<byte> destination, BpfExtern e, string raw)
    {
        if (e.ValueKind != KconfigValueKind.CharArray)
            throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}' is {Article(e.ValueKind)}, but the option's value is the string {raw}; declare it a char array.");
        if (raw.Length < 2 || raw[^1] != '"')
            throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}': the config value {raw} is a string without its closing quote.");
        // As libbpf: the text between the quotes, cut to leave room for the terminating NUL.
        byte[] text = Encoding.UTF8.GetBytes(raw[1..^1]);
        text.AsSpan(0, Math.Min(text.Length, destination.Length - 1)).CopyTo(destination);
    }

    private static void WriteNumber(Span<byte> destination, BpfExtern e, ulong number, string raw)
    {
        if (e.ValueKind is not (KconfigValueKind.Integer or KconfigValueKind.Char or KconfigValueKind.Bool))
            throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}' is {Article(e.ValueKind)}, but the option's value is the number {raw}; declare it an integer type.");
        if (!Fits(number, e.Size, e.IsSigned))
            throw new BpfExternException(e.Name, $"__kconfig extern '{e.Name}': the value {raw} does not fit its {(e.IsSigned ? "signed" : "unsigned")} {e.Size}-byte type; declare it wider.");
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, number);
        bytes[..e.Size].CopyTo(destination);
    }

    /// <summary>Whether a 64-bit value (negative ones as two's complement) survives being cut to <paramref name="size"/> bytes.</summary>
    internal static bool Fits(ulong number, int size, bool signed)
    {
        if (size >= 8)
            return true;
        int bits = size * 8;
        return signed
            ? number + (1UL << (bits - 1)) < (1UL << bits)
            : number >> bits == 0;
    }

    /// <summary>strtoull with base 0: an optional sign, then 0x hex, 0 octal or decimal, and nothing after.</summary>
    internal static bool TryParseNumber(string text, out ulong number)
    {
        number = 0;
        bool negative = text.StartsWith('-');
        string digits = negative || text.StartsWith('+') ? text[1..] : text;
        int radix = 10;
        if (digits.Length > 2 && digits[0] == '0' && digits[1] is 'x' or 'X')
        {
            radix = 16;
            digits = digits[2..];
        }
        else if (digits.Length > 1 && digits[0] == '0')
        {
            radix = 8;
            digits = digits[1..];
        }
        if (digits.Length == 0)
            return false;
        foreach (char c in digits)
        {
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => 99,
            };
            if (digit >= radix)
                return false;
            ulong next = unchecked(number * (ulong)radix + (ulong)digit);
            if (number > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
                return false; // overflow
            number = next;
        }
        if (negative)
            number = unchecked(0 - number);
        return true;
    }

    private static string Article(KconfigValueKind kind) => kind switch
    {
        KconfigValueKind.Bool => "a bool",
        KconfigValueKind.Tristate => "an enum libbpf_tristate",
        KconfigValueKind.Char => "a char",
        KconfigValueKind.Integer => "an integer",
        _ => "a char array",
    };
}
