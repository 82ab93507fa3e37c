using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nectar.Testing;

/// <summary>
/// Discovers a [KernelFact]/[OracleFact] test as what its requirements decide on this machine:
/// the ordinary test case when it can run; a test case skipped with the reason; or a test case that
/// fails with the reason (xunit's ExecutionErrorTestCase) when CI requires what is missing. The
/// decision is made once per test run at discovery, so no test body has to check anything.
/// </summary>
public sealed class RequirementFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <summary>Where requirements are checked; tests of this discoverer give it a fake machine.</summary>
    public ITestEnvironment Environment { get; init; } = MachineEnvironment.Instance;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        RequirementTestCases.Decided(RequirementTestCases.Decide(factAttribute, Environment), DiagnosticMessageSink, discoveryOptions, testMethod)
        ?? base.Discover(discoveryOptions, testMethod, factAttribute);
}

/// <summary>The theory counterpart of <see cref="RequirementFactDiscoverer"/>: a skipped or failing theory is one test case, as xunit makes a skipped theory.</summary>
public sealed class RequirementTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc cref="RequirementFactDiscoverer.Environment"/>
    public ITestEnvironment Environment { get; init; } = MachineEnvironment.Instance;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        RequirementTestCases.Decided(RequirementTestCases.Decide(theoryAttribute, Environment), DiagnosticMessageSink, discoveryOptions, testMethod)
        ?? base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

public static class RequirementTestCases
{
    /// <summary>What the attribute's declared requirements decide in <paramref name="environment"/>.</summary>
    public static TestDecision Decide(IAttributeInfo attribute, ITestEnvironment environment) =>
        attribute is IReflectionAttributeInfo { Attribute: IDeclaresRequirements declared }
            ? declared.Requirements.Decide(environment)
            : TestDecision.Run;

    /// <summary>The one test case a skip or fail decision makes; null when the test runs as usual.</summary>
    public static IXunitTestCase[]? Decided(TestDecision decision, IMessageSink sink, ITestFrameworkDiscoveryOptions options, ITestMethod method)
    {
        var display = options.MethodDisplayOrDefault();
        var displayOptions = options.MethodDisplayOptionsOrDefault();
        return decision.Outcome switch
        {
            TestOutcome.Skip => [new RequirementSkippedTestCase(sink, display, displayOptions, method, decision.Reason)],
            TestOutcome.Fail => [new ExecutionErrorTestCase(sink, display, displayOptions, method, decision.Reason)],
            _ => null,
        };
    }
}

/// <summary>A test case skipped for a reason its requirements gave (not the attribute's Skip), kept across serialization.</summary>
public sealed class RequirementSkippedTestCase : XunitTestCase
{
    private string _reason = "";

    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public RequirementSkippedTestCase() { }

    public RequirementSkippedTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions displayOptions, ITestMethod method, string reason)
        : base(sink, display, displayOptions, method) => _reason = reason;

    protected override string GetSkipReason(IAttributeInfo factAttribute) => _reason;

    public override void Serialize(IXunitSerializationInfo data)
    {
        base.Serialize(data);
        data.AddValue("RequirementSkipReason", _reason);
    }

    public override void Deserialize(IXunitSerializationInfo data)
    {
        _reason = data.GetValue<string>("RequirementSkipReason");
        base.Deserialize(data);
    }
}
