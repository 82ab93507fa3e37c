#!/bin/bash
# PID 1 of a guest booted by tests/vm/run-on-kernel.sh, run by the host's bash from the host's
# root file system (9p, read-only, under a tmpfs overlay). Mounts what BPF programs and their tests
# use, brings the loopback interface up (vstest talks to its test host over 127.0.0.1), puts the
# kernel package's config where libbpf and Nectar look for it, then runs the command the host
# asked for in the host's working directory with the host's environment, its output in the shared
# run directory (the host copies it to its stdout as it grows), and writes its exit status there.

run=/run/nectar-vm
console=/dev/console

say() { echo "nectar-vm guest: $*" >"$console"; }
power_off() {
    sync
    echo o >/proc/sysrq-trigger
    sleep 30
}
trap power_off EXIT

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
# No tmpfs over /tmp: the working directory may be under it (CI clones there), and the root's
# overlay already makes the host's /tmp writable in the guest.
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mkdir -p "$run"
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 nectarrun "$run"; then
    say "mounting the run directory (9p tag nectarrun) failed"
    exit 1
fi

# A host directory the command may write to, mounted over its read-only view at the same path.
if [ -f "$run/share" ]; then
    share=$(cat "$run/share")
    mkdir -p "$share"
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 nectarshare "$share" ||
        say "mounting the shared directory $share failed"
fi

ip link set lo up || say "bringing lo up failed"
hostname "nectar-vm-$(uname -r)"

# libbpf and Nectar read /proc/config.gz, else /boot/config-$(uname -r); Debian builds no
# /proc/config.gz, so the package's config goes where the second lookup finds it.
if [ -f "$run/kernel-config" ]; then
    mkdir -p /boot
    cp "$run/kernel-config" "/boot/config-$(uname -r)"
fi

# The command's output goes to a file of the run directory (9p), which the host follows and copies
# to its stdout, through a pipe, so that the command sees no terminal (no colours, no cursor
# moves), as when the host's CI runs it. Not over a serial port: a CI run's guest output once
# stopped mid-line for minutes, and a serial port's writers wait on emulated transmit interrupts
# (one lost, and every writer behind it blocks, the command too); a 9p write waits on nothing.
out=$run/output

# shellcheck disable=SC1091
source "$run/environment"
mapfile -d '' -t command <"$run/command"
cwd=$(cat "$run/cwd")
say "running in $cwd on $(uname -r): ${command[*]}"
(cd "$cwd" && exec "${command[@]}") </dev/null 2>&1 | cat >>"$out"
status=${PIPESTATUS[0]}
echo "$status" >"$run/status.tmp"
mv "$run/status.tmp" "$run/status"
say "command exited with status $status"
