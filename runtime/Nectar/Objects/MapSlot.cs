using System;
namespace Nectar.Maps;

/// <summary>
/// A slot of a program array or map of maps that the object's static initializer fills:
/// `.values = { [Index] = &amp;Target }`. <see cref="Target"/> names a program of the object (program
/// arrays) or another map of it (maps of maps); the loader stores its fd there at load.
/// </summary>
public sealed record MapSlot(uint Index, string Target);
