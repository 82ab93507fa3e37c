// Kernel tests prove "no descriptor leaked" by counting this process's BPF descriptors before and
// after (OpenFileDescriptors.AssertNoLeak); test classes running in parallel move that count under
// each other's feet. They take seconds in all, so they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
