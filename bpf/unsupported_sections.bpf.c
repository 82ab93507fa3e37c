// Sections Nectar recognises as programs but does not load yet, next to one it does: the object
// still loads, the others are reported as not yet supported and never loaded as something else.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sk_lookup")
int lookup_socket(struct bpf_sk_lookup *ctx)
{
    return SK_PASS;
}

SEC("uprobe.multi//bin/true:main")
int probe_true(void *ctx)
{
    return 0;
}

SEC("raw_tp/sys_enter")
int supported_one(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
