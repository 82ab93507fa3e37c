using Nectar.Elf;

namespace Nectar.Programs;

/// <summary>
/// The runtime's part of <see cref="BpfObjectSpec"/>: reading a file by path (bounded, Interop/ElfFileReading.cs)
/// and loading. Kept out of Objects/, the pure object model the generator compiles too, which parses images only.
/// </summary>
public sealed partial class BpfObjectSpec
{
    public static BpfObjectSpec Read(string path) => new(ElfFile.Read(path), ObjectName(path));

    /// <summary>Creates the maps, loads the programs; see <see cref="BpfObject.Load(BpfObjectSpec, BpfLoadOptions?)"/>.</summary>
    public BpfObject Load(BpfLoadOptions? options = null) => BpfObject.Load(this, options);
}
