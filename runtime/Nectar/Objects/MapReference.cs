namespace Nectar.Programs;

/// <summary>
/// An ld_imm64 of a program that names a map: its fd (<see cref="ValueOffset"/> null) or the
/// address of its value plus an offset (global data). The loader patches the fd in.
/// </summary>
public sealed record MapReference(int Instruction, string MapName, int? ValueOffset);
