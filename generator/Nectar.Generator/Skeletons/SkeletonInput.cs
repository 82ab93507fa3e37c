using System;
using System.IO;
using System.Linq;
using Nectar.Generator.Model;
using Nectar.Generator.Pipeline;

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
        private static readonly StampedCache<ObjectContents> Cache = new StampedCache<ObjectContents>(ObjectContents.Read);

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

        public static Loaded<ObjectContents> Load(BtfStamp stamp) => Cache.Load(stamp);
    }
}
