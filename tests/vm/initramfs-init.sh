#!/bin/busybox sh
# /init of the initramfs that tests/vm/run-on-kernel.sh builds (busybox applets only): load the
# modules Debian builds as modules (virtio PCI, 9p, overlay; listed deps first in /modules.list),
# mount the host's root file system (9p, read-only) under a tmpfs overlay so the guest can write,
# and hand over to tests/vm/guest-init.sh from the host's file system as PID 1.
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /lower /rw /newroot
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

fail() {
    echo "nectar-vm initramfs: $*" >/dev/console
    echo o >/proc/sysrq-trigger
    sleep 10
}

while read -r module; do
    [ -n "$module" ] || continue
    insmod "/modules/$module" || fail "insmod $module failed"
done </modules.list

# A 9p transport needs the virtio PCI device probed: wait for its channel to show up.
i=0
while ! grep -q hostroot /sys/bus/virtio/drivers/9pnet_virtio/*/mount_tag 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 100 ] || fail "no 9p device tagged hostroot appeared"
    sleep 0.1
done

mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=512000 hostroot /lower ||
    fail "mounting the host's root file system over 9p failed"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
    fail "mounting the overlay on the host's root file system failed"

guest_init=$(cat /guest-init.path)
umount /proc /sys /dev 2>/dev/null
exec switch_root /newroot /bin/bash "$guest_init"
