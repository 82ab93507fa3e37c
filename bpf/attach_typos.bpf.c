// Misspelt attach points, one per kind the generator checks against kernel BTF at build time
// (tests/Nectar.Generator.Tests/Skeletons/AttachPointCheckTests.cs), beside correct ones that
// must pass. Never loaded: each wrong one would fail to attach.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_opneat")
int typo_syscall(void *ctx) { return 0; }

SEC("tracepoint/syscalls/sys_enter_openat")
int good_syscall(void *ctx) { return 0; }

SEC("tp_btf/sched_proces_exec")
int typo_tp_btf(void *ctx) { return 0; }

SEC("raw_tp/sched_process_exec")
int good_raw_tp(void *ctx) { return 0; }

SEC("tracepoint/sched/sched_process_exti")
int typo_tracepoint(void *ctx) { return 0; }

SEC("kprobe/do_sys_opnat2")
int typo_kprobe(void *ctx) { return 0; }

SEC("kprobe/do_sys_openat2+4")
int good_kprobe(void *ctx) { return 0; }

SEC("iter/taks")
int typo_iter(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
