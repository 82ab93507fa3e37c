namespace Nectar.Programs;

/// <summary>
/// The short lower-case names the kernel's enums go by in bpftool and libbpf ("tracepoint",
/// "percpu_hash", "raw_tracepoint"), so that Nectar's listings read the same.
/// </summary>
public static class KernelNames
{
    private static readonly string[] s_programTypes =
    [
        "unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp", "perf_event",
        "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit", "sock_ops", "sk_skb", "cgroup_device",
        "sk_msg", "raw_tracepoint", "cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport",
        "flow_dissector", "cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing", "struct_ops",
        "ext", "lsm", "sk_lookup", "syscall", "netfilter",
    ];

    private static readonly string[] s_mapTypes =
    [
        "unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash", "percpu_array", "stack_trace",
        "cgroup_array", "lru_hash", "lru_percpu_hash", "lpm_trie", "array_of_maps", "hash_of_maps", "devmap",
        "sockmap", "cpumap", "xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray", "percpu_cgroup_storage",
        "queue", "stack", "sk_storage", "devmap_hash", "struct_ops", "ringbuf", "inode_storage", "task_storage",
        "bloom_filter", "user_ringbuf", "cgrp_storage", "arena",
    ];

    private static readonly string[] s_linkTypes =
    [
        "unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp", "perf_event", "kprobe_multi",
        "struct_ops", "netfilter", "tcx", "uprobe_multi", "netkit", "sockmap",
    ];

    public static string ProgramType(uint type) => Lookup(s_programTypes, type);

    public static string MapType(uint type) => Lookup(s_mapTypes, type);

    public static string LinkType(uint type) => Lookup(s_linkTypes, type);

    private static string Lookup(string[] names, uint value) => value < names.Length ? names[value] : $"type {value}";
}
