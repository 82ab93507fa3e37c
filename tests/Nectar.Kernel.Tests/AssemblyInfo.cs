// Kernel tests count this process's BPF file descriptors and attach programs that count this
// process's syscalls, so one test's work must not run during another's: no parallel classes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
