// Kernel tests run one at a time: several of them prove that disposal leaks no descriptor by
// counting this process's anonymous-inode fds (OpenFileDescriptors), which tests of other
// classes running in parallel would move. The whole assembly takes a few seconds either way.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
