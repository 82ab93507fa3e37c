using Nectar.Output;

namespace Nectar.Tests.Output;

public class FileDescriptorLimitTests
{
    [Fact]
    public void Open_descriptors_are_counted_as_proc_lists_them()
    {
        int before = FileDescriptorLimit.OpenNow();
        var opened = Enumerable.Range(0, 5).Select(_ => File.OpenRead("/proc/self/status")).ToList();
        try
        {
            int during = FileDescriptorLimit.OpenNow();
            // Other threads (the runtime's, the test host's) may open or close one meanwhile.
            Assert.InRange(during - before, 4, 6);
            Assert.InRange(during, Directory.GetFileSystemEntries("/proc/self/fd").Length - 3, Directory.GetFileSystemEntries("/proc/self/fd").Length + 1);
        }
        finally
        {
            opened.ForEach(f => f.Dispose());
        }
    }
}
