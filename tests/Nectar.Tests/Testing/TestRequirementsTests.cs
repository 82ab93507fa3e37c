using Nectar.Maps;
using Nectar.Programs;
using Nectar.Testing;

namespace Nectar.Tests.Testing;

/// <summary>The rule that turns a test's declared needs into run, skip or fail (see TestRequirements).</summary>
public class TestRequirementsTests
{
    private static readonly TestRequirements KernelTest = new() { Kernel = true };

    [Fact]
    public void A_kernel_test_runs_where_BPF_is_usable()
    {
        Assert.Equal(TestDecision.Run, KernelTest.Decide(new FakeEnvironment()));
    }

    [Fact]
    public void Where_BPF_is_unusable_a_kernel_test_skips_with_the_reason_and_probes_nothing()
    {
        var machine = new FakeEnvironment { WhyBpfUnusable = "not root" };
        var decision = (KernelTest with { AttachKinds = [AttachKind.Iterator] }).Decide(machine);
        Assert.Equal(TestOutcome.Skip, decision.Outcome);
        Assert.Equal("BPF is not usable here: not root", decision.Reason);
        Assert.Equal(0, machine.Probes);
    }

    [Fact]
    public void Under_NECTAR_REQUIRE_KERNEL_an_unusable_BPF_fails_the_test()
    {
        var decision = KernelTest.Decide(new FakeEnvironment { WhyBpfUnusable = "not root", KernelRequired = true });
        Assert.Equal(TestOutcome.Fail, decision.Outcome);
        Assert.Equal("NECTAR_REQUIRE_KERNEL=1 but BPF is not usable: not root", decision.Reason);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_feature_the_kernel_refuses_skips_the_test_even_when_the_kernel_is_required(bool required)
    {
        var machine = new FakeEnvironment { KernelRequired = required, Refused = { ["bpf_map_elem"] = "EPERM (Operation not permitted)" } };
        var decision = (KernelTest with { AttachKinds = [AttachKind.Iterator], Iterators = ["task", "bpf_map_elem"] }).Decide(machine);
        Assert.Equal(TestOutcome.Skip, decision.Outcome);
        Assert.Equal("this kernel refuses iter_target bpf_map_elem: EPERM (Operation not permitted)", decision.Reason);
    }

    [Fact]
    public void Every_declared_feature_is_asked_about_and_the_test_runs_when_all_are_available()
    {
        var machine = new FakeEnvironment { Refused = { ["Kprobe"] = "no kprobe PMU" } };
        var needs = KernelTest with { AttachKinds = [AttachKind.Tcx], ProgramTypes = [ProgramType.Xdp], MapTypes = [MapType.RingBuf], Iterators = ["task"] };
        Assert.Equal(TestDecision.Run, needs.Decide(machine));
        Assert.Equal(4, machine.Probes);
    }

    [Fact]
    public void A_kernel_refusal_no_probe_covers_skips_the_test()
    {
        var needs = KernelTest with { KernelRefusal = () => "Linux 6.1 cannot map its BTF" };
        Assert.Equal(TestDecision.Skip("Linux 6.1 cannot map its BTF"), needs.Decide(new FakeEnvironment { KernelRequired = true }));
    }

    [Fact]
    public void A_missing_oracle_skips_naming_the_tool_and_how_to_install_it()
    {
        var decision = new TestRequirements { Tools = Oracle.Bpftool | Oracle.LlvmReadelf }.Decide(new FakeEnvironment { Installed = Oracle.Bpftool });
        Assert.Equal(TestOutcome.Skip, decision.Outcome);
        Assert.Equal("llvm-readelf-16 is not installed (apt-get install llvm-16); CI installs it and sets NECTAR_REQUIRE_ORACLES=1", decision.Reason);
    }

    [Fact]
    public void Under_NECTAR_REQUIRE_ORACLES_a_missing_oracle_fails_the_test()
    {
        var decision = new TestRequirements { Tools = Oracle.Clang }.Decide(new FakeEnvironment { Installed = Oracle.None, OraclesRequired = true });
        Assert.Equal(TestDecision.Fail("NECTAR_REQUIRE_ORACLES=1 but clang-16 is not installed (apt-get install clang-16 llvm-16 libbpf-dev)"), decision);
    }

    [Fact]
    public void NECTAR_REQUIRE_KERNEL_alone_does_not_require_the_oracles()
    {
        var decision = (KernelTest with { Tools = Oracle.Bpftool }).Decide(new FakeEnvironment { Installed = Oracle.None, KernelRequired = true });
        Assert.Equal(TestOutcome.Skip, decision.Outcome);
    }

    [Fact]
    public void The_attributes_declare_what_they_are_given()
    {
        var fact = new KernelFactAttribute { Attach = [AttachKind.Uprobe], Tools = Oracle.LlvmObjdump, Iterators = ["task"] }.Requirements;
        Assert.True(fact.Kernel);
        Assert.Equal([AttachKind.Uprobe], fact.AttachKinds);
        Assert.Equal(Oracle.LlvmObjdump, fact.Tools);
        Assert.Equal(["task"], fact.Iterators);
        var oracle = new OracleTheoryAttribute(Oracle.Clang).Requirements;
        Assert.False(oracle.Kernel);
        Assert.Equal(Oracle.Clang, oracle.Tools);
    }
}
