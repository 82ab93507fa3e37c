namespace Nectar.Testing;

/// <summary>
/// libbpf's load of an object, as the oracle for Nectar's: `bpftool prog loadall OBJ DIR`
/// (with `pinmaps DIR/maps` when asked), pinned in a bpffs directory of its own. Dispose removes
/// the pins, and with them bpftool's programs and maps.
/// </summary>
public sealed class BpftoolLoad : IDisposable
{
    private BpftoolLoad(string directory) => Directory = directory;

    /// <summary>The bpffs directory holding the pinned programs (by function name) and maps (under maps/).</summary>
    public string Directory { get; }

    /// <summary>Loads every program of <paramref name="objectPath"/> with bpftool; fails the test when bpftool cannot.</summary>
    public static BpftoolLoad LoadAll(string objectPath, bool pinMaps = false)
    {
        var load = new BpftoolLoad(Path.Combine(Nectar.Interop.Pinning.BpffsRoot, $"nectar-bpftool-{Guid.NewGuid():N}"));
        try
        {
            Bpftool.Run(pinMaps
                ? ["prog", "loadall", objectPath, load.Directory, "pinmaps", Path.Combine(load.Directory, "maps")]
                : ["prog", "loadall", objectPath, load.Directory]);
            return load;
        }
        catch
        {
            load.Dispose();
            throw;
        }
    }

    /// <summary>The pin of bpftool's program <paramref name="name"/>.</summary>
    public string Program(string name) => Path.Combine(Directory, name);

    /// <summary>The pin of bpftool's map <paramref name="name"/> (loaded with pinMaps).</summary>
    public string Map(string name) => Path.Combine(Directory, "maps", name);

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Directory))
            System.IO.Directory.Delete(Directory, recursive: true);
    }
}
