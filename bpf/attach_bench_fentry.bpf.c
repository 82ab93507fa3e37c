// `nectar bench attach`: fentry on getppid's syscall function (see attach_bench.h). Kernels
// that refuse tracing programs (EPERM) fail the load; the benchmark then says so.
#include "attach_bench.h"

SEC("fentry/__x64_sys_getppid")
int fentry_count(unsigned long long *ctx) { return on_call(NR_getppid, 0); }

SEC("fentry/__x64_sys_getppid")
int fentry_ringbuf(unsigned long long *ctx) { return on_call(NR_getppid, 1); }
