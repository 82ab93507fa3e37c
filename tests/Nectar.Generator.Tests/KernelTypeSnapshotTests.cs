namespace Nectar.Generator.Tests;

public class KernelTypeSnapshotTests
{
    private const string Declarations = """
        [assembly: Nectar.KernelType("task_struct")]
        [assembly: Nectar.KernelType("linux_binprm")]
        """;

    [Fact]
    public void Task_struct_and_linux_binprm_compile_without_warnings_and_match_their_snapshots()
    {
        var (output, diagnostics, driver) = GeneratorHarness.Run([Declarations], GeneratorHarness.VmlinuxPath);
        Assert.Empty(diagnostics.Where(d => d.Severity != Microsoft.CodeAnalysis.DiagnosticSeverity.Info)); // NECTAR022: kernel names that clash (d_name, __d_name)
        Assert.Empty(GeneratorHarness.Problems(output));
        Nectar.Testing.Snapshot.Verify(GeneratorHarness.Generated(driver, "Nectar.Kernel.TaskStruct.g.cs"), "task_struct");
        Nectar.Testing.Snapshot.Verify(GeneratorHarness.Generated(driver, "Nectar.Kernel.LinuxBinprm.g.cs"), "linux_binprm");
        Nectar.Testing.Snapshot.Verify(string.Join("\n", GeneratorHarness.HintNames(driver)) + "\n", "task_struct_linux_binprm.files", "txt");
    }
}
