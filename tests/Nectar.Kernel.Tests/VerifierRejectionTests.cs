using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Kernel.Tests;

public class VerifierRejectionTests
{
    [KernelFact]
    public void Rejected_program_names_the_C_source_line_and_carries_the_whole_log()
    {
        OpenFileDescriptors.AssertNoLeak(() =>
        {
            var error = Assert.Throws<BpfVerifierException>(() => BpfObject.Load(BpfObjects.PathOf("verifier_reject")));

            Assert.Equal("unchecked_lookup", error.Program);
            Assert.Contains("invalid mem access 'map_value_or_null'", error.Log);
            Assert.NotNull(error.SourceLine);
            Assert.StartsWith("bpf/verifier_reject.bpf.c:", error.SourceLine);
            Assert.Contains("*value == 42", error.SourceLine);
            Assert.Contains(error.SourceLine, error.Message);
        });
    }

    [KernelFact]
    public void With_continue_on_failure_the_object_loads_and_says_which_program_failed()
    {
        using var obj = BpfObject.Load(BpfObjects.PathOf("verifier_reject"), new BpfLoadOptions { ContinueOnProgramFailure = true });
        Assert.IsType<BpfVerifierException>(obj.Failures["unchecked_lookup"]);
        var missing = Assert.Throws<KeyNotFoundException>(() => obj.Programs["unchecked_lookup"]);
        Assert.Contains("failed to load", missing.Message);
        Assert.Null(obj.BtfLoadError);
    }
}
