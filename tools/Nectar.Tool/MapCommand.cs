using System.CommandLine;
using Nectar.Programs;

namespace Nectar.Tool;

/// <summary>`nectar map list`: the maps in the kernel, as `bpftool map list` lists them; `nectar map dump ID` (MapDumpCommand); `nectar map watch ID` (MapWatchCommand).</summary>
internal static class MapCommand
{
    internal static Command Create()
    {
        var list = new Command("list", "List the BPF maps in the kernel: id, type, name, key and value sizes, entries, flags.");
        list.SetAction(_ => List());
        var command = new Command("map", "Inspect the BPF maps in the kernel.");
        command.Subcommands.Add(list);
        command.Subcommands.Add(MapDumpCommand.Create());
        command.Subcommands.Add(MapWatchCommand.Create());
        return command;
    }

    /// <summary>`nectar map list`; it takes no options, so <see cref="NectarCommand.TryRunDirectly"/> runs it without a parse.</summary>
    internal static int List()
    {
        Table.Print(["id", "type", "name", "key", "value", "entries", "flags"],
            KernelObjects.Maps(), m =>
            [
                m.Id.ToString(), m.TypeName, m.Name, m.KeySize.ToString(), m.ValueSize.ToString(), m.MaxEntries.ToString(), $"0x{(uint)m.Flags:x}",
            ]);
        return 0;
    }
}
