using Nectar.Links;

namespace Nectar.Programs;

public sealed partial class BpfProgram
{
    /// <summary>
    /// Attaches this iterator (SEC("iter/TARGET")); read the returned link (ReadAll, ReadLines,
    /// ReadRecords, Open) to run it. Map-element targets need <see cref="IteratorOptions.Map"/>,
    /// task targets may name one <see cref="IteratorOptions.ProcessId"/>. <see cref="Attach()"/>
    /// returns the same kind of link, with no options.
    /// </summary>
    public BpfIteratorLink AttachIterator(IteratorOptions? options = null) => IteratorLink.Attach(this, options ?? new IteratorOptions());
}
