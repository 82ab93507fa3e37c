using Nectar.Links;

namespace Nectar.Programs;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches this program as a uprobe on <paramref name="function"/> (plus <paramref name="offset"/>
    /// bytes into it) of <paramref name="binary"/>, a path or a library name such as "libc.so.6".
    /// With no function, <paramref name="offset"/> is a file offset in the binary. The probe fires in
    /// <paramref name="processId"/> only, or in every process when it is null. It is a
    /// uretprobe (fires when the function returns) for uretprobe sections, unless
    /// <paramref name="returnProbe"/> says otherwise.
    /// </summary>
    /// <exception cref="UprobeTargetException">The binary or function cannot be found.</exception>
    public BpfLink AttachUprobe(string binary, string? function, ulong offset = 0, int? processId = null, bool? returnProbe = null)
    {
        ArgumentNullException.ThrowIfNull(binary);
        bool isReturn = returnProbe ?? Section.Kind == AttachKind.Uretprobe;
        return UprobeLink.Attach(this, new UprobeTarget(binary, function, offset), processId, isReturn);
    }
}
