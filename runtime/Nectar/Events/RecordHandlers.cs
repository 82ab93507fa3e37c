namespace Nectar.Events;

/// <summary>
/// Receives one record, in place in the mapped buffer: the span is valid only during the call.
/// Copy what must outlive it.
/// </summary>
public delegate void RecordHandler(ReadOnlySpan<byte> record);

/// <summary>
/// Receives one record as a read-only reference to a blittable struct laid over the mapped
/// buffer, valid only during the call. Records shorter than <typeparamref name="T"/> are refused
/// with an <see cref="EventSizeException"/>.
/// </summary>
public delegate void RecordHandler<T>(ref readonly T record) where T : unmanaged;

/// <summary>Receives one perf buffer sample, in place (or from a scratch copy when it wrapped), from <paramref name="cpu"/>.</summary>
public delegate void PerfSampleHandler(int cpu, ReadOnlySpan<byte> sample);

/// <summary>Told how many samples <paramref name="cpu"/>'s perf buffer lost because it was full.</summary>
public delegate void LostSamplesHandler(int cpu, ulong lost);
