// Task iterators (SEC("iter/task")): reading the iterator runs the program once per task.
// Tests: the task iterator lists every task (text lines with BPF_SEQ_PRINTF, and fixed-size
// records with bpf_seq_write). The map-element iterator is in map_elem_iter.bpf.c: some kernels
// refuse iter/bpf_map_elem but allow iter/task, and an object holding both would keep the task
// iterator's tests from running there.
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

char LICENSE[] SEC("license") = "GPL";
