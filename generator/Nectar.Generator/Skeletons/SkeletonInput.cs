using System;
using System.IO;
using System.Linq;
using Nectar.Btf;
using Nectar.Elf;
using Nectar.Generator.Model;
using Nectar.Generator.Pipeline;
using Nectar.Programs;

namespace Nectar.Generator.Skeletons
{
    /// <summary>
    /// Where [BpfObject] paths are found: the project folder (build_property.MSBuildProjectDirectory) and
    /// the objects the project's &lt;BpfProgram&gt; items build (build_property.NectarBpfObjects, set by
    /// build/Nectar.Generator.props), so a bare file name names one of those. The list is joined with
    /// '|' (an .editorconfig value ends at ';'); ';' is accepted too, for a project that sets it by hand.
    /// </summary>
    internal sealed record ObjectSearch(string? ProjectDirectory, EquatableArray<string> BpfObjects)
    {
        public static ObjectSearch From(string? projectDirectory, string? bpfObjects) => new ObjectSearch(
            string.IsNullOrEmpty(projectDirectory) ? null : projectDirectory,
            (bpfObjects ?? "").Split(new[] { '|', ';' }, StringSplitOptions.RemoveEmptyEntries).Select(p => p.Trim()).Where(p => p.Length > 0).ToEquatableArray());
    }

    /// <summary>The object file a [BpfObject] names: its stamp, and its contents parsed once per stamp.</summary>
    internal static class SkeletonInput
    {
        /// <summary>
        /// Objects as the runtime reads them: BpfObjectSpec (Objects/, compiled in), over the file's bytes
        /// (read here by path, see BtfStamp; the runtime's bounded BpfObjectSpec.Read(path) is not compiled in).
        /// </summary>
        private static readonly StampedCache<BpfObjectSpec> Cache = new StampedCache<BpfObjectSpec>(Read);

        private static BpfObjectSpec Read(string path)
        {
            byte[] image;
            try
            {
#pragma warning disable RS1035 // see BtfStamp: binary inputs are read by path, cached by stamp
                image = File.ReadAllBytes(path);
#pragma warning restore RS1035
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new BtfException($"Cannot read the BPF object '{path}': {e.Message}");
            }
            return Parse(image, path);
        }

        /// <summary>Reads an object's image; bad input throws a <see cref="BpfObjectException"/> (ElfException, BtfException) only.</summary>
        public static BpfObjectSpec Parse(byte[] image, string path)
        {
            if (!ElfFile.IsElf(image))
                throw new BtfException($"'{path}' is not an ELF file; [BpfObject] takes a BPF object compiled with clang -g -target bpf.");
            var spec = BpfObjectSpec.Parse(image, BpfObjectSpec.ObjectName(path));
            if (spec.Btf == null)
                throw new BtfException($"'{path}' has no .BTF section; compile it with clang -g.");
            return spec;
        }

        /// <summary>
        /// Stats the object. A relative path is from the project folder, as NectarBtf's is; a bare file
        /// name that is not there names the object of the project's &lt;BpfProgram&gt; item of that name.
        /// </summary>
        public static BtfStamp Stamp(string path, ObjectSearch search)
        {
            string resolved = Path.IsPathRooted(path) || search.ProjectDirectory == null ? path : Path.Combine(search.ProjectDirectory, path);
            bool bareName = path.IndexOfAny(new[] { '/', '\\' }) < 0;
#pragma warning disable RS1035 // see BtfStamp: binary inputs are read by path
            if (bareName && !File.Exists(resolved) && search.BpfObjects.FirstOrDefault(o => Path.GetFileName(o) == path) is { } built)
                resolved = built;
#pragma warning restore RS1035
            return BtfStamp.Of(resolved, p => $"The BPF object '{p}' ([BpfObject]) does not exist. Build it (bpf/build.sh, or a <BpfProgram> item " +
                "in the project) or correct the path: it is relative to the project folder, and a bare file name may also name the object of a <BpfProgram> item.");
        }

        public static Loaded<BpfObjectSpec> Load(BtfStamp stamp) => Cache.Load(stamp);
    }
}
