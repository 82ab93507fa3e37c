using Nectar.Maps;
using Nectar.Programs;
using Xunit.Sdk;

namespace Nectar.Testing;

/// <summary>An xunit attribute that declares what its test needs; the discoverers of <see cref="RequirementTestCases"/> enforce it.</summary>
public interface IDeclaresRequirements
{
    TestRequirements Requirements { get; }
}

/// <summary>
/// A test that needs a real BPF-capable kernel, and (declared here, not checked by hand) the kernel
/// features and oracle tools it uses: <c>[KernelFact(Attach = [AttachKind.Iterator], Tools = Oracle.Bpftool)]</c>.
/// Where BPF is unusable it is skipped with the reason, or fails under NECTAR_REQUIRE_KERNEL=1 (CI);
/// where the kernel refuses a declared feature it is skipped with the probe's reason (see <see cref="TestRequirements"/>).
/// </summary>
[XunitTestCaseDiscoverer("Nectar.Testing.RequirementFactDiscoverer", "Nectar.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public class KernelFactAttribute : FactAttribute, IDeclaresRequirements
{
    /// <summary>The oracle tools the test starts.</summary>
    public Oracle Tools { get; set; }

    /// <summary>The attach kinds whose programs the test loads and attaches.</summary>
    public AttachKind[] Attach { get; set; } = [];

    /// <summary>Program types the test loads beyond those its attach kinds imply.</summary>
    public ProgramType[] Programs { get; set; } = [];

    /// <summary>Map types the test creates that not every kernel has.</summary>
    public MapType[] Maps { get; set; } = [];

    /// <summary>Iterator targets (iter/TARGET) of the programs the test loads.</summary>
    public string[] Iterators { get; set; } = [];

    public virtual TestRequirements Requirements =>
        KernelNeeds.Of(Tools, Attach, Programs, Maps, Iterators);
}

/// <summary>The data-driven twin of <see cref="KernelFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Nectar.Testing.RequirementTheoryDiscoverer", "Nectar.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public class KernelTheoryAttribute : TheoryAttribute, IDeclaresRequirements
{
    /// <inheritdoc cref="KernelFactAttribute.Tools"/>
    public Oracle Tools { get; set; }

    /// <inheritdoc cref="KernelFactAttribute.Attach"/>
    public AttachKind[] Attach { get; set; } = [];

    /// <inheritdoc cref="KernelFactAttribute.Programs"/>
    public ProgramType[] Programs { get; set; } = [];

    /// <inheritdoc cref="KernelFactAttribute.Maps"/>
    public MapType[] Maps { get; set; } = [];

    /// <inheritdoc cref="KernelFactAttribute.Iterators"/>
    public string[] Iterators { get; set; } = [];

    public virtual TestRequirements Requirements =>
        KernelNeeds.Of(Tools, Attach, Programs, Maps, Iterators);
}

/// <summary>
/// A test that starts an oracle tool but needs no kernel (bpftool on a BTF file, clang on C):
/// skipped where the tool is missing, failing under NECTAR_REQUIRE_ORACLES=1.
/// </summary>
[XunitTestCaseDiscoverer("Nectar.Testing.RequirementFactDiscoverer", "Nectar.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleFactAttribute(Oracle tools) : FactAttribute, IDeclaresRequirements
{
    public Oracle Tools { get; } = tools;

    public TestRequirements Requirements => new() { Tools = Tools };
}

/// <summary>The data-driven twin of <see cref="OracleFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Nectar.Testing.RequirementTheoryDiscoverer", "Nectar.Testing")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class OracleTheoryAttribute(Oracle tools) : TheoryAttribute, IDeclaresRequirements
{
    public Oracle Tools { get; } = tools;

    public TestRequirements Requirements => new() { Tools = Tools };
}

internal static class KernelNeeds
{
    internal static TestRequirements Of(Oracle tools, AttachKind[] attach, ProgramType[] programs, MapType[] maps, string[] iterators) => new()
    {
        Kernel = true,
        Tools = tools,
        AttachKinds = attach,
        ProgramTypes = programs,
        MapTypes = maps,
        Iterators = iterators,
    };
}
