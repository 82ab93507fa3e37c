/* libbpf's side of `nectar bench attach`: the CPU time per getppid() call with nothing attached
 * and with each program of bpf/attach_bench*.bpf.o attached in turn, one round.
 * usage: attach BPF_DIR CALLS
 * prints: libbpf attach: program=NAME ns_per_call=X hits=N   (program=bare: nothing attached) */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "common.h"

static const char *objects[] = { "attach_bench.bpf.o", "attach_bench_kprobe.bpf.o", "attach_bench_fentry.bpf.o" };

/* CPU time (user + system: the BPF program runs in the syscall) per call, in ns. */
static double per_call(long calls)
{
    for (long i = 0; i < calls / 50; i++) /* warm-up */
        trigger();
    double cpu0 = thread_cpu_seconds();
    for (long i = 0; i < calls; i++)
        trigger();
    return (thread_cpu_seconds() - cpu0) * 1e9 / calls;
}

static int drain(void *ctx, void *data, size_t size) { (void)ctx; (void)data; (void)size; return 0; }

static int silent(enum libbpf_print_level level, const char *format, va_list args)
{
    (void)level; (void)format; (void)args;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s BPF_DIR CALLS\n", argv[0]);
        return 1;
    }
    long calls = parse_long(argv[2], "calls");
    libbpf_set_print(silent); /* refused objects (kprobe, fentry here) are expected */
    printf("libbpf attach: program=bare ns_per_call=%.2f hits=0\n", per_call(calls));
    for (size_t o = 0; o < sizeof(objects) / sizeof(objects[0]); o++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], objects[o]);
        struct bpf_object *obj = bpf_object__open_file(path, NULL);
        if (!obj)
            continue;
        if (set_rodata_u32(obj, "target_tgid", (__u32)getpid()) || bpf_object__load(obj)) {
            bpf_object__close(obj);
            continue;
        }
        int hits = bpf_map__fd(bpf_object__find_map_by_name(obj, "hits"));
        struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")), drain, NULL, NULL);
        struct bpf_program *prog;
        bpf_object__for_each_program(prog, obj) {
            __u32 key = 0;
            __u64 zero = 0, count = 0;
            bpf_map_update_elem(hits, &key, &zero, 0);
            struct bpf_link *link = bpf_program__attach(prog);
            if (!link)
                continue;
            double ns = per_call(calls);
            bpf_link__destroy(link);
            bpf_map_lookup_elem(hits, &key, &count);
            ring_buffer__consume(rb);
            printf("libbpf attach: program=%s ns_per_call=%.2f hits=%llu\n", bpf_program__name(prog), ns, (unsigned long long)count);
        }
        ring_buffer__free(rb);
        bpf_object__close(obj);
    }
    return 0;
}
