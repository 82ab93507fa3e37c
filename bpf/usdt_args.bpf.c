// USDT probes of tests/fixtures/usdt (nectar_usdt_target, built by the tests with sys/sdt.h),
// read with libbpf's usdt.bpf.h as a libbpf tool reads them: BPF_USDT's typed arguments, and
// bpf_usdt_arg()/bpf_usdt_arg_cnt()/bpf_usdt_cookie() by hand. Each hit of target_tgid writes a
// usdt_event to the ring buffer `events`. The sections name the target by program name, found on
// PATH; the tests attach by full path with AttachUsdt.
//   nectar:args   -1@%al -2@%dx 1@%sil -8@%rcx -4@%r8d -4@-4(%rsp)   (gcc -O2: registers, a stack slot)
//   nectar:consts -4@$42 -4@$-7 -4@%edi                                (constants)
//   nectar:gated  -4@%edi 2@%ax, with a semaphore the target reads     (fires only while attached)
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>
#include "nectar_ring.h"

struct usdt_event {
    __u32 probe;      // 1 args, 2 consts, 3 gated
    __s32 arg_count;  // bpf_usdt_arg_cnt()
    __u64 cookie;     // bpf_usdt_cookie()
    __s64 args[6];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} events SEC(".maps");
NECTAR_RING_RECORD(events, struct usdt_event);

const volatile __u32 target_tgid = 0;

static __always_inline struct usdt_event *start(struct pt_regs *ctx, __u32 probe)
{
    if (target_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid)
        return 0;
    struct usdt_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    __builtin_memset(e, 0, sizeof(*e));
    e->probe = probe;
    e->arg_count = bpf_usdt_arg_cnt(ctx);
    e->cookie = bpf_usdt_cookie(ctx);
    return e;
}

SEC("usdt/nectar_usdt_target:nectar:args")
int BPF_USDT(on_args, char c, short h, unsigned char u, long long big, int a, int on_stack)
{
    struct usdt_event *e = start(ctx, 1);
    if (!e)
        return 0;
    e->args[0] = c;
    e->args[1] = h;
    e->args[2] = u;
    e->args[3] = big;
    e->args[4] = a;
    e->args[5] = on_stack;
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("usdt/nectar_usdt_target:nectar:consts")
int on_consts(struct pt_regs *ctx)
{
    struct usdt_event *e = start(ctx, 2);
    if (!e)
        return 0;
    for (int i = 0; i < 6; i++) {
        long value;
        if (bpf_usdt_arg(ctx, i, &value) == 0)
            e->args[i] = value;
    }
    bpf_ringbuf_submit(e, 0);
    return 0;
}

SEC("usdt/nectar_usdt_target:nectar:gated")
int BPF_USDT(on_gated, int round, unsigned short semaphore)
{
    struct usdt_event *e = start(ctx, 3);
    if (!e)
        return 0;
    e->args[0] = round;
    e->args[1] = semaphore;
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
