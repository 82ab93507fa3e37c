// Sections of libbpf releases newer than Debian's libbpf 1.1 (so without a libbpf oracle here):
// uprobe.multi (1.2), netfilter (1.2), sk_skb/verdict (1.2), kprobe.session (1.5). They load in
// Nectar with libbpf's program and expected attach types.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROGRAM(SECTION, NAME, RESULT) \
    SEC(SECTION) int NAME##_prog(void *ctx) { return RESULT; }

PROGRAM("uprobe.multi//bin/true:main", uprobe_multi, 0)
PROGRAM("uretprobe.multi//bin/true:main", uretprobe_multi, 0)
PROGRAM("kprobe.session/vfs_read", kprobe_session, 0)
PROGRAM("netfilter", netfilter, 1)
PROGRAM("sk_skb/verdict", sk_skb_verdict, SK_PASS)

char LICENSE[] SEC("license") = "GPL";
