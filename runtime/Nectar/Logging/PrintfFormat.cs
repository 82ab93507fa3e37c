using System.Globalization;
using System.Text;

namespace Nectar.Logging;

/// <summary>
/// Renders the printf subset nectar_log.h documents: %d %i %u %x %X %o %c %s %p %%, with flags
/// '-' and '0', a width, and length modifiers (hh h l ll z j t, read and ignored: each argument
/// carries its own 64 bits). A conversion without an argument renders as &lt;missing&gt;; an
/// unknown conversion is copied as written. Never throws on any format or argument list.
/// </summary>
public static class PrintfFormat
{
    public static string Render(string format, IReadOnlyList<BpfLogArgument> arguments)
    {
        var output = new StringBuilder(format.Length + 16 * arguments.Count);
        int next = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                output.Append(c);
                continue;
            }
            int start = i++;
            bool leftAlign = false, zeroPad = false;
            for (; i < format.Length && format[i] is '-' or '0' or '+' or ' ' or '#'; i++)
            {
                leftAlign |= format[i] == '-';
                zeroPad |= format[i] == '0';
            }
            int width = 0;
            for (; i < format.Length && char.IsAsciiDigit(format[i]) && width < 1000; i++)
                width = width * 10 + (format[i] - '0');
            while (i < format.Length && format[i] is 'h' or 'l' or 'z' or 'j' or 't')
                i++;
            if (i >= format.Length)
            {
                output.Append(format, start, format.Length - start);
                break;
            }
            char conversion = format[i];
            if (conversion == '%')
            {
                output.Append('%');
                continue;
            }
            if (conversion is not ('d' or 'i' or 'u' or 'x' or 'X' or 'o' or 'c' or 's' or 'p'))
            {
                output.Append(format, start, i - start + 1);
                continue;
            }
            string text = next < arguments.Count ? Convert(conversion, arguments[next]) : "<missing>";
            next++;
            Pad(output, text, width, leftAlign, zeroPad && !leftAlign && conversion is not ('s' or 'c'));
        }
        return output.ToString();
    }

    private static string Convert(char conversion, BpfLogArgument argument)
    {
        if (argument.Kind == BpfLogArgumentKind.String)
            return argument.Text ?? "";
        var invariant = CultureInfo.InvariantCulture;
        return conversion switch
        {
            'd' or 'i' => argument.Kind == BpfLogArgumentKind.Signed ? argument.Signed.ToString(invariant) : argument.Bits.ToString(invariant),
            'u' => argument.Bits.ToString(invariant),
            'x' => argument.Bits.ToString("x", invariant),
            'X' => argument.Bits.ToString("X", invariant),
            'o' => System.Convert.ToString((long)argument.Bits, 8),
            'p' => "0x" + argument.Bits.ToString("x", invariant),
            'c' => ((char)(byte)argument.Bits).ToString(),
            _ => argument.Signed.ToString(invariant), // %s of an integer: its value
        };
    }

    private static void Pad(StringBuilder output, string text, int width, bool leftAlign, bool zeroPad)
    {
        int padding = width - text.Length;
        if (padding <= 0)
        {
            output.Append(text);
            return;
        }
        if (leftAlign)
            output.Append(text).Append(' ', padding);
        else if (zeroPad && text.StartsWith('-'))
            output.Append('-').Append('0', padding).Append(text, 1, text.Length - 1);
        else
            output.Append(zeroPad ? '0' : ' ', padding).Append(text);
    }
}
