using Nectar.Privileges;

namespace Nectar.Tool;

/// <summary>The privileges part of `nectar check`: what works with this process's capabilities and tracefs access, and how to grant the rest to one app.</summary>
internal static class CheckPrivileges
{
    public static void Print(TextWriter output)
    {
        var lines = PrivilegeReport.Analyze(PrivilegeFacts.OfCurrentProcess());
        output.WriteLine("With this process's privileges:");
        foreach (PrivilegeLine line in lines)
            output.WriteLine("  " + (line.Works ? "yes" : "no ") + "  " + line.Feature + ": " + line.Why);
        foreach (string advice in PrivilegeReport.HowToGrant(lines))
            output.WriteLine(advice);
    }
}
