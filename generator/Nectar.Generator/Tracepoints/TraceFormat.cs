using Nectar.Generator.Model;

namespace Nectar.Generator.Tracepoints
{
    /// <summary>
    /// One field line of a tracefs <c>format</c> file. <see cref="CType"/> is the element type with
    /// any array suffix removed; <see cref="ArrayLength"/> is the declared length (0 for none, -1 for
    /// <c>[]</c>); <see cref="DataLoc"/> marks <c>__data_loc</c> (offset and length of a payload
    /// elsewhere in the record) and <see cref="RelLoc"/> the relative form <c>__rel_loc</c>.
    /// </summary>
    internal sealed record TraceFormatField(
        string Declaration,
        string CType,
        string Name,
        int ArrayLength,
        bool DataLoc,
        bool RelLoc,
        int Offset,
        int Size,
        bool Signed,
        bool Common);

    /// <summary>A parsed tracefs <c>events/&lt;system&gt;/&lt;name&gt;/format</c> file.</summary>
    internal sealed record TraceFormat(string Name, int Id, EquatableArray<TraceFormatField> Fields, string PrintFormat);
}
