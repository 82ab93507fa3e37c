using System.Globalization;

namespace Nectar.Usdt;

/// <summary>Where a USDT argument's value is (usdt.bpf.h's enum __bpf_usdt_arg_type).</summary>
internal enum UsdtArgumentKind
{
    /// <summary>"-4@$5": the value itself, in <see cref="UsdtArgument.Value"/>.</summary>
    Constant = 0,
    /// <summary>"8@%rax": a register of struct pt_regs.</summary>
    Register = 1,
    /// <summary>"-4@-8(%rbp)": memory at a register plus <see cref="UsdtArgument.Value"/>.</summary>
    RegisterDereference = 2,
}

/// <summary>
/// One argument of a USDT probe, in the form usdt.bpf.h's bpf_usdt_arg() reads (struct
/// __bpf_usdt_arg_spec): the kind, a constant or memory offset, the register's offset in struct
/// pt_regs, whether the value is signed, and how many high bits to clear (or sign-extend) to
/// widen a 1, 2 or 4-byte value to 64 bits.
/// </summary>
internal readonly record struct UsdtArgument(UsdtArgumentKind Kind, long Value, short RegisterOffset, bool IsSigned, byte BitShift)
{
    /// <summary>usdt.bpf.h's BPF_USDT_MAX_ARG_CNT: the arguments a spec holds.</summary>
    internal const int MaxCount = 12;

    /// <summary>
    /// x86-64's struct pt_regs offsets of every register name GNU as writes in an argument spec,
    /// 64-bit and narrower (a narrower name reads the low bytes of the same slot; the argument's
    /// size then clears the rest). ah/bh/ch/dh are absent: bpf_usdt_arg() cannot shift them down.
    /// </summary>
    private static readonly Dictionary<string, short> s_x86Registers = Registers();

    /// <summary>Parses the space-separated argument specs of a note ("-4@%eax 8@-8(%rbp) -4@$5").</summary>
    internal static IReadOnlyList<UsdtArgument> ParseAll(string arguments, string probe)
    {
        var specs = arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (specs.Length > MaxCount)
            throw new UsdtException(UsdtProblem.BadArgument,
                $"USDT probe {probe} has {specs.Length} arguments; usdt.bpf.h holds at most {MaxCount} (BPF_USDT_MAX_ARG_CNT), as libbpf does.");
        return specs.Select((spec, i) => Parse(spec, probe, i)).ToArray();
    }

    /// <summary>Parses one x86-64 argument spec: SIZE@$CONST, SIZE@%REG, SIZE@(%REG) or SIZE@OFFSET(%REG); SIZE is 1, 2, 4 or 8, negative when signed.</summary>
    internal static UsdtArgument Parse(string spec, string probe, int index)
    {
        int at = spec.IndexOf('@');
        if (at <= 0)
            throw Bad(spec, probe, index, "it has no SIZE@ prefix");
        if (!int.TryParse(spec.AsSpan(0, at), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int size)
            || Math.Abs((long)size) is not (1 or 2 or 4 or 8))
            throw Bad(spec, probe, index, $"its size '{spec[..at]}' is not 1, 2, 4 or 8 (negative when signed)");
        bool signed = size < 0;
        byte shift = (byte)(64 - Math.Abs(size) * 8);
        string location = spec[(at + 1)..];

        if (location.StartsWith('$'))
        {
            if (!TryParseNumber(location[1..], out long constant))
                throw Bad(spec, probe, index, $"'{location}' is not a decimal or 0x-hex constant");
            return new UsdtArgument(UsdtArgumentKind.Constant, constant, 0, signed, shift);
        }
        if (location.StartsWith('%'))
            return new UsdtArgument(UsdtArgumentKind.Register, 0, Register(location[1..], spec, probe, index), signed, shift);

        int open = location.IndexOf('(');
        if (open < 0 || !location.EndsWith(')'))
            throw Bad(spec, probe, index, "its location is none of $CONST, %REG, (%REG), OFFSET(%REG)");
        string inner = location[(open + 1)..^1];
        if (inner.Contains(','))
            throw Bad(spec, probe, index, "it is an indexed memory operand (base, index, scale), which libbpf's usdt.bpf.h cannot read either");
        if (!inner.StartsWith('%'))
            throw Bad(spec, probe, index, $"'{inner}' inside the parentheses is not a %register");
        string offsetText = location[..open];
        long offset = 0;
        if (offsetText.Length > 0 && !TryParseNumber(offsetText, out offset))
            throw Bad(spec, probe, index, $"its offset '{offsetText}' is not a number (a symbol-relative operand such as sym(%rip) cannot be read by usdt.bpf.h)");
        return new UsdtArgument(UsdtArgumentKind.RegisterDereference, offset, Register(inner[1..], spec, probe, index), signed, shift);
    }

    private static short Register(string name, string spec, string probe, int index) =>
        s_x86Registers.TryGetValue(name, out short offset) ? offset
            : throw Bad(spec, probe, index, $"'%{name}' is not an x86-64 register bpf_usdt_arg() can read");

    private static bool TryParseNumber(string text, out long value)
    {
        bool negative = text.StartsWith('-');
        string digits = negative || text.StartsWith('+') ? text[1..] : text;
        bool parsed = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(digits.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong magnitude)
            : ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude);
        value = negative ? -(long)magnitude : (long)magnitude;
        return parsed && digits.Length > 0;
    }

    private static UsdtException Bad(string spec, string probe, int index, string problem) =>
        new(UsdtProblem.BadArgument, $"USDT probe {probe}, argument {index} '{spec}': {problem}. Nectar reads the x86-64 forms sys/sdt.h emits: SIZE@$CONST, SIZE@%REG, SIZE@(%REG), SIZE@OFFSET(%REG).");

    private static Dictionary<string, short> Registers()
    {
        // struct pt_regs (arch/x86/include/asm/ptrace.h): r15 r14 r13 r12 bp bx r11 r10 r9 r8 ax cx dx si di orig_ax ip cs flags sp ss.
        var registers = new Dictionary<string, short>(StringComparer.Ordinal)
        {
            ["rip"] = 128, ["eip"] = 128,
        };
        void Add(short offset, params string[] names)
        {
            foreach (string name in names)
                registers[name] = offset;
        }
        Add(80, "rax", "eax", "ax", "al");
        Add(40, "rbx", "ebx", "bx", "bl");
        Add(88, "rcx", "ecx", "cx", "cl");
        Add(96, "rdx", "edx", "dx", "dl");
        Add(104, "rsi", "esi", "si", "sil");
        Add(112, "rdi", "edi", "di", "dil");
        Add(32, "rbp", "ebp", "bp", "bpl");
        Add(152, "rsp", "esp", "sp", "spl");
        short[] numbered = [72, 64, 56, 48, 24, 16, 8, 0]; // r8 .. r15
        for (int n = 8; n <= 15; n++)
            Add(numbered[n - 8], $"r{n}", $"r{n}d", $"r{n}w", $"r{n}b");
        return registers;
    }
}
