// The map-element iterator (SEC("iter/bpf_map_elem")): reading it runs the program once per
// entry of the map the link was attached to. Apart from task_iter.bpf.c because some kernels
// (Linux 6.18 here) refuse iter/bpf_map_elem with EPERM while they allow iter/task.
// The kernel types are declared here with preserve_access_index, as in task_iter.bpf.c.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct seq_file;

struct bpf_iter_meta {
    struct seq_file *seq;
    __u64 session_id;
    __u64 seq_num;
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_map_elem {
    struct bpf_iter_meta *meta;
    struct bpf_map *map;
    void *key;
    void *value;
} __attribute__((preserve_access_index));

// A map for the map-element iterator to list; the test fills it from user space.
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} numbers SEC(".maps");

// "KEY VALUE" per entry of the map the link was attached to (a u32 -> u64 map).
SEC("iter/bpf_map_elem")
int dump_numbers(struct bpf_iter__bpf_map_elem *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    __u32 *key = ctx->key;
    __u64 *value = ctx->value;
    if (!key || !value)
        return 0;
    BPF_SEQ_PRINTF(seq, "%u %llu\n", *key, *value);
    return 0;
}

char LICENSE[] SEC("license") = "GPL";
