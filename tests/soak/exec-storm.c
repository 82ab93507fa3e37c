// An exec storm for tests/soak/exec-agent-load.sh: THREADS processes, each vfork()+execve()s the
// tiny static program PATH in a loop until SECONDS pass, then prints how many execs it made.
//   exec-storm PATH SECONDS PROCESSES
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4) { fprintf(stderr, "usage: exec-storm PATH SECONDS PROCESSES\n"); return 1; }
    const char *path = argv[1];
    double seconds = atof(argv[2]);
    int processes = atoi(argv[3]);
    int fds[2];
    if (pipe(fds)) return 1;
    for (int p = 0; p < processes; p++) {
        if (fork() == 0) {
            struct timespec start, now;
            clock_gettime(CLOCK_MONOTONIC, &start);
            long count = 0;
            char *args[] = { (char *)path, NULL }, *env[] = { NULL };
            do {
                pid_t child = vfork();
                if (child == 0) { execve(path, args, env); _exit(127); }
                waitpid(child, NULL, 0);
                count++;
                clock_gettime(CLOCK_MONOTONIC, &now);
            } while ((now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 < seconds);
            if (write(fds[1], &count, sizeof count) != sizeof count) _exit(1);
            _exit(0);
        }
    }
    long total = 0, count;
    for (int p = 0; p < processes; p++) {
        if (read(fds[0], &count, sizeof count) == sizeof count) total += count;
        wait(NULL);
    }
    printf("%ld\n", total);
    return 0;
}
