// Cgroup programs for the tests that attach to the test process's own cgroup v2 (the root cgroup
// on the test VM, where every process runs them): each one counts only what the test itself does,
// by its process id (target_tgid; 0: any process of the cgroup) and by a port it chose. connect4 counts TCP/UDP connects to
// target_port and refuses connects to deny_port (return 0: connect() fails with EPERM); sock_create
// counts the sockets one thread (target_tid) creates; cgroup_skb egress/ingress count the UDP/IPv4
// datagrams to target_port that leave and arrive; sendmsg4 sends UDP datagrams addressed to
// redirect_from to redirect_to instead, and counts them. Ports are host order, 0 = none.
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 target_tgid = 0;
const volatile __u32 target_tid = 0;
const volatile __u16 target_port = 0;
const volatile __u16 deny_port = 0;
const volatile __u16 redirect_from = 0;
const volatile __u16 redirect_to = 0;

__u64 connects = 0;
__u64 denied_connects = 0;
__u64 sockets_created = 0;
__u64 egress_packets = 0;
__u64 ingress_packets = 0;
__u64 redirected_sends = 0;

static __always_inline int is_target_process(void)
{
    return target_tgid == 0 || (bpf_get_current_pid_tgid() >> 32) == target_tgid;
}

SEC("cgroup/connect4")
int count_connect4(struct bpf_sock_addr *ctx)
{
    if (!is_target_process())
        return 1;
    __u16 port = bpf_ntohs(ctx->user_port);
    if (deny_port != 0 && port == deny_port) {
        __sync_fetch_and_add(&denied_connects, 1);
        return 0;
    }
    if (port == target_port)
        __sync_fetch_and_add(&connects, 1);
    return 1;
}

SEC("cgroup/sock_create")
int count_sock_create(struct bpf_sock *sk)
{
    __u64 pid_tgid = bpf_get_current_pid_tgid();
    if ((pid_tgid >> 32) == target_tgid && (__u32)pid_tgid == target_tid)
        __sync_fetch_and_add(&sockets_created, 1);
    return 1;
}

/* The UDP destination port (host order) of the IPv4 packet in skb, which a cgroup_skb program sees
   from the IP header on; 0 if it is not UDP/IPv4. */
static __always_inline __u16 udp_destination(struct __sk_buff *skb)
{
    struct iphdr ip;
    struct udphdr udp;
    if (skb->protocol != bpf_htons(0x0800 /* ETH_P_IP */))
        return 0;
    if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) < 0 || ip.protocol != IPPROTO_UDP || ip.ihl < 5)
        return 0;
    if (bpf_skb_load_bytes(skb, ip.ihl * 4, &udp, sizeof(udp)) < 0)
        return 0;
    return bpf_ntohs(udp.dest);
}

SEC("cgroup_skb/egress")
int count_egress(struct __sk_buff *skb)
{
    if (target_port != 0 && udp_destination(skb) == target_port)
        __sync_fetch_and_add(&egress_packets, 1);
    return 1;
}

SEC("cgroup_skb/ingress")
int count_ingress(struct __sk_buff *skb)
{
    if (target_port != 0 && udp_destination(skb) == target_port)
        __sync_fetch_and_add(&ingress_packets, 1);
    return 1;
}

SEC("cgroup/sendmsg4")
int redirect_sendmsg4(struct bpf_sock_addr *ctx)
{
    if (!is_target_process() || redirect_from == 0 || bpf_ntohs(ctx->user_port) != redirect_from)
        return 1;
    ctx->user_port = bpf_htons(redirect_to);
    __sync_fetch_and_add(&redirected_sends, 1);
    return 1;
}

char LICENSE[] SEC("license") = "GPL";
