namespace Nectar.Events;

/// <summary>
/// The memory layout of a perf event ring (include/uapi/linux/perf_event.h): a metadata page
/// (struct perf_event_mmap_page) followed by a power-of-two number of data pages holding
/// records, each starting with struct perf_event_header { u32 type; u16 misc; u16 size; }.
/// Unlike a BPF ring buffer, the data pages are mapped once: a record may wrap past the end.
/// </summary>
internal static class PerfLayout
{
    internal const int DataHeadOffset = 1024;
    internal const int DataTailOffset = 1032;
    internal const int DataOffsetOffset = 1040;
    internal const int DataSizeOffset = 1048;

    internal const int HeaderSize = 8;

    /// <summary>PERF_RECORD_LOST: { header; u64 id; u64 lost; }.</summary>
    internal const uint RecordLost = 2;

    /// <summary>PERF_RECORD_SAMPLE with PERF_SAMPLE_RAW: { header; u32 size; u8 data[size]; }.</summary>
    internal const uint RecordSample = 9;
}
