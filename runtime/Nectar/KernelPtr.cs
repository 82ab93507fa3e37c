// This file is also embedded in the Nectar generator, which adds it to a
// compilation that uses generated kernel types without referencing the Nectar runtime. Keep it
// self-contained: no implicit usings, nothing outside the BCL.

namespace Nectar
{
    /// <summary>
    /// A kernel address of a <typeparamref name="T"/>, as found in kernel structs and tracepoint
    /// arguments. Blittable (8 bytes); user space never dereferences it: read what it points to in
    /// the BPF program, or pass it back to the kernel.
    /// </summary>
    public readonly struct KernelPtr<T> : global::System.IEquatable<KernelPtr<T>>
    {
        /// <summary>The kernel virtual address (0 for NULL).</summary>
        public readonly ulong Address;

        public KernelPtr(ulong address) => Address = address;

        public bool IsNull => Address == 0;

        /// <summary>The same address without its pointee type.</summary>
        public KernelPtr Untyped => new KernelPtr(Address);

        public bool Equals(KernelPtr<T> other) => Address == other.Address;

        public override bool Equals(object? obj) => obj is KernelPtr<T> other && Equals(other);

        public override int GetHashCode() => Address.GetHashCode();

        public override string ToString() => "0x" + Address.ToString("x16");

        public static bool operator ==(KernelPtr<T> left, KernelPtr<T> right) => left.Address == right.Address;

        public static bool operator !=(KernelPtr<T> left, KernelPtr<T> right) => left.Address != right.Address;
    }

    /// <summary>
    /// A kernel address whose pointee is not a generated type (void *, function pointers, or types
    /// not requested). Blittable (8 bytes); never dereferenced in user space.
    /// </summary>
    public readonly struct KernelPtr : global::System.IEquatable<KernelPtr>
    {
        /// <summary>The kernel virtual address (0 for NULL).</summary>
        public readonly ulong Address;

        public KernelPtr(ulong address) => Address = address;

        public bool IsNull => Address == 0;

        public bool Equals(KernelPtr other) => Address == other.Address;

        public override bool Equals(object? obj) => obj is KernelPtr other && Equals(other);

        public override int GetHashCode() => Address.GetHashCode();

        public override string ToString() => "0x" + Address.ToString("x16");

        public static bool operator ==(KernelPtr left, KernelPtr right) => left.Address == right.Address;

        public static bool operator !=(KernelPtr left, KernelPtr right) => left.Address != right.Address;
    }
}
