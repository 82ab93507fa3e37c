/* libbpf's side of `nectar bench load`: open, load (relocate, create maps, load programs) and
 * attach every program of an object, then close it, ITERATIONS times in this one process.
 * usage: load OBJ ITERATIONS
 * prints per iteration: libbpf load: iteration=I open_ms=X load_ms=X attach_ms=X total_ms=X
 * (iteration 1 is the cold one: a fresh process, nothing cached) */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "common.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s OBJ ITERATIONS\n", argv[0]);
        return 1;
    }
    long iterations = parse_long(argv[2], "iterations");
    for (long i = 1; i <= iterations; i++) {
        double t0 = wall_seconds();
        struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
        if (!obj) {
            fprintf(stderr, "cannot open %s\n", argv[1]);
            return 1;
        }
        double t1 = wall_seconds();
        if (bpf_object__load(obj)) {
            fprintf(stderr, "cannot load %s\n", argv[1]);
            return 2;
        }
        double t2 = wall_seconds();
        struct bpf_program *prog;
        struct bpf_link *links[64];
        int count = 0;
        bpf_object__for_each_program(prog, obj) {
            if (count == 64 || !(links[count++] = bpf_program__attach(prog))) {
                fprintf(stderr, "cannot attach %s\n", bpf_program__name(prog));
                return 2;
            }
        }
        double t3 = wall_seconds();
        for (int l = 0; l < count; l++)
            bpf_link__destroy(links[l]);
        bpf_object__close(obj);
        printf("libbpf load: iteration=%ld open_ms=%.3f load_ms=%.3f attach_ms=%.3f total_ms=%.3f\n",
               i, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (t3 - t0) * 1e3);
    }
    return 0;
}
