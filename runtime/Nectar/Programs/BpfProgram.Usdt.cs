using Nectar.Links;
using Nectar.Usdt;

namespace Nectar.Programs;

public sealed partial class BpfProgram
{
    /// <summary>The object's USDT spec maps, set by the object for programs of usdt sections.</summary>
    internal UsdtSpecTable? UsdtSpecs { get; set; }

    /// <summary>
    /// Attaches this program (a SEC("usdt") or SEC("usdt/...") program built with libbpf's
    /// usdt.bpf.h) to every site of USDT probe <paramref name="provider"/>:<paramref name="name"/>
    /// of <paramref name="binary"/> (a path, a program on PATH or a library name such as
    /// "libc.so.6"), in <paramref name="processId"/> only or in every process when it is null. The program's bpf_usdt_arg() and BPF_USDT arguments read each
    /// site's arguments, bpf_usdt_cookie() returns <paramref name="cookie"/>; a probe's semaphore
    /// is incremented while the link is open. One link for all sites: Dispose detaches them all.
    /// </summary>
    /// <exception cref="UsdtException">No such probe, corrupt notes, an argument spec Nectar cannot read, or an object without usdt.bpf.h's maps.</exception>
    /// <exception cref="UprobeTargetException">The binary cannot be found or read.</exception>
    public BpfLink AttachUsdt(string binary, string provider, string name, int? processId = null, ulong cookie = 0)
    {
        ArgumentNullException.ThrowIfNull(binary);
        ArgumentException.ThrowIfNullOrEmpty(provider);
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Section.Kind != AttachKind.Usdt)
            throw new NotSupportedException($"Program '{Name}' (section '{Section.Name}') is not a USDT program: AttachUsdt needs SEC(\"usdt\") or SEC(\"usdt/BINARY:PROVIDER:NAME\").");
        var table = UsdtSpecs ?? throw new InvalidOperationException($"Program '{Name}' was not loaded as part of a BpfObject, which holds the USDT spec maps.");
        return UsdtLink.Attach(this, table, binary, provider, name, processId, cookie);
    }

    private BpfLink AttachUsdtTarget(string target)
    {
        var (binary, provider, name) = UsdtLink.ParseTarget(target);
        return AttachUsdt(binary, provider, name);
    }
}
