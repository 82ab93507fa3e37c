// Iterators (SEC("iter/...")): reading the iterator runs the program once per kernel object.
// Tests: the task iterator lists every task (text lines with BPF_SEQ_PRINTF, and fixed-size
// records with bpf_seq_write); the map-element iterator lists the entries of the map it is
// attached to.
// The few kernel types used are declared here with preserve_access_index (CO-RE relocates the
// field offsets against the running kernel) instead of including the 640 KB vmlinux.h.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct seq_file;

struct bpf_iter_meta {
    struct seq_file *seq;
    __u64 session_id;
    __u64 seq_num;
} __attribute__((preserve_access_index));

struct task_struct {
    int pid;
    int tgid;
    char comm[16];
} __attribute__((preserve_access_index));

struct bpf_iter__task {
    struct bpf_iter_meta *meta;
    struct task_struct *task;
} __attribute__((preserve_access_index));

struct bpf_iter__bpf_map_elem {
    struct bpf_iter_meta *meta;
    struct bpf_map *map;
    void *key;
    void *value;
} __attribute__((preserve_access_index));

// One line per task (thread): "TGID PID COMM". The iterator calls the program once more with
// task == NULL when it is done.
SEC("iter/task")
int dump_tasks(struct bpf_iter__task *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *task = ctx->task;
    if (!task)
        return 0;
    BPF_SEQ_PRINTF(seq, "%d %d %s\n", task->tgid, task->pid, task->comm);
    return 0;
}

// The same as fixed-size binary records (struct TaskRecord in the tests).
struct task_record {
    __u32 tgid;
    __u32 pid;
    char comm[16];
};

SEC("iter/task")
int dump_task_records(struct bpf_iter__task *ctx)
{
    struct seq_file *seq = ctx->meta->seq;
    struct task_struct *task = ctx->task;
    if (!task)
        return 0;
    struct task_record record = {};
    record.tgid = task->tgid;
    record.pid = task->pid;
    bpf_probe_read_kernel_str(record.comm, sizeof(record.comm), task->comm);
    bpf_seq_write(seq, &record, sizeof(record));
    return 0;
}

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
