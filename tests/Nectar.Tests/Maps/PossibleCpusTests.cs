using Nectar.Maps;

namespace Nectar.Tests.Maps;

public class PossibleCpusTests
{
    [Theory]
    [InlineData("0", 1)]
    [InlineData("0-1\n", 2)]
    [InlineData("0-3,5,7-8", 7)]
    public void Counts_a_kernel_cpu_list(string list, int expected) => Assert.Equal(expected, PossibleCpus.Parse(list));
}
