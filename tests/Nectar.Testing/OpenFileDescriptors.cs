namespace Nectar.Testing;

/// <summary>Counts this process's open file descriptors, to prove that disposal leaks none.</summary>
public static class OpenFileDescriptors
{
    /// <summary>All open descriptors (/proc/self/fd).</summary>
    public static int Count() => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    /// <summary>
    /// Descriptors of kernel objects that only BPF work opens: anonymous inodes (bpf-map, bpf-prog,
    /// bpf_link, btf, [perf_event], [eventpoll]). Unlike <see cref="Count"/>, the test host's
    /// other threads do not move this number, so it can be compared exactly.
    /// </summary>
    public static int CountAnonymousInodes()
    {
        int count = 0;
        foreach (var entry in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            try
            {
                if (entry.LinkTarget?.StartsWith("anon_inode:", StringComparison.Ordinal) == true)
                    count++;
            }
            catch (IOException)
            {
                // Closed between listing and reading the link: not ours to count.
            }
        }
        return count;
    }

    /// <summary>
    /// Runs <paramref name="action"/> and asserts that every anonymous-inode descriptor it opened
    /// is closed again. No GC is forced: a handle that only a finalizer would close counts as a leak.
    /// </summary>
    public static void AssertNoLeak(Action action)
    {
        int before = CountAnonymousInodes();
        action();
        int after = CountAnonymousInodes();
        Assert.True(after == before, $"{after - before} BPF/perf file descriptor(s) leaked ({before} open before, {after} after).");
    }
}
