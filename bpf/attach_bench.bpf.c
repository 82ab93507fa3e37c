// `nectar bench attach`: the tracepoint styles on one trigger, sys_enter (see attach_bench.h).
#include "attach_bench.h"

SEC("raw_tp/sys_enter")
int raw_tp_count(struct bpf_raw_tracepoint_args *ctx) { return on_call(ctx->args[1], 0); }

SEC("raw_tp/sys_enter")
int raw_tp_ringbuf(struct bpf_raw_tracepoint_args *ctx) { return on_call(ctx->args[1], 1); }

// tp_btf/sys_enter gets (struct pt_regs *regs, long id) as u64s.
SEC("tp_btf/sys_enter")
int tp_btf_count(unsigned long long *ctx) { return on_call(ctx[1], 0); }

SEC("tp_btf/sys_enter")
int tp_btf_ringbuf(unsigned long long *ctx) { return on_call(ctx[1], 1); }

// The classic tracepoint's record: 8 bytes of common fields, then long id.
struct sys_enter_record {
    __u64 common;
    long id;
};

SEC("tracepoint/raw_syscalls/sys_enter")
int tracepoint_count(struct sys_enter_record *ctx) { return on_call(ctx->id, 0); }

SEC("tracepoint/raw_syscalls/sys_enter")
int tracepoint_ringbuf(struct sys_enter_record *ctx) { return on_call(ctx->id, 1); }
