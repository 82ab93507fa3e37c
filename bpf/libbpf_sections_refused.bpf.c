// libbpf 1.x sections this kernel (Linux 6.18 here) refuses to load, for libbpf and Nectar alike:
// BPF trampolines (sleepable fentry/fexit, fmod_ret), BPF LSM and sleepable iterators are refused
// with EPERM. Each is loaded on its own by the tests, which check that Nectar says clearly that
// the kernel refused it, and that libbpf (bpftool) cannot load it either.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define PROGRAM(SECTION, NAME) \
    SEC(SECTION) int NAME##_prog(void *ctx) { return 0; }

PROGRAM("fentry.s/__x64_sys_getpgid", fentry_sleepable)
PROGRAM("fexit.s/__x64_sys_getpgid", fexit_sleepable)
PROGRAM("fmod_ret/bpf_modify_return_test", fmod_ret)
PROGRAM("lsm/file_open", lsm_file_open)
PROGRAM("lsm.s/file_open", lsm_sleepable)
PROGRAM("iter.s/task", iter_sleepable)

char LICENSE[] SEC("license") = "GPL";
