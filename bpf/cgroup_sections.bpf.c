// One program per cgroup section Nectar knows, each allowing everything (return 1), so that any of
// them may be attached to a live cgroup, even the root, without changing what processes can do.
// Tests: every section loads with its expected attach type and attaches at the hook bpftool names.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define ALLOW(section, name, context) \
    SEC(section) int name(context *ctx) { return 1; }

ALLOW("cgroup_skb/ingress", allow_skb_ingress, struct __sk_buff)
ALLOW("cgroup_skb/egress", allow_skb_egress, struct __sk_buff)
ALLOW("cgroup/sock_create", allow_sock_create, struct bpf_sock)
ALLOW("cgroup/sock_release", allow_sock_release, struct bpf_sock)
ALLOW("cgroup/post_bind4", allow_post_bind4, struct bpf_sock)
ALLOW("cgroup/post_bind6", allow_post_bind6, struct bpf_sock)
ALLOW("cgroup/bind4", allow_bind4, struct bpf_sock_addr)
ALLOW("cgroup/bind6", allow_bind6, struct bpf_sock_addr)
ALLOW("cgroup/connect4", allow_connect4, struct bpf_sock_addr)
ALLOW("cgroup/connect6", allow_connect6, struct bpf_sock_addr)
ALLOW("cgroup/sendmsg4", allow_sendmsg4, struct bpf_sock_addr)
ALLOW("cgroup/sendmsg6", allow_sendmsg6, struct bpf_sock_addr)
ALLOW("cgroup/recvmsg4", allow_recvmsg4, struct bpf_sock_addr)
ALLOW("cgroup/recvmsg6", allow_recvmsg6, struct bpf_sock_addr)
ALLOW("cgroup/getpeername4", allow_getpeername4, struct bpf_sock_addr)
ALLOW("cgroup/getpeername6", allow_getpeername6, struct bpf_sock_addr)
ALLOW("cgroup/getsockname4", allow_getsockname4, struct bpf_sock_addr)
ALLOW("cgroup/getsockname6", allow_getsockname6, struct bpf_sock_addr)
ALLOW("sockops", allow_sockops, struct bpf_sock_ops)
ALLOW("cgroup/sysctl", allow_sysctl, struct bpf_sysctl)
ALLOW("cgroup/getsockopt", allow_getsockopt, struct bpf_sockopt)
ALLOW("cgroup/setsockopt", allow_setsockopt, struct bpf_sockopt)
ALLOW("cgroup/dev", allow_dev, struct bpf_cgroup_dev_ctx)

char LICENSE[] SEC("license") = "GPL";
