using Nectar.Programs;
using Nectar.Testing;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Nectar.Tests.Testing;

/// <summary>
/// The discoverers behind [KernelFact]/[KernelTheory], run in-process as xunit runs them: on a
/// made-up machine, a test is discovered, run through xunit's own test case runner, and the
/// messages it sends say whether it passed, was skipped or failed, and why.
/// </summary>
public class RequirementDiscoveryTests
{
    /// <summary>The tests under test. xunit does not look for tests in an abstract class, so only these tests run them.</summary>
    public abstract class Subject
    {
        public static int Runs;

        [KernelFact]
        public static void Kernel() => Interlocked.Increment(ref Runs);

        [KernelFact(Attach = [AttachKind.Fentry], Tools = Oracle.Bpftool)]
        public static void FentryAndBpftool() => Interlocked.Increment(ref Runs);

        [KernelTheory]
        [InlineData(1)]
        public static void KernelTheory(int increment) => Interlocked.Add(ref Runs, increment);

        [OracleFact(Oracle.Bpftool)]
        public static void Bpftool() => Interlocked.Increment(ref Runs);
    }

    [Fact]
    public async Task Under_NECTAR_REQUIRE_KERNEL_a_kernel_fact_fails_with_the_reason_when_BPF_is_unusable()
    {
        var machine = new FakeEnvironment { KernelRequired = true, WhyBpfUnusable = "bpf() refused: EPERM" };
        int before = Subject.Runs;
        var messages = await RunAll(DiscoverFact(machine, nameof(Subject.Kernel)));
        var failed = Assert.Single(messages.OfType<ITestFailed>());
        Assert.Contains("NECTAR_REQUIRE_KERNEL=1 but BPF is not usable: bpf() refused: EPERM", failed.Messages[0]);
        Assert.Empty(messages.OfType<ITestPassed>());
        Assert.Equal(before, Subject.Runs);
    }

    [Fact]
    public async Task Under_NECTAR_REQUIRE_KERNEL_a_kernel_theory_fails_too()
    {
        var machine = new FakeEnvironment { KernelRequired = true, WhyBpfUnusable = "no BTF" };
        var method = MethodOf(nameof(Subject.KernelTheory));
        var testCases = new RequirementTheoryDiscoverer(new NullMessageSink()) { Environment = machine }
            .Discover(new DiscoveryOptions(), method, method.Method.GetCustomAttributes(typeof(TheoryAttribute)).Single());
        var failed = Assert.Single((await RunAll(testCases)).OfType<ITestFailed>());
        Assert.Contains("BPF is not usable: no BTF", failed.Messages[0]);
    }

    [Fact]
    public async Task Without_the_requirement_the_test_is_skipped_with_the_reason_and_never_runs()
    {
        int before = Subject.Runs;
        var messages = await RunAll(DiscoverFact(new FakeEnvironment { WhyBpfUnusable = "not root" }, nameof(Subject.Kernel)));
        Assert.Equal("BPF is not usable here: not root", Assert.Single(messages.OfType<ITestSkipped>()).Reason);
        Assert.Equal(before, Subject.Runs);
    }

    [Fact]
    public async Task A_refused_feature_skips_even_under_NECTAR_REQUIRE_KERNEL()
    {
        var machine = new FakeEnvironment { KernelRequired = true, Refused = { ["Fentry"] = "EPERM (Operation not permitted)" } };
        var messages = await RunAll(DiscoverFact(machine, nameof(Subject.FentryAndBpftool)));
        Assert.Equal("this kernel refuses attach_kind Fentry: EPERM (Operation not permitted)", Assert.Single(messages.OfType<ITestSkipped>()).Reason);
    }

    [Fact]
    public async Task Where_everything_is_available_the_test_runs()
    {
        int before = Subject.Runs;
        var messages = await RunAll(DiscoverFact(new FakeEnvironment { KernelRequired = true }, nameof(Subject.FentryAndBpftool)));
        Assert.Single(messages.OfType<ITestPassed>());
        Assert.Equal(before + 1, Subject.Runs);
    }

    [Fact]
    public void A_skipped_test_case_keeps_its_reason_through_serialization()
    {
        var testCase = Assert.Single(DiscoverFact(new FakeEnvironment { Installed = Oracle.None }, nameof(Subject.Bpftool)));
        var copy = SerializationHelper.Deserialize<IXunitTestCase>(SerializationHelper.Serialize(testCase))!;
        Assert.Equal("bpftool is not installed (apt-get install bpftool); CI installs it and sets NECTAR_REQUIRE_ORACLES=1", copy.SkipReason);
    }

    private static IEnumerable<IXunitTestCase> DiscoverFact(ITestEnvironment machine, string name)
    {
        var method = MethodOf(name);
        return new RequirementFactDiscoverer(new NullMessageSink()) { Environment = machine }
            .Discover(new DiscoveryOptions(), method, method.Method.GetCustomAttributes(typeof(FactAttribute)).Single());
    }

    /// <summary>xunit's defaults for every discovery option.</summary>
    private sealed class DiscoveryOptions : ITestFrameworkDiscoveryOptions
    {
        public TValue GetValue<TValue>(string name) => default!;

        public void SetValue<TValue>(string name, TValue value) { }
    }

    private static TestMethod MethodOf(string name)
    {
        var assembly = new TestAssembly(Reflector.Wrap(typeof(Subject).Assembly));
        var testClass = new TestClass(new TestCollection(assembly, null, "requirement discovery"), Reflector.Wrap(typeof(Subject)));
        return new TestMethod(testClass, Reflector.Wrap(typeof(Subject).GetMethod(name)!));
    }

    private static async Task<List<IMessageSinkMessage>> RunAll(IEnumerable<IXunitTestCase> testCases)
    {
        using var bus = new RecordingBus();
        foreach (var testCase in testCases)
            await testCase.RunAsync(new NullMessageSink(), bus, [], new ExceptionAggregator(), new CancellationTokenSource());
        return bus.Messages;
    }

    private sealed class RecordingBus : IMessageBus
    {
        public List<IMessageSinkMessage> Messages { get; } = [];

        public bool QueueMessage(IMessageSinkMessage message)
        {
            lock (Messages)
                Messages.Add(message);
            return true;
        }

        public void Dispose() { }
    }
}
