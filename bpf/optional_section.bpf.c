// SEC("?NAME"): libbpf does not load such a program unless asked (bpf_program__set_autoload);
// the rest of the object loads. Nectar does the same (ProgramSpec.AutoLoad).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 calls;

SEC("raw_tp/sys_enter")
int always_loaded(void *ctx)
{
    __sync_fetch_and_add(&calls, 1);
    return 0;
}

SEC("?raw_tp/sys_enter")
int loaded_on_request(void *ctx)
{
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
