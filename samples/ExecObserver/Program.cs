using Nectar;

// The exec observer: its BPF program and event loop arrive with the sample issue. Until then it
// checks that this machine can run it, and says what is missing if not.
if (KernelSupport.WhyUnavailable is { } reason)
{
    Console.Error.WriteLine("ExecObserver: " + reason);
    return 1;
}
Console.WriteLine("BPF is usable here.");
return 0;
