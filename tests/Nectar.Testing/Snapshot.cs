using System.Runtime.CompilerServices;

namespace Nectar.Testing;

/// <summary>
/// Golden-file checks: the expected text lives in Snapshots/NAME.verified.cs beside the calling test
/// file and is compared byte for byte. On a mismatch NAME.received.cs is written next to it (diff
/// the two); with NECTAR_ACCEPT_SNAPSHOTS=1 the received text becomes the verified one instead.
/// </summary>
public static class Snapshot
{
    public static void Verify(string actual, string name, string extension = "cs", [CallerFilePath] string callerFile = "")
    {
        string folder = Path.Combine(Path.GetDirectoryName(SourcePath(callerFile))!, "Snapshots");
        string verified = Path.Combine(folder, name + ".verified." + extension);
        string received = Path.Combine(folder, name + ".received." + extension);
        if (File.Exists(verified) && File.ReadAllText(verified) == actual)
        {
            File.Delete(received);
            return;
        }
        Directory.CreateDirectory(folder);
        if (Environment.GetEnvironmentVariable("NECTAR_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }
        File.WriteAllText(received, actual);
        Assert.Fail(File.Exists(verified)
            ? $"Snapshot '{name}' differs: compare {received} with {verified}; if the change is intended, rerun with NECTAR_ACCEPT_SNAPSHOTS=1."
            : $"Snapshot '{name}' has no verified file yet: review {received}, then rerun with NECTAR_ACCEPT_SNAPSHOTS=1 to accept it.");
    }

    /// <summary>
    /// The caller's source file on disk. A build with source path mapping (PathMap, or
    /// ContinuousIntegrationBuild) records "/_/tests/..." instead of the real path; that is mapped
    /// back onto the checkout that holds tests/fixtures.
    /// </summary>
    private static string SourcePath(string callerFile)
    {
        if (File.Exists(callerFile))
            return callerFile;
        const string mappedRoot = "/_/";
        if (callerFile.StartsWith(mappedRoot, StringComparison.Ordinal))
        {
            string checkout = Path.GetFullPath(Path.Combine(Fixtures.Directory, "..", ".."));
            string mapped = Path.Combine(checkout, callerFile[mappedRoot.Length..]);
            if (File.Exists(mapped))
                return mapped;
        }
        throw new FileNotFoundException($"Snapshot.Verify cannot find the calling test's source file '{callerFile}' to locate its Snapshots folder.");
    }
}
