using System.Buffers.Binary;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests.LibbpfCompat;

/// <summary>
/// A corpus of real-world objects nobody here wrote: the BPF objects Debian's libbpf-tools
/// (bcc's libbpf tools: execsnoop, opensnoop, runqlat, ...) and xdp-tools embed in their binaries
/// as skeletons, and the ones libxdp ships as files. Every object libbpf 1.1 (bpftool prog loadall)
/// loads on this machine must load in Nectar, whole; the test names each one that does not.
/// </summary>
public class DebianToolCorpusTests
{
    private const ushort MachineBpf = 247;

    [KernelFact(Tools = Oracle.Bpftool | Oracle.DebianBpfTools)]
    public void Every_object_libbpf_loads_from_Debians_tools_loads_in_Nectar()
    {
        var corpus = Corpus();
        Assert.True(corpus.Count > 50, $"only {corpus.Count} BPF objects found in libbpf-tools, xdp-tools and libxdp1");
        int libbpfLoaded = 0;
        var misses = new List<string>();
        foreach (var (name, image) in corpus)
        {
            string path = Path.Combine(Path.GetTempPath(), $"nectar-corpus-{Guid.NewGuid():N}-{name}.bpf.o");
            File.WriteAllBytes(path, image);
            try
            {
                if (!LibbpfLoads(path))
                    continue;
                libbpfLoaded++;
                try
                {
                    using var obj = BpfObject.Load(path);
                    var spec = obj.Spec.Programs.Values.Where(p => p.AutoLoad).Select(p => p.Name).Order(StringComparer.Ordinal);
                    if (!spec.SequenceEqual(obj.Programs.Keys.Order(StringComparer.Ordinal)))
                        misses.Add($"{name}: loaded {obj.Programs.Count} of {obj.Spec.Programs.Count} programs");
                }
                catch (Exception e)
                {
                    misses.Add($"{name}: {e.GetType().Name}: {e.Message}");
                }
            }
            finally
            {
                File.Delete(path);
            }
        }
        Assert.True(libbpfLoaded > 0, "libbpf loaded none of the corpus");
        Assert.True(misses.Count == 0, $"{misses.Count} of the {libbpfLoaded} objects libbpf loads did not load in Nectar:\n{string.Join('\n', misses)}");
    }

    private static bool LibbpfLoads(string path)
    {
        string pins = Path.Combine(Nectar.Interop.Pinning.BpffsRoot, $"nectar-corpus-{Guid.NewGuid():N}");
        try
        {
            return Processes.Run(Bpftool.Command, ["prog", "loadall", path, pins]).ExitCode == 0;
        }
        finally
        {
            if (Directory.Exists(pins))
                Directory.Delete(pins, recursive: true);
        }
    }

    /// <summary>The BPF objects of the installed packages: .o files, and ELF images of machine EM_BPF inside executables.</summary>
    private static List<(string Name, byte[] Image)> Corpus()
    {
        var objects = new List<(string, byte[])>();
        var listed = Processes.Run("dpkg-query", ["-L", "libbpf-tools", "xdp-tools", "libxdp1"]);
        foreach (string file in listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(File.Exists).Where(f => !Directory.Exists(f)).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(file).LinkTarget is not null)
                continue;
            if (file.EndsWith(".o", StringComparison.Ordinal))
                objects.Add(("xdp_" + Path.GetFileNameWithoutExtension(file), File.ReadAllBytes(file)));
            else if (file.Contains("/sbin/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal))
                objects.AddRange(Embedded(Path.GetFileName(file), File.ReadAllBytes(file)));
        }
        return objects;
    }

    /// <summary>
    /// The BPF objects a skeleton embeds: each "\x7fELF" of class 64, little-endian, machine EM_BPF,
    /// cut at the end of its section header table (where clang puts it, last).
    /// </summary>
    private static IEnumerable<(string, byte[])> Embedded(string binary, byte[] data)
    {
        ReadOnlySpan<byte> magic = [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1];
        var found = new List<(string, byte[])>();
        for (int at = data.AsSpan(1).IndexOf(magic) + 1, index = 0; at > 0; at = NextAfter(data, at, magic))
        {
            if (at + 64 > data.Length || BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 18)) != MachineBpf)
                continue;
            ulong end = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(at + 40)) +
                (ulong)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 58)) * BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 60));
            if (end > (ulong)(data.Length - at))
                continue;
            found.Add((index == 0 ? binary : $"{binary}_{index}", data.AsSpan(at, (int)end).ToArray()));
            index++;
        }
        return found;
    }

    private static int NextAfter(byte[] data, int at, ReadOnlySpan<byte> magic)
    {
        int next = data.AsSpan(at + 1).IndexOf(magic);
        return next < 0 ? 0 : at + 1 + next;
    }
}
