using Nectar.Output;

namespace Nectar.Tests.Output;

public class FileDescriptorLimitTests
{
    [Fact]
    public void Open_descriptors_are_counted_as_proc_lists_them()
    {
        // Tests of other classes run in parallel and open descriptors too: the counts are compared
        // in a quiet moment, so a few attempts are made; a wrong count is wrong in every one.
        var seen = new List<string>();
        for (int attempt = 0; attempt < 20; attempt++)
        {
            int before = FileDescriptorLimit.OpenNow();
            var opened = Enumerable.Range(0, 5).Select(_ => File.OpenRead("/proc/self/status")).ToList();
            int during = FileDescriptorLimit.OpenNow();
            // The listing's own descriptor is among its entries, as it is among OpenNow's.
            int listed = Directory.GetFileSystemEntries("/proc/self/fd").Length - 1;
            opened.ForEach(f => f.Dispose());
            if (during - before == 5 && during == listed)
                return;
            seen.Add($"before {before}, with 5 more {during}, listed {listed}");
        }
        Assert.Fail("OpenNow never agreed with /proc/self/fd:\n" + string.Join("\n", seen));
    }
}
