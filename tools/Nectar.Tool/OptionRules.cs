using System.CommandLine;

namespace Nectar.Tool;

/// <summary>
/// Argument rules checked at parse time, before any verb loads anything: a value outside its
/// range is a one-line parse error and exit 1, never a silent clamp or a crash halfway.
/// </summary>
internal static class OptionRules
{
    /// <summary>Adds a rule: a value given on the command line must satisfy <paramref name="valid"/>; <paramref name="rule"/> says what it must be.</summary>
    internal static Option<T> Require<T>(this Option<T> option, Func<T, bool> valid, string rule)
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0)
                return; // the default, not the user's
            T value;
            try
            {
                value = result.GetValueOrDefault<T>()!;
            }
            catch (InvalidOperationException)
            {
                return; // not even of the type: the parser reports that itself
            }
            if (!valid(value))
                result.AddError($"{option.Name} {rule}; got '{string.Join(' ', result.Tokens.Select(t => t.Value))}'.");
        });
        return option;
    }
}
