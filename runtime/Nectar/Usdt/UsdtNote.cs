namespace Nectar.Usdt;

/// <summary>
/// One USDT probe site, as a stapsdt ELF note describes it (sys/sdt.h's STAP_PROBEn /
/// DTRACE_PROBEn): the provider and probe names, where the probe's nop is, the semaphore that
/// gates it (0 when it has none) and its argument specs ("-4@%eax 8@-8(%rbp)").
/// <see cref="Address"/> is already adjusted against the binary's .stapsdt.base section.
/// </summary>
internal sealed record UsdtNote(string Provider, string Name, ulong Address, ulong BaseAddress, ulong SemaphoreAddress, string Arguments)
{
    /// <summary>"provider:name", as a USDT section names it.</summary>
    public string FullName => $"{Provider}:{Name}";
}
