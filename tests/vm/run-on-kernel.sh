#!/usr/bin/env bash
# Runs a command as root on one of Debian's packaged kernels, booted under QEMU (TCG: KVM guests
# never got past the BIOS on the machines this was written on), and exits with its status.
#
#   tests/vm/run-on-kernel.sh PACKAGE -- COMMAND...
#
# PACKAGE is a Debian kernel package, exactly (linux-image-6.1.0-57-amd64) or as a pattern whose *
# stands for one name part without dashes (linux-image-6.1.0-*-amd64, linux-image-6.12*-amd64:
# the newest match wins). It is fetched with `apt-get download` and unpacked with `dpkg -x` (never
# installed) into $NECTAR_VM_CACHE (default /var/cache/nectar-vm). The guest sees the host's root
# file system read-only over 9p under a tmpfs overlay (writes vanish with the guest), with proc,
# sys, dev, tracefs, debugfs, bpffs and cgroup2 mounted and lo up; it runs COMMAND as root in the
# current directory, with the variables NECTAR_*, DOTNET_*, NUGET_*, PATH, HOME, CI, LANG, LC_*,
# TZ and TERM of this environment. COMMAND's stdout and stderr come out here, merged, on stdout.
#
# Settings: NECTAR_VM_TIMEOUT (seconds for boot and command, default 1800: then exit 124),
# NECTAR_VM_TCG_THREAD (single, the default: one host thread runs every vCPU; multi: one thread
# per vCPU, faster, but with it guests executed stale int3 breakpoints of the kernel's live code
# patching and panicked or hung: stop 23, tests/vm/README.md),
# NECTAR_VM_MEMORY (default 4G), NECTAR_VM_CPUS (default 2), NECTAR_VM_CACHE, NECTAR_VM_SHARE (a
# host directory the guest may write to, at the same path: where a command leaves its results).
# Exit status: COMMAND's, or 124 on timeout, or 125 when the guest did not get to run it, or 123
# when the guest kernel panicked (a soft lockup panics at once: softlockup_panic=1, so a locked-up
# guest ends in seconds with the stuck CPUs' stacks instead of at the timeout); the console log
# is printed to stderr in those three cases.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${NECTAR_VM_CACHE:-/var/cache/nectar-vm}
timeout_s=${NECTAR_VM_TIMEOUT:-1800}
memory=${NECTAR_VM_MEMORY:-4G}
cpus=${NECTAR_VM_CPUS:-2}

usage() {
    echo "usage: $0 PACKAGE -- COMMAND..." >&2
    echo "  e.g. $0 'linux-image-6.1.0-*-amd64' -- uname -r" >&2
    exit 2
}
[ $# -ge 3 ] && [ "$2" = "--" ] || usage
package_pattern=$1
shift 2

die() { echo "run-on-kernel: $*" >&2; exit 125; }

for tool in qemu-system-x86_64 busybox apt-get dpkg xz; do
    command -v "$tool" >/dev/null ||
        die "$tool is not installed (apt-get install qemu-system-x86 busybox-static xz-utils)"
done

# The newest package matching the pattern, from apt's lists (refreshed once if nothing matches).
resolve_package() {
    local pattern=$1 regex
    if [[ $pattern != *'*'* ]]; then
        echo "$pattern"
        return
    fi
    regex=$(sed -e 's/[.+]/\\&/g' -e 's/\*/[^-]*/g' <<<"$pattern")
    local name
    name=$(apt-cache search --names-only "^$regex\$" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n1)
    if [ -z "$name" ]; then
        apt-get update -qq >&2 || true
        name=$(apt-cache search --names-only "^$regex\$" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n1)
    fi
    if [ -z "$name" ]; then
        # Offline: the newest package of that pattern fetched before.
        name=$(find "$cache" -maxdepth 1 -mindepth 1 -type d -printf '%f\n' 2>/dev/null |
            grep -E "^$regex\$" | sort -V | tail -n1 || true)
    fi
    [ -n "$name" ] || die "no Debian package matches $pattern (apt-cache search --names-only '^$regex\$')"
    echo "$name"
}

package=$(resolve_package "$package_pattern")
dir=$cache/$package
mkdir -p "$dir"

# Fetch and unpack once; a half-done unpack (no .unpacked marker) is redone.
exec 9>"$dir/.lock"
flock 9
if [ ! -e "$dir/.unpacked" ]; then
    if ! ls "$dir"/*.deb >/dev/null 2>&1; then
        echo "run-on-kernel: fetching $package" >&2
        (cd "$dir" && apt-get download "$package" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) ||
            die "apt-get download $package failed"
    fi
    rm -rf "$dir/root"
    dpkg -x "$dir"/*.deb "$dir/root"
    touch "$dir/.unpacked"
fi

release=$(basename "$(ls -d "$dir"/root/lib/modules/*/ | head -n1)")
kernel=$dir/root/boot/vmlinuz-$release
config=$dir/root/boot/config-$release
[ -f "$kernel" ] || die "$package has no /boot/vmlinuz-$release"

# The initramfs: busybox, and the modules the guest needs to reach its root file system, in the
# order they load (a module's dependencies first, read from each module's .modinfo).
# Keyed by the init script and by where this checkout is: the initramfs names guest-init.sh by its
# path, so a clone elsewhere (CI's) must not reuse another checkout's.
initramfs=$dir/initramfs-$( (cat "$here/initramfs-init.sh"; echo "$here") | md5sum | cut -c1-12).cpio.gz
if [ ! -f "$initramfs" ]; then
    modules=$dir/root/lib/modules/$release
    staging=$(mktemp -d)
    mkdir -p "$staging/bin" "$staging/modules"
    cp "$(command -v busybox)" "$staging/bin/busybox"
    cp "$here/initramfs-init.sh" "$staging/init"
    echo "$here/guest-init.sh" >"$staging/guest-init.path"
    : >"$staging/modules.list"
    declare -A loaded=()
    module_file() { # the path of module $1 under kernel/, or nothing when it is built in
        find "$modules/kernel" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" | head -n1
    }
    add_module() {
        local name=${1//-/_} file deps dep
        [ -z "${loaded[$name]:-}" ] || return 0
        loaded[$name]=1
        file=$(find "$modules/kernel" \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \) | head -n1)
        if [ -z "$file" ]; then
            grep -qE "/(${name}|${name//_/-})\.ko\$" "$modules/modules.builtin" ||
                die "$package has no module $name, built in or not"
            return 0
        fi
        case $file in
            *.xz) xz -dc "$file" >"$staging/modules/$name.ko" ;;
            *.zst) zstd -qdc "$file" >"$staging/modules/$name.ko" ;;
            *) cp "$file" "$staging/modules/$name.ko" ;;
        esac
        deps=$(tr '\0' '\n' <"$staging/modules/$name.ko" | sed -n 's/^depends=//p' | head -n1)
        for dep in ${deps//,/ }; do add_module "$dep"; done
        echo "$name.ko" >>"$staging/modules.list"
    }
    for m in virtio_pci 9pnet_virtio 9p overlay; do add_module "$m"; done
    (cd "$staging" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$initramfs.tmp"
    mv "$initramfs.tmp" "$initramfs"
    rm -rf "$staging"
fi
flock -u 9

# What the guest reads: the command (NUL-separated), the working directory, the environment.
run=$(mktemp -d /tmp/nectar-vm.XXXXXX)
qemu_pid=
tail_pid=
cleanup() {
    [ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
    [ -z "$tail_pid" ] || kill "$tail_pid" 2>/dev/null || true
    if [ -n "${NECTAR_VM_KEEP:-}" ]; then echo "run-on-kernel: kept $run" >&2; else rm -rf "$run"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
printf '%s\0' "$@" >"$run/command"
: >"$run/output"
pwd >"$run/cwd"
for name in $(compgen -e); do
    case $name in
        NECTAR_VM_TIMEOUT | NECTAR_VM_MEMORY | NECTAR_VM_CPUS | NECTAR_VM_CACHE | NECTAR_VM_SHARE | NECTAR_VM_KEEP | NECTAR_VM_TCG_THREAD) ;;
        NECTAR_* | DOTNET_* | NUGET_* | PATH | HOME | CI | LANG | LC_* | TZ | TERM) declare -p "$name" >>"$run/environment" ;;
    esac
done
touch "$run/environment"
[ -f "$config" ] && cp "$config" "$run/kernel-config"

share_args=()
if [ -n "${NECTAR_VM_SHARE:-}" ]; then
    share=$(cd "$NECTAR_VM_SHARE" && pwd) || die "NECTAR_VM_SHARE=$NECTAR_VM_SHARE is not a directory"
    share_args=(-virtfs "local,path=$share,mount_tag=nectarshare,security_model=none,multidevs=remap")
    echo "$share" >"$run/share"
fi

echo "run-on-kernel: booting $release (TCG, $cpus CPUs, $memory)" >&2
start=$(date +%s)
set +e
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 \
    -accel "tcg,thread=${NECTAR_VM_TCG_THREAD:-single}" -cpu max -smp "$cpus" -m "$memory" \
    -nodefaults -display none -no-reboot -no-user-config \
    -kernel "$kernel" -initrd "$initramfs" \
    -append "console=ttyS0 quiet loglevel=5 watchdog_thresh=60 softlockup_panic=1 rcupdate.rcu_cpu_stall_timeout=60 sysctl.kernel.panic_on_rcu_stall=1 panic=-1 mitigations=off rdinit=/init" \
    -serial "file:$run/console.log" \
    -virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
    -virtfs "local,path=$run,mount_tag=nectarrun,security_model=none,multidevs=remap" \
    "${share_args[@]}" \
    </dev/null &
qemu_pid=$!
# The command's output, as the guest writes it to the shared run directory, until QEMU is gone.
tail -n +1 -s 0.5 -f --pid="$qemu_pid" "$run/output" &
tail_pid=$!
wait "$qemu_pid"
qemu_status=$?
qemu_pid=
wait "$tail_pid"
tail_pid=
set -e
elapsed=$(($(date +%s) - start))

if [ -f "$run/status" ]; then
    status=$(cat "$run/status")
    echo "run-on-kernel: $release: exit status $status after ${elapsed}s" >&2
    exit "$status"
fi
echo "run-on-kernel: $release: the command did not finish (qemu status $qemu_status after ${elapsed}s); guest console:" >&2
tail -n 150 "$run/console.log" >&2 || true
[ "$qemu_status" = 124 ] && exit 124
grep -q "Kernel panic" "$run/console.log" && exit 123
exit 125
