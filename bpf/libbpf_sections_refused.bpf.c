// libbpf 1.x sections this kernel (Linux 6.18 here) refuses to load, for libbpf and Nectar alike:
// BPF trampolines (sleepable fentry/fexit, fmod_ret) and BPF LSM are refused with EPERM. The tests
// check that Nectar says clearly that the kernel refused each, and that libbpf (bpftool) cannot
// load the object either.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROGRAM(SECTION, NAME) \
    SEC(SECTION) int NAME##_prog(void *ctx) { return 0; }

PROGRAM("fentry.s/__x64_sys_getpgid", fentry_sleepable)
PROGRAM("fexit.s/__x64_sys_getpgid", fexit_sleepable)
PROGRAM("fmod_ret/bpf_modify_return_test", fmod_ret)
PROGRAM("lsm/file_open", lsm_file_open)
PROGRAM("lsm.s/file_open", lsm_sleepable)

char LICENSE[] SEC("license") = "GPL";
