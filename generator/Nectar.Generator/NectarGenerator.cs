using Microsoft.CodeAnalysis;

namespace Nectar.Generator
{
    /// <summary>Emits C# for kernel types and tracepoint arguments from BTF.</summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NectarGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
        }
    }
}
