// Counts UDP/IPv4 datagrams to one destination port (target_port, set before load) at each network
// hook Nectar attaches: XDP, tcx ingress and egress, and a socket filter. drop_port makes the XDP
// program drop datagrams to that port instead (0: drop nothing). Tests: network attachment on lo.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TCX_NEXT -1 /* tcx: no verdict, run the next program (6.1 uapi headers predate tcx) */

const volatile __u16 target_port = 0;
const volatile __u16 drop_port = 0;

__u64 xdp_packets = 0;
__u64 ingress_packets = 0;
__u64 egress_packets = 0;
__u64 socket_packets = 0;
__u64 tc_packets = 0;

/* The UDP destination port (host order) of an Ethernet frame in [data, data_end); 0 if it is not UDP/IPv4. */
static __always_inline __u16 udp_destination(void *data, void *data_end)
{
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
        return 0;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_UDP || ip->ihl < 5)
        return 0;
    struct udphdr *udp = (void *)ip + ip->ihl * 4;
    if ((void *)(udp + 1) > data_end)
        return 0;
    return bpf_ntohs(udp->dest);
}

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
    __u16 port = udp_destination((void *)(long)ctx->data, (void *)(long)ctx->data_end);
    if (port == 0)
        return XDP_PASS;
    if (port == target_port)
        __sync_fetch_and_add(&xdp_packets, 1);
    return port == drop_port ? XDP_DROP : XDP_PASS;
}

/* Multi-buffer aware (BPF_F_XDP_HAS_FRAGS): loads, passes everything. */
SEC("xdp.frags")
int xdp_frags_pass(struct xdp_md *ctx)
{
    return XDP_PASS;
}

SEC("tcx/ingress")
int tcx_count_ingress(struct __sk_buff *skb)
{
    __u16 port = udp_destination((void *)(long)skb->data, (void *)(long)skb->data_end);
    if (port != 0 && port == target_port)
        __sync_fetch_and_add(&ingress_packets, 1);
    return TCX_NEXT;
}

SEC("tcx/egress")
int tcx_count_egress(struct __sk_buff *skb)
{
    __u16 port = udp_destination((void *)(long)skb->data, (void *)(long)skb->data_end);
    if (port != 0 && port == target_port)
        __sync_fetch_and_add(&egress_packets, 1);
    return TCX_NEXT;
}

/* A classic tc classifier names no direction: AttachTcx takes it. */
SEC("tc")
int tc_count(struct __sk_buff *skb)
{
    __u16 port = udp_destination((void *)(long)skb->data, (void *)(long)skb->data_end);
    if (port != 0 && port == target_port)
        __sync_fetch_and_add(&tc_packets, 1);
    return TCX_NEXT;
}

/* A socket filter sees only its socket's packets, from the transport header on; it keeps as many
   bytes as it returns, so returning the length keeps the whole packet. */
SEC("socket")
int socket_count(struct __sk_buff *skb)
{
    __sync_fetch_and_add(&socket_packets, 1);
    return skb->len;
}

/* Returning 0 keeps no bytes: the socket never receives the packet. */
SEC("socket")
int socket_drop(struct __sk_buff *skb)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
