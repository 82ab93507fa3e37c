using Nectar.Testing;

namespace Nectar.Kernel.Tests.Skeletons;

/// <summary>The generated skeleton of bpf/skeleton_demo.bpf.o, declared as a user would (path relative to this project).</summary>
[BpfObject("skeleton_demo.bpf.o")] // the object of this project's <BpfProgram> item (../../bpf/skeleton_demo.bpf.c)
[RingBufferEvent("events", "event")]
public partial class SkeletonDemoObject;

/// <summary>
/// A skeleton loads its object for real: .rodata settings made through its properties reach the
/// program, the program runs on attach, and its ring buffer, hash map and .bss variable show it.
/// </summary>
public class SkeletonTests
{
    private const long Getppid = 110; // x86_64 syscall number, the syscall Workload makes

    private sealed record Seen(uint Pid, uint Tgid, long Nr, ulong Cookie, ulong Hits, string Comm, byte Flags, byte Kind);

    [KernelFact]
    public void Settings_reach_the_program_and_its_events_map_and_counter_show_the_attached_run()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            uint tgid = (uint)Environment.ProcessId;
            const ulong cookie = 0xC0FFEE_0000_1234;
            using var skeleton = SkeletonDemoObject.Open(BpfObjects.PathOf("skeleton_demo"));
            skeleton.TargetTgid = tgid;
            skeleton.WatchedSyscall = Getppid;
            skeleton.Cookie = cookie;
            skeleton.Load();
            Assert.True(skeleton.IsLoaded);
            Assert.Equal(cookie, skeleton.Cookie); // read back from the frozen .rodata map
            var frozen = Assert.Throws<InvalidOperationException>(() => skeleton.Cookie = 1);
            Assert.Contains("frozen", frozen.Message);

            using (skeleton.OnSysEnter.Attach())
                Workload.CallGetppid(20);

            var seen = new List<Seen>();
            int delivered = skeleton.ConsumeEvents((ref readonly SkeletonDemoObject.Event e) =>
            {
                seen.Add(new Seen(e.Pid, e.Tgid, e.SyscallNr, e.Cookie, e.Hits, e.CommText, e.Flags, e.Kind));
            });

            Assert.Equal(delivered, seen.Count);
            Assert.True(seen.Count >= 20, $"{seen.Count} getppid events, expected at least 20");
            Assert.All(seen, e =>
            {
                Assert.Equal(tgid, e.Tgid);
                Assert.Equal(Getppid, e.Nr);
                Assert.Equal(cookie, e.Cookie);
                Assert.Equal((byte)5, e.Flags);
                Assert.Equal((byte)17, e.Kind);
                Assert.Equal(File.ReadAllText($"/proc/self/task/{e.Pid}/comm").TrimEnd('\n'), e.Comm); // the calling thread's name
            });
            Assert.Equal(seen.Select(e => e.Hits).Order(), seen.Select(e => e.Hits)); // counter values in submission order

            ulong hits = skeleton.Hits; // .bss, read live
            Assert.True(hits >= seen[^1].Hits, $".bss hits {hits}, last event saw {seen[^1].Hits}");
            Assert.True(skeleton.TryLookupStats(tgid, out SkeletonDemoObject.SyscallStats stats), "no stats entry for this process");
            Assert.True(stats.Count >= (ulong)seen.Count && stats.Count <= hits, $"stats.count {stats.Count}, events {seen.Count}, hits {hits}");

            skeleton.Hits = 0; // .bss, written live
            Assert.Equal(0UL, skeleton.Hits);
        });
    }

    [KernelFact]
    public void AttachAll_attaches_every_program_its_section_places_and_detaches_them_on_dispose()
    {
        using var skeleton = SkeletonDemoObject.Open();
        skeleton.TargetTgid = (uint)Environment.ProcessId;
        skeleton.WatchedSyscall = Getppid;
        skeleton.Load();
        using (var links = skeleton.AttachAll())
        {
            Assert.Equal(["on_getppid", "on_sys_enter"], links.Attached.Order(StringComparer.Ordinal));
            Assert.Empty(links.Skipped);
            Workload.CallGetppid(20);
        }
        int events = skeleton.ConsumeEvents((ref readonly SkeletonDemoObject.Event _) => { });
        Assert.True(events >= 20, $"{events} events from the raw tracepoint program");
        // The tracepoint program counted each getppid too (on top of the raw tracepoint's count).
        ulong hits = skeleton.Hits;
        Assert.True(hits >= (ulong)events + 20, $"hits {hits}, events {events}: the tracepoint program did not run");

        Workload.CallGetppid(20); // detached: nothing counts any more
        Assert.Equal(hits, skeleton.Hits);
    }

    [KernelFact]
    public void A_setting_that_matches_no_process_leaves_the_program_silent()
    {
        // Open() without a path: the <BpfProgram> item of this project put the object in bpf/ of the output.
        using var skeleton = SkeletonDemoObject.Open();
        skeleton.TargetTgid = uint.MaxValue; // no process has this tgid
        skeleton.WatchedSyscall = Getppid;
        skeleton.Load();
        using (skeleton.OnSysEnter.Attach())
            Workload.CallGetppid(20);
        Assert.Equal(0, skeleton.ConsumeEvents((ref readonly SkeletonDemoObject.Event _) => { }));
        Assert.Equal(0UL, skeleton.Hits);
        Assert.Equal(-1L, skeleton.LastSyscall);
        Assert.False(skeleton.TryLookupStats((uint)Environment.ProcessId, out _));

        skeleton.Dispose();
        skeleton.Dispose(); // idempotent, as `using` disposes once more
        Assert.False(skeleton.IsLoaded);
        Assert.Throws<InvalidOperationException>(() => skeleton.OnSysEnter);
    }
}
