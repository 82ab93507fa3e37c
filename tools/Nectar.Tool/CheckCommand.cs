using System.CommandLine;

namespace Nectar.Tool;

/// <summary>`nectar check`: says whether this machine and user can run BPF, and if not, what to do.</summary>
internal static class CheckCommand
{
    internal static Command Create()
    {
        var command = new Command("check", "Check that BPF is usable here (kernel BTF, privileges, bpf() syscall).");
        command.SetAction(_ =>
        {
            if (KernelSupport.WhyUnavailable is { } reason)
            {
                Console.Error.WriteLine("nectar: " + reason);
                CheckPrivileges.Print(Console.Error);
                return 1;
            }
            Console.WriteLine($"BPF is usable: kernel {Environment.OSVersion.Version}, BTF at {KernelSupport.VmlinuxBtfPath}.");
            CheckPrivileges.Print(Console.Out);
            return 0;
        });
        return command;
    }
}
