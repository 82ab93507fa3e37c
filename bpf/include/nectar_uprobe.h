// BPF_UPROBE / BPF_URETPROBE for libbpf headers older than 1.2 (Debian 12 ships 1.1), which have
// only BPF_KPROBE / BPF_KRETPROBE. A uprobe's context is the same struct pt_regs as a kprobe's,
// so the user-space macros are the kprobe ones under the names newer libbpf gives them.
#ifndef NECTAR_UPROBE_H
#define NECTAR_UPROBE_H

#include <bpf/bpf_tracing.h>

#ifndef BPF_UPROBE
#define BPF_UPROBE(name, args...) BPF_KPROBE(name, ##args)
#endif

#ifndef BPF_URETPROBE
#define BPF_URETPROBE(name, args...) BPF_KRETPROBE(name, ##args)
#endif

#endif
