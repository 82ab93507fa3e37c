using Nectar.Interop;
using Nectar.Maps;

namespace Nectar;

/// <summary>Whether BPF is usable by this process, and if not, why, in words that name the fix.</summary>
public static class KernelSupport
{
    public const string VmlinuxBtfPath = "/sys/kernel/btf/vmlinux";

    private static readonly Lazy<string?> s_reason = new(Probe);

    /// <summary>Null when BPF is usable; otherwise the reason it is not, and what to do.</summary>
    public static string? WhyUnavailable => s_reason.Value;

    public static bool IsAvailable => WhyUnavailable is null;

    /// <summary>Throws the typed exception a caller would get when BPF is not usable.</summary>
    public static void EnsureAvailable()
    {
        if (WhyUnavailable is { } reason)
            throw new BpfException(reason, 0);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "BPF needs Linux; this is " + System.Runtime.InteropServices.RuntimeInformation.OSDescription + ".";
        if (!File.Exists(VmlinuxBtfPath))
            return $"This kernel has no BTF ({VmlinuxBtfPath} is missing); Nectar needs Linux 5.8 or newer built with CONFIG_DEBUG_INFO_BTF=y.";
        try
        {
            using var map = BpfMap.Create(new MapAttributes("nectar_probe", MapType.Array, 4, 4, 1));
            return null;
        }
        catch (BpfException e)
        {
            return e.Message;
        }
    }
}
