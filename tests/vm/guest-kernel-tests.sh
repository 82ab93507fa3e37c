#!/usr/bin/env bash
# The kernel tests .ci/run runs on other kernels, inside a guest of tests/vm/run-on-kernel.sh,
# from the test assembly built on the host (nothing is built in the guest: .NET runs emulated):
#
#   tests/vm/run-on-kernel.sh 'linux-image-6.1.0-*-amd64' -- tests/vm/guest-kernel-tests.sh RESULTS_DIR
#
# First `nectar prog load` of a kprobe and an fentry object, as a user runs it; then the kernel
# tests whose outcome depends on the kernel (below), results in RESULTS_DIR/kernel.trx.
# NECTAR_VM_TESTS=all runs the whole kernel test project instead (several times longer under
# TCG); any other value is a VSTest filter expression (FullyQualifiedName~ExternTests).
set -uo pipefail
cd "$(dirname "$0")/../.."
results=${1:?usage: $0 RESULTS_DIR}
bin=tests/Nectar.Kernel.Tests/bin/Debug/net10.0
[ -f "$bin/Nectar.Kernel.Tests.dll" ] || { echo "no $bin/Nectar.Kernel.Tests.dll: build tests/Nectar.Kernel.Tests on the host first" >&2; exit 2; }
mkdir -p "$results"
status=0

uname -r >"$results/release"
echo "kernel $(uname -r)"
for object in kprobe_counter fentry_counter; do
    echo "\$ nectar prog load bpf/$object.bpf.o"
    dotnet "$bin/Nectar.Tool.dll" prog load "bpf/$object.bpf.o" || status=1
done

# Every attach kind (kprobe/kretprobe, fentry/fexit, tracepoints, raw and BTF tracepoints, uprobes,
# iterators, perf events, XDP, tcx, socket filters, cgroups), CO-RE against this kernel's layouts
# (relocations, bitfields, the exec observer sample), and what differs between kernel versions
# (callbacks, subprograms, externs and kfuncs, ring and perf buffers, maps of maps and tail calls,
# BTF loading and sanitizing, the verifier's log). Left to the host: the CLI's and the map API's
# own behaviour, which is the same on every kernel and each costs a process start here.
classes=(
    AttachKindTests RawTracepointTests UprobeTests
    Iterators.TaskIteratorTests Iterators.MapElementIteratorTests Iterators.IteratorTargetTests
    Iterators.PerfEventSamplingTests
    Network.XdpTests Network.TcxTests Network.SocketFilterTests
    Cgroups.CgroupSocketTests Cgroups.CgroupSectionTests Cgroups.ChildCgroupTests
    CoreRelocationTests CoreBitfieldTests Relocation.CoreRelocationKernelTests
    Samples.ExecObserverTests
    CallbackTests SubprogramTests ExternTests
    Events.RingBufferEventTests Events.PerfBufferEventTests
    MapsOfObjects.TailCallTests MapsOfObjects.MapOfMapsTests
    Btf.BtfHandleTests BtfSanitizerTests VerifierRejectionTests
)
# Tests that start `nectar` as a process for each of several objects (over a minute each under
# TCG) are left out too: the two loads above are that path on this kernel.
filter=()
case ${NECTAR_VM_TESTS:-} in
    all) ;;
    '')
        expression=
        for class in "${classes[@]}"; do
            expression+="${expression:+|}FullyQualifiedName~Nectar.Kernel.Tests.$class."
        done
        filter=("--TestCaseFilter:($expression)&FullyQualifiedName!~.Nectar_prog_load_")
        ;;
    *) filter=("--TestCaseFilter:$NECTAR_VM_TESTS") ;; # a VSTest filter expression of one's own
esac

start=$(date +%s)
dotnet vstest "$bin/Nectar.Kernel.Tests.dll" "${filter[@]}" \
    "--logger:trx;LogFileName=$results/kernel.trx" "--logger:console;verbosity=normal" || status=1
echo "kernel tests on $(uname -r): $(($(date +%s) - start)) s"
exit "$status"
