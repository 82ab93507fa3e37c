// A typeless __ksym (declared void), as bpftool's own pid_iter and many tools write them: libbpf
// gives the program the symbol's address from /proc/kallsyms as a 64-bit constant. A weak one the
// kernel lacks reads as 0.
// (A function symbol: data symbols are in kallsyms only with CONFIG_KALLSYMS_ALL.)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern const void bpf_link_inc_not_zero __ksym;
extern const void nectar_no_such_symbol __ksym __weak;

const volatile __u32 target_tgid;

__u64 link_inc = 1;
__u64 missing = 1;

SEC("raw_tp/sys_enter")
int read_addresses(void *ctx)
{
    if ((bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;
    link_inc = (__u64)&bpf_link_inc_not_zero;
    missing = (__u64)&nectar_no_such_symbol;
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
