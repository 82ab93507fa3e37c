// A libbpf-style tool whose record type is only a local variable's: clang's BTF leaves `struct
// dwarf_event` out (BTF keeps the types of globals and functions), while its DWARF (-g) has it.
// `nectar trace --record events=dwarf_event` reads the struct from DWARF. Each getppid() of
// target_tgid sends one record: a sequence number, the pid, a signed and an enum field, a name.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum dwarf_kind { DWARF_KIND_NONE = 0, DWARF_KIND_GETPPID = 110 };

typedef unsigned int dwarf_pid_t;

struct dwarf_event {
    unsigned long long sequence;
    dwarf_pid_t pid;
    short delta;
    enum dwarf_kind kind;
    char comm[16];
    unsigned char bytes[3];
    const void *pointer;
};

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} events SEC(".maps");

const volatile __u32 target_tgid = 0;
__u64 sequence = 0;

SEC("raw_tp/sys_enter")
int send_dwarf_event(struct bpf_raw_tracepoint_args *ctx)
{
    if ((__u32)(bpf_get_current_pid_tgid() >> 32) != target_tgid || ctx->args[1] != 110 /* getppid */)
        return 0;
    struct dwarf_event e = {};
    e.sequence = __sync_fetch_and_add(&sequence, 1);
    e.pid = target_tgid;
    e.delta = -7;
    e.kind = DWARF_KIND_GETPPID;
    bpf_get_current_comm(e.comm, sizeof(e.comm));
    e.bytes[0] = 1;
    e.bytes[1] = 2;
    e.bytes[2] = 255;
    e.pointer = (const void *)0x1234;
    bpf_ringbuf_output(&events, &e, sizeof(e), 0);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
