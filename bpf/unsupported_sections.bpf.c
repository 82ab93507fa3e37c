// Sections Nectar recognises as programs but does not load yet, next to one it does: the object
// still loads, the others are reported with the reason they are refused and never loaded as
// something else. (freplace needs the fd of the program it replaces; struct_ops programs load as
// part of a struct_ops map.)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/handler")
int replace_handler(void *ctx)
{
    return 0;
}

SEC("struct_ops/test_1")
int struct_ops_callback(void *ctx)
{
    return 0;
}

SEC("raw_tp/sys_enter")
int supported_one(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
