using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Nectar.Maps;

namespace Nectar.Events;

/// <summary>Ring buffer records as an asynchronous stream of copies, for code that prefers await foreach to handlers.</summary>
public static class RingBufferStreams
{
    /// <summary>
    /// Streams copies of the records of ring buffer map <paramref name="ringBuffer"/> as
    /// <typeparamref name="T"/>, polled on a dedicated thread. Up to <paramref name="capacity"/>
    /// copies wait for the reader; beyond that the poller waits, the ring fills and the BPF
    /// program's reservations fail, which it can count. Ends when the token is cancelled.
    /// </summary>
    public static async IAsyncEnumerable<T> ReadAllAsync<T>(this BpfMap ringBuffer, int capacity = 4096,
        [EnumeratorCancellation] CancellationToken cancellationToken = default) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var poller = new EventPoller();
        Task pumping;
        try
        {
            var writer = channel.Writer;
            poller.Add(ringBuffer, (ref readonly T record) =>
            {
                if (!writer.TryWrite(record))
                    writer.WriteAsync(record, stop.Token).AsTask().GetAwaiter().GetResult();
            });
            pumping = poller.RunAsync(stop.Token).ContinueWith(
                task => writer.TryComplete(task.IsFaulted ? task.Exception!.InnerException : null),
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        catch
        {
            poller.Dispose();
            throw;
        }
        try
        {
            await foreach (var record in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return record;
        }
        finally
        {
            stop.Cancel();
            await pumping.ConfigureAwait(false);
            poller.Dispose();
        }
    }
}
