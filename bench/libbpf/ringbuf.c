/* libbpf's ring buffer consumer on bpf/ringbuf_bench.bpf.o, the oracle of `nectar bench ringbuf`.
 * usage: ringbuf OBJ EVENTS BATCH RECORD_SIZE PRODUCERS   (measured run, after a warm-up)
 *        ringbuf OBJ idle SECONDS                         (a consumer waiting on an empty ring)
 * prints: libbpf ringbuf: events=N seconds=S consumer_cpu_seconds=C submitted=N dropped=N */
#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <pthread.h>
#include "common.h"

static long consumed;
static long calls_per_producer;
static pthread_barrier_t start;

static int on_record(void *ctx, void *data, size_t size)
{
    (void)ctx; (void)data; (void)size;
    consumed++;
    return 0;
}

static void *produce(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (long i = 0; i < calls_per_producer; i++)
        trigger();
    return NULL;
}

static void read_stats(int fd, long *submitted, long *dropped)
{
    __u32 k0 = 0, k1 = 1;
    __u64 s = 0, d = 0;
    bpf_map_lookup_elem(fd, &k0, &s);
    bpf_map_lookup_elem(fd, &k1, &d);
    *submitted = (long)s;
    *dropped = (long)d;
}

static void measure(struct ring_buffer *rb, int stats, long events, long batch, int producers, int print)
{
    long s0, d0, s1, d1;
    read_stats(stats, &s0, &d0);
    calls_per_producer = (events / producers + batch - 1) / batch;
    long expected = calls_per_producer * batch * producers;
    consumed = 0;
    pthread_t threads[16];
    pthread_barrier_init(&start, NULL, producers + 1);
    for (int i = 0; i < producers; i++)
        pthread_create(&threads[i], NULL, produce, NULL);
    pthread_barrier_wait(&start);
    double wall0 = wall_seconds(), cpu0 = thread_cpu_seconds(), last = wall0;
    while (consumed < expected) {
        int n = ring_buffer__poll(rb, 100);
        if (n > 0) {
            last = wall_seconds();
        } else if (n == 0) {
            read_stats(stats, &s1, &d1);
            if (consumed >= s1 - s0 && wall_seconds() - last > 0.1)
                break; /* the rest was dropped */
        }
    }
    double cpu = thread_cpu_seconds() - cpu0;
    for (int i = 0; i < producers; i++)
        pthread_join(threads[i], NULL);
    pthread_barrier_destroy(&start);
    read_stats(stats, &s1, &d1);
    if (print)
        printf("libbpf ringbuf: events=%ld seconds=%.6f consumer_cpu_seconds=%.6f submitted=%ld dropped=%ld\n",
               consumed, last - wall0, cpu, s1 - s0, d1 - d0);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s OBJ EVENTS BATCH RECORD_SIZE PRODUCERS | %s OBJ idle SECONDS\n", argv[0], argv[0]);
        return 1;
    }
    int idle = strcmp(argv[2], "idle") == 0;
    if (!idle && argc < 6) {
        fprintf(stderr, "usage: %s OBJ EVENTS BATCH RECORD_SIZE PRODUCERS\n", argv[0]);
        return 1;
    }
    long events = idle ? 0 : parse_long(argv[2], "events");
    long batch = idle ? 1 : parse_long(argv[3], "batch");
    long record_size = idle ? 64 : parse_long(argv[4], "record size");
    int producers = idle ? 1 : (int)parse_long(argv[5], "producers");
    if (producers < 1 || producers > 16 || batch < 1) {
        fprintf(stderr, "producers 1..16, batch >= 1\n");
        return 1;
    }
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    if (set_rodata_u32(obj, "target_tgid", (__u32)getpid()) || set_rodata_u32(obj, "batch", (__u32)batch)
        || set_rodata_u32(obj, "record_size", (__u32)record_size) || bpf_object__load(obj)) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 2;
    }
    struct bpf_program *prog = bpf_object__next_program(obj, NULL);
    struct bpf_link *link = bpf_program__attach(prog);
    if (!link) {
        fprintf(stderr, "cannot attach\n");
        return 2;
    }
    int stats = bpf_map__fd(bpf_object__find_map_by_name(obj, "stats"));
    struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")), on_record, NULL, NULL);
    if (idle) {
        double seconds = (double)parse_long(argv[3], "seconds");
        double wall0 = wall_seconds(), cpu0 = thread_cpu_seconds();
        while (wall_seconds() - wall0 < seconds)
            ring_buffer__poll(rb, (int)((seconds - (wall_seconds() - wall0)) * 1000) + 1);
        printf("libbpf ringbuf idle: seconds=%.3f consumer_cpu_seconds=%.6f\n", wall_seconds() - wall0, thread_cpu_seconds() - cpu0);
    } else {
        measure(rb, stats, events < 2000000 ? events : 2000000, batch, producers, 0); /* warm-up */
        usleep(200000);
        measure(rb, stats, events, batch, producers, 1);
    }
    ring_buffer__free(rb);
    bpf_link__destroy(link);
    bpf_object__close(obj);
    return 0;
}
