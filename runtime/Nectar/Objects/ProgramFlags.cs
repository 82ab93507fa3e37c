namespace Nectar.Programs;

/// <summary>prog_flags of BPF_PROG_LOAD that Nectar sets.</summary>
internal static class ProgramFlags
{
    /// <summary>BPF_F_SLEEPABLE: the program may sleep (fault in user memory); uprobe.s, fentry.s, lsm.s.</summary>
    internal const uint Sleepable = 1u << 4;

    /// <summary>BPF_F_XDP_HAS_FRAGS: the XDP program handles multi-buffer packets (xdp.frags); Linux 5.18+.</summary>
    internal const uint XdpHasFrags = 1u << 5;
}
