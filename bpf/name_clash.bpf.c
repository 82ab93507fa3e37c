// The object the generator's naming tests are about (tests/Nectar.Generator.Tests/NamingTests.cs):
// C names that become one C# name under the naming rule, as a user's exit probe had them.
//   - a program and the ring buffer's record struct both named raw_exit (RawExit): the struct keeps
//     the name, the program is RawExitProgram, with a NECTAR021 warning;
//   - members d_name and __d_name of struct raw_exit (DName): d_name keeps it, __d_name is DName_2;
//   - char comm[16] (CommText) and u64 args[2] (a raw tracepoint's arguments: FromArgs).
// Never loaded: only its BTF matters.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "nectar_ring.h"

struct raw_exit {
    __u64 args[2];
    __u32 d_name;
    __u32 __d_name;
    char comm[16];
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");
NECTAR_RING_RECORD(events, struct raw_exit);

SEC("raw_tp/sched_process_exit")
int raw_exit(__u64 *ctx)
{
    struct raw_exit *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e)
        return 0;
    e->args[0] = ctx[0];
    e->args[1] = 0;
    e->d_name = 1;
    e->__d_name = 2;
    bpf_get_current_comm(e->comm, sizeof(e->comm));
    bpf_ringbuf_submit(e, 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
