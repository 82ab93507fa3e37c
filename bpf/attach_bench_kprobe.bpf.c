// `nectar bench attach`: kprobes on getppid's syscall function (see attach_bench.h). Kernels
// without kprobes refuse the attach; the benchmark then says so.
#include "attach_bench.h"

SEC("kprobe/__x64_sys_getppid")
int kprobe_count(void *ctx) { return on_call(NR_getppid, 0); }

SEC("kprobe/__x64_sys_getppid")
int kprobe_ringbuf(void *ctx) { return on_call(NR_getppid, 1); }
