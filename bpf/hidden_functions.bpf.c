// A global function marked __hidden (STV_HIDDEN), as library headers such as usdt.bpf.h write
// them. It dereferences its pointer argument without a NULL check: verified on its own (global
// linkage) the kernel refuses that; libbpf gives hidden subprograms static linkage in the BTF it
// loads, so the verifier checks them in their caller's context, where the pointer is a stack slot.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__hidden __attribute__((noinline)) int read_through(__u64 *value)
{
    return *value + 1;
}

__u64 seen;

SEC("raw_tp/sys_enter")
int call_hidden(void *ctx)
{
    __u64 local = bpf_get_prandom_u32();
    seen = read_through(&local);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
