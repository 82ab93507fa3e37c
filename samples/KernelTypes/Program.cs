// Kernel types and tracepoint arguments as C#, generated at build time from BTF (see the .csproj).
using System.Runtime.CompilerServices;
using Nectar.Kernel;

[assembly: Nectar.KernelType("task_struct")]
[assembly: Nectar.KernelType("linux_binprm")]

Console.WriteLine($"struct {TaskStruct.BtfName}: {Unsafe.SizeOf<TaskStruct>()} bytes; struct {LinuxBinprm.BtfName}: {Unsafe.SizeOf<LinuxBinprm>()} bytes");
Console.WriteLine($"sched_process_exec raw tracepoint: {SchedProcessExecArgs.ArgumentCount} arguments, {Unsafe.SizeOf<SchedProcessExecArgs>()} bytes");
Console.WriteLine($"{SchedProcessExecRecord.TracepointName}: {Unsafe.SizeOf<SchedProcessExecRecord>()}-byte record before its payloads");

// A record as a BPF program would receive it: header, filename's __data_loc word, pid, old_pid, payload.
byte[] record = new byte[32];
BitConverter.GetBytes((uint)((8 << 16) | 20)).CopyTo(record, 8); // 8 bytes at offset 20
BitConverter.GetBytes(1234).CopyTo(record, 12);
"/bin/ls\0"u8.CopyTo(record.AsSpan(20));
var exec = System.Runtime.InteropServices.MemoryMarshal.Read<SchedProcessExecRecord>(record);
Console.WriteLine($"decoded: pid {exec.Pid}, filename {exec.GetFilenameText(record)}");

/// <summary>The arguments of the sched_process_exec raw tracepoint: P, OldPid, Bprm.</summary>
[Nectar.RawTracepoint("sched_process_exec")]
internal partial struct SchedProcessExecArgs;

/// <summary>The record of tracepoint/sched/sched_process_exec.</summary>
[Nectar.Tracepoint("sched", "sched_process_exec")]
internal partial struct SchedProcessExecRecord;
