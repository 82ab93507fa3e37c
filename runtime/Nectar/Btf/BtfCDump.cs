using System;
using System.Collections.Generic;
using System.IO;

namespace Nectar.Btf;

/// <summary>
/// Writes BTF as a C header for BPF programs, as <c>bpftool btf dump file X format c</c> does:
/// every type after what it needs by value, forward declarations for what is only pointed to,
/// anonymous types inline, bitfields, <c>__attribute__((packed))</c> and explicit padding where
/// natural alignment would not reproduce the BTF layout, and the <c>preserve_access_index</c>
/// pragma so that every struct access is CO-RE relocatable. Same BTF, same text.
/// </summary>
public static class BtfCDump
{
    /// <summary>
    /// Writes the header. With <paramref name="roots"/>, only those types and what their
    /// declarations need (by value; forward declarations for what they point to).
    /// </summary>
    public static void Write(Btf btf, TextWriter output, IEnumerable<uint>? roots = null, string guard = "__VMLINUX_H__")
    {
        if (btf is null)
            throw new ArgumentNullException(nameof(btf));
        output.Write("#ifndef " + guard + "\n#define " + guard + "\n\n");
        output.Write("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n");
        output.Write("#pragma clang attribute push (__attribute__((preserve_access_index)), apply_to = record)\n");
        output.Write("#endif\n\n");
        new BtfCDumper(btf, output).Dump(roots);
        output.Write("#ifndef BPF_NO_PRESERVE_ACCESS_INDEX\n#pragma clang attribute pop\n#endif\n\n");
        output.Write("#endif /* " + guard + " */\n");
    }

    /// <summary>The header as a string (see <see cref="Write"/>).</summary>
    public static string ToString(Btf btf, IEnumerable<uint>? roots = null)
    {
        var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        Write(btf, text, roots);
        return text.ToString();
    }
}
