#if NETSTANDARD2_0
namespace System.Runtime.CompilerServices
{
    // Lets records and init-only setters compile for netstandard2.0, where the generator
    // builds the shared sources (Btf/). .NET 10 has the type itself.
    internal static class IsExternalInit { }
}
#endif
