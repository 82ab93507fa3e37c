// CO-RE relocations inside .text subprograms: the loader relocates each function where it is
// placed in the program, so reads in the second subprogram must land right as well.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct task_struct {
	struct task_struct *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

static __noinline __u64 parent_tgid(struct task_struct *task)
{
	return BPF_CORE_READ(task, real_parent, tgid);
}

static __noinline __u64 own_tgid(struct task_struct *task)
{
	return BPF_CORE_READ(task, tgid);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(core_subprog, struct task_struct *task)
{
	__u32 zero = 0, one = 1;
	__u32 *parent = bpf_map_lookup_elem(&config, &zero);
	__u64 value;
	if (!parent || parent_tgid(task) != *parent)
		return 0;
	value = parent_tgid(task);
	bpf_map_update_elem(&results, &zero, &value, BPF_ANY);
	value = own_tgid(task);
	bpf_map_update_elem(&results, &one, &value, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
