using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Nectar.Btf;
using Nectar.Layouts;

namespace Nectar.Tool;

/// <summary>
/// `nectar bench layout`: the cost of decoding a kernel struct snapshot through KernelStruct/KernelLayoutMap
/// when the running kernel's layout matches the generated one (a plain read) and when it differs (each
/// member moved to its generated offset), against MemoryMarshal.Read alone. The struct is shaped as
/// the generator emits linux_binprm (408 bytes, 27 members, 6 bitfields); the "other kernel" moves every
/// member by 8 bytes, as a new first member does.
/// </summary>
internal static class BenchLayoutCommand
{
    [StructLayout(LayoutKind.Explicit, Size = 408, Pack = 1)]
    private struct Binprm
    {
        [FieldOffset(88)] public int argc;
        [FieldOffset(92)] public int envc;
    }

    internal static Command Create()
    {
        var iterations = new Option<int>("--iterations") { Description = "Reads per measurement (at least 1,000).", DefaultValueFactory = _ => 2_000_000 }
            .Require(n => n is >= 1000 and <= 1_000_000_000, "must be a number of reads from 1,000 to 10^9");
        var command = new Command("layout", "Time decoding a linux_binprm-sized snapshot: plain read, matching layout, differing layout.") { iterations };
        command.SetAction(parse =>
        {
            int n = parse.GetValue(iterations);
            (string layout, Btf.Btf same, Btf.Btf shifted) = Layouts();
            KernelLayoutMap match = KernelLayoutMap.Compare("linux_binprm", layout, same);
            KernelLayoutMap differ = KernelLayoutMap.Compare("linux_binprm", layout, shifted);
            var bytes = new byte[416];
            BitConverter.TryWriteBytes(bytes.AsSpan(88), 4);

            double plain = Time(n, () => MemoryMarshal.Read<Binprm>(bytes).argc);
            double matched = Time(n, () => match.Read<Binprm>(bytes).argc);
            double remapped = Time(n, () => differ.Read<Binprm>(bytes).argc);
            Console.WriteLine($"layout: decoding a 408-byte linux_binprm snapshot ({n:N0} reads each, median of 5)");
            Console.WriteLine($"  MemoryMarshal.Read        {plain,8:F1} ns/read");
            Console.WriteLine($"  layouts match             {matched,8:F1} ns/read  (KernelLayoutMap.Read: a check, then the same plain read)");
            Console.WriteLine($"  layouts differ            {remapped,8:F1} ns/read  (every member moved from the running kernel's offset: {differ.FirstDifference})");
            return 0;
        });
        return command;
    }

    private static double Time(int n, Func<int> read)
    {
        var runs = new double[5];
        long sink = 0;
        for (int r = 0; r < runs.Length; r++)
        {
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++) sink += read();
            runs[r] = sw.Elapsed.TotalMilliseconds * 1e6 / n;
        }
        if (sink == 42) Console.Write(""); // keep the reads
        Array.Sort(runs);
        return runs[runs.Length / 2];
    }

    // linux_binprm as generated on 6.18 (from this shape's BTF), and the same with every member 8 bytes later.
    private static (string Layout, Btf.Btf Same, Btf.Btf Shifted) Layouts()
    {
        Btf.Btf Build(uint shift)
        {
            var b = new BtfBuilder();
            uint ul = b.AddInt("unsigned long", 8), i = b.AddInt("int", 4, BtfIntEncoding.Signed), u = b.AddInt("unsigned int", 4);
            uint ch = b.AddInt("char", 1, BtfIntEncoding.Signed), idx = b.AddInt("__ARRAY_SIZE_TYPE__", 4);
            uint buf = b.AddArray(ch, idx, 256), rlim = b.AddArray(ul, idx, 2);
            var members = new List<BtfMember>();
            string[] pointers = ["vma", "vma_pages", "argmin", "mm", "p"];
            for (int k = 0; k < pointers.Length; k++) members.Add(new(pointers[k], ul, shift + (uint)k * 64, 0));
            string[] bits = ["have_execfd", "execfd_creds", "secureexec", "point_of_no_return", "comm_from_dentry", "is_check"];
            for (int k = 0; k < bits.Length; k++) members.Add(new(bits[k], u, shift + 320 + (uint)k, 1));
            string[] more = ["executable", "interpreter", "file", "cred"];
            for (int k = 0; k < more.Length; k++) members.Add(new(more[k], ul, shift + 384 + (uint)k * 64, 0));
            string[] ints = ["unsafe", "per_clear", "argc", "envc"];
            for (int k = 0; k < ints.Length; k++) members.Add(new(ints[k], i, shift + 640 + (uint)k * 32, 0));
            string[] ptrs = ["filename", "interp", "fdpath"];
            for (int k = 0; k < ptrs.Length; k++) members.Add(new(ptrs[k], ul, shift + 768 + (uint)k * 64, 0));
            members.Add(new("interp_flags", u, shift + 960, 0));
            members.Add(new("execfd", i, shift + 992, 0));
            members.Add(new("exec", ul, shift + 1024, 0));
            members.Add(new("rlim_stack", rlim, shift + 1088, 0));
            members.Add(new("buf", buf, shift + 1216, 0));
            b.AddStruct("linux_binprm", 408 + shift / 8, members);
            return Btf.Btf.Parse(b.ToArray());
        }
        Btf.Btf same = Build(0);
        string layout = BtfLayout.Format(408, BtfLayout.Flatten(same, same.GetByName("linux_binprm", BtfKind.Struct).Id));
        return (layout, same, Build(64));
    }
}
