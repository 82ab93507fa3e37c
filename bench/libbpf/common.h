/* Shared by the libbpf oracles of `nectar bench`: timing and the one-line result format. These
 * programs exist only to give Nectar's benchmarks libbpf's figures on the same objects; Nectar
 * itself never links libbpf. */
#ifndef NECTAR_BENCH_COMMON_H
#define NECTAR_BENCH_COMMON_H


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

static inline double clock_seconds(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wall time, and the CPU time (user + system) of the calling thread. */
static inline double wall_seconds(void) { return clock_seconds(CLOCK_MONOTONIC); }
static inline double thread_cpu_seconds(void) { return clock_seconds(CLOCK_THREAD_CPUTIME_ID); }

/* The workload syscall, made directly (glibc's wrapper is a plain syscall too, but this says so). */
static inline void trigger(void) { syscall(SYS_getppid); }

static inline long parse_long(const char *text, const char *what)
{
    char *end;
    long value = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0) {
        fprintf(stderr, "bad %s: %s\n", what, text);
        exit(1);
    }
    return value;
}

/* Sets a `const volatile` global of the object's .rodata before load. */
static inline int set_rodata_u32(struct bpf_object *obj, const char *name, __u32 value)
{
    struct bpf_map *map;
    bpf_object__for_each_map(map, obj) {
        if (!strstr(bpf_map__name(map), ".rodata"))
            continue;
        const struct btf *btf = bpf_object__btf(obj);
        __u32 sec_id = bpf_map__btf_value_type_id(map);
        const struct btf_type *sec = btf__type_by_id(btf, sec_id);
        if (!sec || !btf_is_datasec(sec))
            continue;
        const struct btf_var_secinfo *vs = btf_var_secinfos(sec);
        for (int i = 0; i < btf_vlen(sec); i++, vs++) {
            const struct btf_type *var = btf__type_by_id(btf, vs->type);
            if (strcmp(btf__name_by_offset(btf, var->name_off), name) != 0)
                continue;
            size_t size;
            char *data = (char *)bpf_map__initial_value(map, &size); /* writable before load */
            if (!data || vs->offset + sizeof(value) > size)
                return -1;
            memcpy(data + vs->offset, &value, sizeof(value));
            return 0;
        }
    }
    fprintf(stderr, "no .rodata variable %s\n", name);
    return -1;
}

#endif
