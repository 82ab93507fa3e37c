using System;

namespace Nectar;

/// <summary>
/// The base of every error Nectar raises on its own account, so one catch takes them all. Three
/// kinds below it say whose fault it is: <see cref="BpfObjectException"/> (the object, its BTF or
/// what it asks of this kernel: fix the object), <c>BpfException</c> (the kernel refused a call,
/// with its errno) and its <c>BpfPermissionException</c> (this process may not use BPF here).
/// Argument errors stay <see cref="ArgumentException"/>s. Compiled into the generator too, as the
/// base of the object faults it shares with the runtime.
/// </summary>
public abstract class NectarException : Exception
{
    protected NectarException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>
/// The BPF object (its ELF, BTF, CO-RE relocations or externs) is malformed or asks what cannot be
/// given: the fix is in the object or how it was compiled, not in the kernel or the caller.
/// </summary>
public abstract class BpfObjectException : NectarException
{
    protected BpfObjectException(string message, Exception? inner = null) : base(message, inner) { }
}
