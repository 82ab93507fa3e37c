// CO-RE test program whose relocation cannot be satisfied on any kernel and is NOT guarded by
// bpf_core_field_exists: the instruction is poisoned and reachable, so the verifier must reject
// the program, and Nectar must say which field was missing.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct task_struct {
	int pid;
	long nectar_missing_field;
} __attribute__((preserve_access_index));

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

SEC("tp_btf/sched_process_exec")
int BPF_PROG(core_poisoned, struct task_struct *task)
{
	__u32 zero = 0;
	__u64 *slot = bpf_map_lookup_elem(&results, &zero);
	if (slot)
		*slot = task->nectar_missing_field;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
