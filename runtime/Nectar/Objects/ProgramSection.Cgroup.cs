namespace Nectar.Programs;

// The cgroup sections, named as libbpf names them. Like the network ones they are whole names:
// "cgroup/connect4" is one name, and its suffix picks the expected attach type (the hook), not a
// kernel object. The cgroup itself is given to AttachCgroup. Programs load with the expected
// attach type set, as libbpf does, because the kernel checks context accesses against it
// (a connect4 program may write user_ip4, a sendmsg4 one msg_src_ip4, ...) and refuses to link a
// program to a hook other than the one it was loaded for.
public sealed partial record ProgramSection
{
    private static readonly (string Name, ProgramType Type, AttachType Attach)[] s_cgroup =
    [
        ("cgroup_skb/ingress", ProgramType.CgroupSkb, AttachType.CgroupInetIngress),
        ("cgroup_skb/egress", ProgramType.CgroupSkb, AttachType.CgroupInetEgress),
        ("cgroup/sock_create", ProgramType.CgroupSock, AttachType.CgroupInetSockCreate),
        ("cgroup/sock", ProgramType.CgroupSock, AttachType.CgroupInetSockCreate), // libbpf's older name for sock_create
        ("cgroup/sock_release", ProgramType.CgroupSock, AttachType.CgroupInetSockRelease),
        ("cgroup/post_bind4", ProgramType.CgroupSock, AttachType.CgroupInet4PostBind),
        ("cgroup/post_bind6", ProgramType.CgroupSock, AttachType.CgroupInet6PostBind),
        ("cgroup/bind4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Bind),
        ("cgroup/bind6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Bind),
        ("cgroup/connect4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Connect),
        ("cgroup/connect6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Connect),
        ("cgroup/connect_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixConnect),
        ("cgroup/sendmsg4", ProgramType.CgroupSockAddr, AttachType.CgroupUdp4Sendmsg),
        ("cgroup/sendmsg6", ProgramType.CgroupSockAddr, AttachType.CgroupUdp6Sendmsg),
        ("cgroup/sendmsg_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixSendmsg),
        ("cgroup/recvmsg4", ProgramType.CgroupSockAddr, AttachType.CgroupUdp4Recvmsg),
        ("cgroup/recvmsg6", ProgramType.CgroupSockAddr, AttachType.CgroupUdp6Recvmsg),
        ("cgroup/recvmsg_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixRecvmsg),
        ("cgroup/getpeername4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Getpeername),
        ("cgroup/getpeername6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Getpeername),
        ("cgroup/getpeername_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixGetpeername),
        ("cgroup/getsockname4", ProgramType.CgroupSockAddr, AttachType.CgroupInet4Getsockname),
        ("cgroup/getsockname6", ProgramType.CgroupSockAddr, AttachType.CgroupInet6Getsockname),
        ("cgroup/getsockname_unix", ProgramType.CgroupSockAddr, AttachType.CgroupUnixGetsockname),
        ("sockops", ProgramType.SockOps, AttachType.CgroupSockOps),
        ("cgroup/sysctl", ProgramType.CgroupSysctl, AttachType.CgroupSysctl),
        ("cgroup/getsockopt", ProgramType.CgroupSockopt, AttachType.CgroupGetsockopt),
        ("cgroup/setsockopt", ProgramType.CgroupSockopt, AttachType.CgroupSetsockopt),
        ("cgroup/dev", ProgramType.CgroupDevice, AttachType.CgroupDevice),
    ];

    private static ProgramSection? ParseCgroup(string sectionName)
    {
        foreach (var known in s_cgroup)
        {
            if (known.Name == sectionName)
                return new ProgramSection(sectionName, AttachKind.Cgroup, known.Type, known.Attach, "");
        }
        return null;
    }
}
