using Nectar.Generator.Model;

namespace Nectar.Generator.Skeletons
{
    /// <summary><c>[RingBufferEvent("events", "event")]</c>: ring buffer map <c>events</c> carries <c>struct event</c> records.</summary>
    internal sealed record RingBufferEventRequest(string Map, string Struct);

    /// <summary>
    /// <c>[BpfObject("bpf/x.bpf.o")] partial class X;</c>: the object's path as written (relative to the
    /// project folder), the class the skeleton goes into, its ring buffer event types and any more
    /// types asked for by name.
    /// </summary>
    internal sealed record SkeletonRequest(string ObjectPath, TargetStruct Target, EquatableArray<RingBufferEventRequest> RingBufferEvents,
        EquatableArray<string> Types, SourceKey? Source)
    {
        /// <summary>[BpfObject(..., Embed = true)]: Open() reads the object from the assembly's resources.</summary>
        public bool Embed { get; init; }
    }

    /// <summary>A [BpfObject] class as plain values, or why it cannot hold a skeleton.</summary>
    internal sealed record SkeletonDeclaration(SkeletonRequest? Request, CodegenDiagnostic? Problem);
}
