#!/usr/bin/env bash
# The kernel tests .ci/run runs on other kernels, inside a guest of tests/vm/run-on-kernel.sh,
# from the test assembly built on the host (nothing is built in the guest: .NET runs emulated):
#
#   tests/vm/run-on-kernel.sh 'linux-image-6.1.0-*-amd64' -- tests/vm/guest-kernel-tests.sh RESULTS_DIR
#
# First `nectar prog load` of a kprobe and an fentry object, as a user runs it, and how many of the
# kernel's raw tracepoints `nectar tracepoints` names from BTF alone (RESULTS_DIR/tracepoint-names);
# then the kernel tests whose outcome depends on the kernel (below), results in RESULTS_DIR/kernel.trx.
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

# How many of this kernel's raw tracepoints BTF names (__traceiter_*, else __bpf_trace_<class>),
# without headers: one line per tracepoint, ending in where its names came from.
echo "\$ nectar tracepoints"
if dotnet "$bin/Nectar.Tool.dll" tracepoints >"$results/tracepoints.txt"; then
    awk '{ n++ } /\/\/ names: __traceiter_/ { t++ } /\/\/ names: __bpf_trace_/ { c++ } /\/\/ names: none/ { u++ }
        END { printf "raw tracepoints named from BTF on %s: %d of %d (%.1f%%; __traceiter_ %d, __bpf_trace_ %d, unnamed %d)\n",
              release, t + c, n, n ? 100 * (t + c) / n : 0, t, c, u }' release="$(uname -r)" "$results/tracepoints.txt" | tee "$results/tracepoint-names"
else
    status=1
fi

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
    LibbpfCompat.UprobeMultiTests
    KernelFeatureTests.The_iterator_probes_agree_with_loading_a_real_iterator_object
    KernelFeatureTests.The_uprobe_multi_probe_agrees_with_attaching_a_real_uprobe_multi_program
    CoreRelocationTests CoreBitfieldTests Relocation.CoreRelocationKernelTests
    Samples.ExecObserverTests Layouts.BprmSnapshotTests
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
            # A class ends with a dot (not a prefix of another class's name); a test method
            # (its name has underscores) stands as it is.
            [[ ${class##*.} == *_* ]] || class+=.
            expression+="${expression:+|}FullyQualifiedName~Nectar.Kernel.Tests.$class"
        done
        filter=("--TestCaseFilter:($expression)&FullyQualifiedName!~.Nectar_prog_load_")
        ;;
    *) filter=("--TestCaseFilter:$NECTAR_VM_TESTS") ;; # a VSTest filter expression of one's own
esac

# A watchdog for diagnosis (NECTAR_VM_WATCHDOG=SECONDS): every SECONDS, the processes, their
# threads' kernel stacks and the sockets go to RESULTS_DIR/watchdog.log.
if [ -n "${NECTAR_VM_WATCHDOG:-}" ]; then
    (
        while sleep "$NECTAR_VM_WATCHDOG"; do
            {
                echo "=== $(date +%T) uptime $(cut -d' ' -f1 /proc/uptime)"
                ps -eo pid,ppid,stat,etime,time,wchan:30,args | cut -c1-200
                for pid in $(pgrep -f 'dotnet|testhost'); do
                    for task in /proc/$pid/task/*; do
                        echo "--- $pid/${task##*/} $(cat "$task/comm" 2>/dev/null) $(cat "$task/wchan" 2>/dev/null)"
                        cat "$task/stack" 2>/dev/null | head -12
                    done
                done
                ss -tanp 2>/dev/null | head -30
                ip -d link show lo
                bpftool prog show 2>/dev/null | tail -20
            } >>"$results/watchdog.log" 2>&1
        done
    ) &
    watchdog=$!
fi

# A test that runs longer than NECTAR_VM_TEST_TIMEOUT (default 5 minutes; the slowest take under a
# minute in a guest) is a hang: VSTest stops the test host and fails the run naming that test.
start=$(date +%s)
# VSTest waits 90 s for its test host to connect by default; an emulated .NET start on a busy host
# once took longer (the run aborted with no results).
export VSTEST_CONNECTION_TIMEOUT=${VSTEST_CONNECTION_TIMEOUT:-600}
dotnet vstest "$bin/Nectar.Kernel.Tests.dll" "${filter[@]}" \
    "--Blame:CollectHangDump;HangDumpType=None;TestTimeout=${NECTAR_VM_TEST_TIMEOUT:-300}s" \
    "--logger:trx;LogFileName=$results/kernel.trx" "--logger:console;verbosity=normal" || status=1
echo "kernel tests on $(uname -r): $(($(date +%s) - start)) s"
# A class or test of the list that ran nothing was renamed or moved: say so, and fail.
if ! grep -q "<UnitTestResult " "$results/kernel.trx" 2>/dev/null; then
    echo "the kernel test run left no test results"
    status=1
elif [ -z "${NECTAR_VM_TESTS:-}" ]; then
    for class in "${classes[@]}"; do
        grep -q "testName=\"Nectar\.Kernel\.Tests\.${class//./\\.}" "$results/kernel.trx" ||
            { echo "no test of Nectar.Kernel.Tests.$class ran: renamed or moved? (tests/vm/guest-kernel-tests.sh lists it)"; status=1; }
    done
fi
[ -z "${watchdog:-}" ] || kill "$watchdog" 2>/dev/null
exit "$status"
