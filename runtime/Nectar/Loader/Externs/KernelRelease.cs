using System.Globalization;

namespace Nectar.Programs;

/// <summary>The running kernel's release (uname -r) and the LINUX_KERNEL_VERSION number libbpf derives from it.</summary>
public static class KernelRelease
{
    /// <summary>uname -r, as /proc/sys/kernel/osrelease has it ("6.18.44-fc-v657").</summary>
    public static string Current => File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    /// <summary>
    /// KERNEL_VERSION(a, b, c) = a &lt;&lt; 16 | b &lt;&lt; 8 | min(c, 255) of the running kernel. Ubuntu's
    /// /proc/version_signature names the upstream version its release string hides, so it wins, as in libbpf.
    /// </summary>
    public static uint CurrentVersionCode()
    {
        const string signature = "/proc/version_signature";
        if (File.Exists(signature))
        {
            // "Ubuntu 5.4.0-1.2-generic 5.4.44": the last word is the upstream version.
            var words = File.ReadAllText(signature).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length > 0 && TryVersionCode(words[^1], out uint ubuntu))
                return ubuntu;
        }
        string release = Current;
        return TryVersionCode(release, out uint code)
            ? code
            : throw new BpfExternException("LINUX_KERNEL_VERSION", $"The kernel release '{release}' does not start with major.minor.patch, so LINUX_KERNEL_VERSION has no value.");
    }

    /// <summary>Reads "a.b.c" (anything may follow c) as KERNEL_VERSION(a, b, c), c capped at 255.</summary>
    public static bool TryVersionCode(string release, out uint code)
    {
        code = 0;
        var parts = release.Split('.', 3);
        if (parts.Length < 3)
            return false;
        string patch = new(parts[2].TakeWhile(char.IsAsciiDigit).ToArray());
        if (!uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out uint major) ||
            !uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out uint minor) ||
            !uint.TryParse(patch, NumberStyles.None, CultureInfo.InvariantCulture, out uint sub) ||
            major > 255 || minor > 255)
            return false;
        code = (major << 16) | (minor << 8) | Math.Min(sub, 255u);
        return true;
    }
}
