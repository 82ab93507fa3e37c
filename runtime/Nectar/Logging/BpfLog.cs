using Microsoft.Extensions.Logging;
using Nectar.Programs;

namespace Nectar.Logging;

/// <summary>The names nectar_log.h gives its map and variables, and the minimum level set before load.</summary>
public static class BpfLog
{
    /// <summary>The ring buffer the records are written to.</summary>
    public const string RingMap = "nectar_log";

    /// <summary>The `const volatile` minimum level: records below it are never produced.</summary>
    public const string MinimumLevelVariable = "nectar_log_min_level";

    /// <summary>The count of records lost to a full ring.</summary>
    public const string LostVariable = "nectar_log_lost";

    /// <summary>
    /// Sets the level below which the object's nectar_log_*() calls produce nothing. It is a
    /// read-only global, so the verifier removes those calls: set it before loading.
    /// <see cref="LogLevel.None"/> silences them all.
    /// </summary>
    public static void SetMinimumLevel(BpfObjectSpec spec, LogLevel level)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Variables.TryGetValue(MinimumLevelVariable, out var variable))
            throw new ArgumentException($"BPF object '{spec.Name}' has no '{MinimumLevelVariable}': include nectar_log.h in its source.", nameof(spec));
        variable.Set((uint)level);
    }
}
