// One program per libbpf 1.x section name that this kernel can load (Linux 6.18, no kprobes,
// trampolines refused; iterators load but cannot be created): the object loads in libbpf (bpftool prog loadall) and must
// load the same in Nectar, each program with the program type and expected attach type libbpf
// gives it.
// The sections refused here are in libbpf_sections_refused.bpf.c.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROGRAM(SECTION, NAME, RESULT) \
    SEC(SECTION) int NAME##_prog(void *ctx) { return RESULT; }

PROGRAM("tp/syscalls/sys_enter_getpid", tp_alias, 0)
PROGRAM("tracepoint/syscalls/sys_enter_getppid", tracepoint_full, 0)
PROGRAM("raw_tp.w/sys_enter", raw_tp_writable, 0)
PROGRAM("raw_tracepoint.w/sys_exit", raw_tracepoint_writable, 0)
PROGRAM("ksyscall/getpid", ksyscall_getpid, 0)
PROGRAM("kretsyscall/getpid", kretsyscall_getpid, 0)
PROGRAM("iter.s/task", iter_sleepable, 0)
PROGRAM("kprobe.multi/vfs_read", kprobe_multi, 0)
PROGRAM("kretprobe.multi/vfs_*", kretprobe_multi, 0)
PROGRAM("usdt", usdt_unnamed, 0)
PROGRAM("xdp/devmap", xdp_devmap, XDP_PASS)
PROGRAM("xdp/cpumap", xdp_cpumap, XDP_PASS)
PROGRAM("xdp.frags/devmap", xdp_frags_devmap, XDP_PASS)
PROGRAM("xdp.frags/cpumap", xdp_frags_cpumap, XDP_PASS)
PROGRAM("flow_dissector", flow_dissector, BPF_OK)
PROGRAM("lwt_in", lwt_in, BPF_OK)
PROGRAM("lwt_out", lwt_out, BPF_OK)
PROGRAM("lwt_xmit", lwt_xmit, BPF_OK)
PROGRAM("lwt_seg6local", lwt_seg6local, BPF_OK)
PROGRAM("sk_reuseport", sk_reuseport, SK_PASS)
PROGRAM("sk_reuseport/migrate", sk_reuseport_migrate, SK_PASS)
PROGRAM("cgroup/skb", cgroup_skb_any, 1)
PROGRAM("sk_skb/stream_verdict", sk_skb_verdict, SK_PASS)
PROGRAM("sk_msg", sk_msg, SK_PASS)
PROGRAM("sk_lookup", sk_lookup, SK_PASS)
PROGRAM("syscall", syscall, 0)

char LICENSE[] SEC("license") = "GPL";
