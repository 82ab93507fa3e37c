// CO-RE test program: every relocation kind, against the running kernel's task_struct.
// The kernel types are declared here, partially and in a deliberately different layout (and with
// deliberately wrong enum values), so that nothing works unless relocation rewrites it.
// tests/Nectar.Kernel.Tests/Relocation checks each slot of `results` after an exec.
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

struct task_struct {
	unsigned int nectar_padding:3;
	unsigned int in_execve:1;
	char comm[8];
	struct task_struct *real_parent;
	int tgid;
	int pid;
	long nectar_missing_field;
	unsigned long flags; // the kernel's is unsigned int: the 8-byte load must shrink to 4
	unsigned int __state;
} __attribute__((preserve_access_index));

// Linux before 5.14 called __state `state` (a long): the usual flavor for a renamed field.
struct task_struct___pre_5_14 {
	long state;
} __attribute__((preserve_access_index));

// A flavor: a second local view of the same kernel type.
struct task_struct___nectar {
	int tgid;
} __attribute__((preserve_access_index));

struct nectar_no_such_type {
	int x;
} __attribute__((preserve_access_index));

// Matches the kernel's list_head field by field; the flavored one does not.
struct list_head {
	struct list_head *next, *prev;
} __attribute__((preserve_access_index));

struct list_head___bad {
	int next;
} __attribute__((preserve_access_index));

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID, PIDTYPE_PGID, PIDTYPE_MAX = 100 };
enum pid_type___nectar { PIDTYPE_SID___nectar = 50, NECTAR_NO_SUCH_PIDTYPE = 51 };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 24);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

static __always_inline void put(__u32 slot, __u64 value)
{
	__u64 *target = bpf_map_lookup_elem(&results, &slot);
	if (target)
		*target = value;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(core_read, struct task_struct *task, int old_pid, void *bprm)
{
	__u32 zero = 0;
	__u32 *parent = bpf_map_lookup_elem(&config, &zero);
	if (!parent || BPF_CORE_READ(task, real_parent, tgid) != *parent)
		return 0;

	put(0, task->pid);                                   // direct load, relocated offset
	put(1, BPF_CORE_READ(task, real_parent, tgid));      // chain through probe reads
	put(2, bpf_core_field_exists(task->nectar_missing_field));
	put(3, bpf_core_field_exists(task->pid));
	if (bpf_core_field_exists(task->nectar_missing_field))
		put(4, BPF_CORE_READ(task, nectar_missing_field)); // poisoned, dead
	else
		put(4, 77);
	put(5, bpf_core_type_exists(struct task_struct));
	put(6, bpf_core_type_exists(struct nectar_no_such_type));
	put(7, bpf_core_enum_value(enum pid_type, PIDTYPE_MAX));
	put(8, bpf_core_enum_value(enum pid_type___nectar, PIDTYPE_SID___nectar));
	put(9, bpf_core_enum_value_exists(enum pid_type___nectar, NECTAR_NO_SUCH_PIDTYPE));
	put(10, BPF_CORE_READ_BITFIELD_PROBED(task, in_execve));
	put(11, BPF_CORE_READ_BITFIELD(task, in_execve));
	put(12, BPF_CORE_READ((struct task_struct___nectar *)task, tgid));
	put(13, bpf_core_type_size(struct task_struct));
	put(14, bpf_core_field_size(task->comm));
	put(15, bpf_core_field_offset(task->tgid));
	put(16, bpf_core_type_id_kernel(struct task_struct));
	put(17, bpf_core_type_matches(struct list_head));
	put(18, bpf_core_type_matches(struct list_head___bad));
	put(19, task->tgid);
	__u64 flags = 0;
	bpf_probe_read_kernel(&flags, bpf_core_field_size(task->flags), &task->flags);
	put(21, task->flags);                                // resized direct load
	put(22, flags);                                      // read with the kernel's field size
	struct task_struct___pre_5_14 *old = (void *)task;
	if (bpf_core_field_exists(old->state))
		put(23, 1000 + BPF_CORE_READ(old, state));   // poisoned here, dead
	else
		put(23, BPF_CORE_READ(task, __state));       // TASK_RUNNING, 0
	put(20, 1);                                          // fired
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
