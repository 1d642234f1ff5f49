#!/usr/bin/env bash
# Sets up a local Incus daemon for Enclave's tests and CI: idempotent, root, Debian/Ubuntu.
# Installs Incus and friends when missing, starts incusd when no daemon answers (no systemd
# assumed), makes a btrfs pool and a root disk in the default profile when none exists, and
# builds + imports the agent test image (cached). Nothing created here routes traffic off
# this machine: no NIC, no NAT network (Enclave creates its own bridges when it connects).
set -euo pipefail

POOL="${ENCLAVE_POOL:-enclave}"
POOL_SIZE="${ENCLAVE_POOL_SIZE:-30GiB}"
IMAGE_ALIAS="${ENCLAVE_IMAGE_ALIAS:-enclave-agent}"
CACHE_DIR="${ENCLAVE_CACHE_DIR:-/var/cache/enclave}"
# Bump when the image's contents change: a cached build or an imported image of another
# version is replaced.
IMAGE_VERSION=3
IMAGE_TAR="$CACHE_DIR/enclave-agent-v$IMAGE_VERSION.tar.gz"

say() { printf '[setup-incus] %s\n' "$*"; }
die() { printf '[setup-incus] error: %s\n' "$*" >&2; exit 1; }

# This sets up the local daemon. Were the incus CLI below pointed at another socket, `incus info`
# would fail there and a second incusd would be started over /var/lib/incus.
unset INCUS_SOCKET INCUS_DIR

[ "$(id -u)" -eq 0 ] || die "run as root (sudo $0)"

export DEBIAN_FRONTEND=noninteractive
apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then apt-get update -qq; apt_updated=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# --- packages ---------------------------------------------------------------
have_incusd() { [ -x /usr/libexec/incus/incusd ] || command -v incusd >/dev/null 2>&1; }
if ! command -v incus >/dev/null 2>&1 || ! have_incusd; then
  . /etc/os-release
  if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      say "adding bookworm-backports (Incus is only there on Debian 12)"
      cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
      apt_updated=0
    fi
    say "installing incus-base, incus-client from bookworm-backports"
    apt-get update -qq; apt_updated=1
    apt-get install -y -qq -t bookworm-backports incus-base incus-client >/dev/null
  else
    say "installing incus"
    apt_install incus-base incus-client || apt_install incus
  fi
else
  say "incus present: $(incus --version 2>/dev/null || echo '?')"
fi

need=()
command -v mkfs.btrfs >/dev/null 2>&1 || need+=(btrfs-progs)
command -v debootstrap >/dev/null 2>&1 || need+=(debootstrap)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v busybox >/dev/null 2>&1 || need+=(busybox-static)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
# Workspaces: Enclave runs git on the host (inspecting a project, the review gate's fetch).
command -v git >/dev/null 2>&1 || need+=(git)
# The disk-escape test builds a static probe (gcc -static needs libc6-dev's libc.a).
command -v gcc >/dev/null 2>&1 || need+=(gcc)
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ "$(uname -m)" != x86_64 ] || need+=(libc6-dev)
if [ "${#need[@]}" -gt 0 ]; then
  say "installing ${need[*]}"
  apt_install "${need[@]}"
else
  say "btrfs-progs, debootstrap, chromium, busybox, tmux, git, gcc present"
fi

# --- daemon -----------------------------------------------------------------
# Where LXC's lxcfs mount hook (/usr/share/lxcfs/lxc.mount.hook, included in every container's
# config) looks; an lxcfs mounted elsewhere is never shown to containers.
LXCFS_DIR=/var/lib/lxcfs
# lxcfs gives containers their own /proc view (meminfo etc.); optional. After a machine
# restart its FUSE mount can outlive the process ("Transport endpoint is not connected"),
# which breaks every later stat of the directory, so a dead mount is detached first.
start_lxcfs() {
  command -v lxcfs >/dev/null 2>&1 || return 1
  # Earlier versions of this script mounted it at /var/lib/incus-lxcfs: drop that one.
  if grep -qs " /var/lib/incus-lxcfs " /proc/self/mounts; then
    umount -l /var/lib/incus-lxcfs 2>/dev/null || fusermount -uz /var/lib/incus-lxcfs 2>/dev/null || true
    pkill -f '^lxcfs /var/lib/incus-lxcfs' 2>/dev/null || true
  fi
  if grep -qs " $LXCFS_DIR fuse" /proc/self/mounts && stat "$LXCFS_DIR" >/dev/null 2>&1; then return 0; fi
  if grep -qs " $LXCFS_DIR " /proc/self/mounts; then
    say "detaching stale lxcfs mount at $LXCFS_DIR"
    umount -l "$LXCFS_DIR" 2>/dev/null || fusermount -uz "$LXCFS_DIR" 2>/dev/null || true
  fi
  mkdir -p "$LXCFS_DIR" /var/log/incus || return 1
  say "starting lxcfs"
  setsid lxcfs "$LXCFS_DIR" >/var/log/incus/lxcfs.log 2>&1 < /dev/null &
  for _ in $(seq 1 50); do
    grep -qs " $LXCFS_DIR fuse" /proc/self/mounts && return 0
    sleep 0.1
  done
  return 1
}
INCUSD=/usr/libexec/incus/incusd
[ -x "$INCUSD" ] || INCUSD="$(command -v incusd || true)"
[ -n "$INCUSD" ] || die "incusd not found after install"

if incus info >/dev/null 2>&1; then
  say "incusd answers"
  # lxcfs may have died under a running daemon (a dead mount would fail container starts).
  start_lxcfs || say "lxcfs not running (optional; containers see the host's /proc/meminfo)"
else
  say "starting incusd (detached)"
  mkdir -p /var/log/incus
  start_lxcfs || say "lxcfs not started (optional; containers see the host's /proc/meminfo)"
  setsid "$INCUSD" --group root --logfile /var/log/incus/incusd.log >/dev/null 2>&1 < /dev/null &
  incus admin waitready --timeout=60 || die "incusd did not become ready; see /var/log/incus/incusd.log"
  say "incusd ready"
fi

# --- storage ----------------------------------------------------------------
if incus storage show "$POOL" >/dev/null 2>&1; then
  say "storage pool $POOL exists"
else
  say "creating btrfs storage pool $POOL ($POOL_SIZE loop file)"
  incus storage create "$POOL" btrfs size="$POOL_SIZE" >/dev/null
fi
if incus profile device get default root pool >/dev/null 2>&1; then
  say "default profile has a root disk (pool $(incus profile device get default root pool))"
else
  say "adding root disk on $POOL to the default profile"
  incus profile device add default root disk path=/ pool="$POOL" >/dev/null
fi

# --- pool tuning ------------------------------------------------------------
# Both settings live in the kernel, not in Incus: they are gone after a reboot and are set
# again on every run.
POOL_WRITE_BPS="${ENCLAVE_POOL_WRITE_BPS:-157286400}"   # 150 MiB/s; 0 lifts the cap
pool_dir="/var/lib/incus/storage-pools/$POOL"
if [ "$(incus storage show "$POOL" | awk '/^driver:/ {print $2}')" = btrfs ] \
   && mountpoint -q "$pool_dir"; then
  # Root disk sizes are btrfs qgroup limits, and btrfs stops enforcing them once its qgroup
  # numbers are marked inconsistent, which deleting a deep subvolume does by default
  # (drop_subtree_threshold 3). Full accounting on deletion keeps them exact.
  uuid="$(findmnt -n -o UUID --target "$pool_dir" | head -1)"
  qg="/sys/fs/btrfs/$uuid/qgroups"
  if [ -n "$uuid" ] && [ -d "$qg" ]; then
    echo 8 > "$qg/drop_subtree_threshold" 2>/dev/null || true
    if [ "$(cat "$qg/inconsistent" 2>/dev/null)" = 1 ]; then
      say "btrfs qgroups of $POOL inconsistent: rescanning so disk sizes are enforced again"
      btrfs quota rescan -w "$pool_dir" >/dev/null
    fi
  fi
  # On a cgroup v1 host, buffered writes reach the disk from kernel flusher threads, which
  # no container's blkio limit covers: one agent filling its disk at full speed stalls
  # incusd's database and every other agent's exec. A cap on the pool's device, set on the
  # root blkio cgroup where those threads live, bounds that. cgroup v2 hosts attribute
  # writeback to the writing container and need no such cap.
  dev="$(findmnt -n -o SOURCE --target "$pool_dir" | head -1)"
  throttle=/sys/fs/cgroup/blkio/blkio.throttle.write_bps_device
  if [ -b "$dev" ] && [ -w "$throttle" ]; then
    majmin="$(lsblk -dno MAJ:MIN "$dev" | tr -d ' ')"
    echo "$majmin $POOL_WRITE_BPS" > "$throttle"
    say "pool $POOL ($dev, $majmin): writes capped at $((POOL_WRITE_BPS / 1048576)) MiB/s (cgroup v1 host; ENCLAVE_POOL_WRITE_BPS=0 lifts it)"
  fi
fi

# --- agent image ------------------------------------------------------------
if incus image alias list -f csv | cut -d, -f1 | grep -qx "$IMAGE_ALIAS" \
   && [ "$(incus image get-property "$IMAGE_ALIAS" enclave_version 2>/dev/null)" != "$IMAGE_VERSION" ]; then
  say "image $IMAGE_ALIAS is not version $IMAGE_VERSION: replacing it"
  incus image delete "$IMAGE_ALIAS" >/dev/null
fi
if incus image alias list -f csv | cut -d, -f1 | grep -qx "$IMAGE_ALIAS"; then
  say "image $IMAGE_ALIAS present (version $IMAGE_VERSION)"
else
  mkdir -p "$CACHE_DIR"
  if [ ! -s "$IMAGE_TAR" ]; then
    find "$CACHE_DIR" -maxdepth 1 -name 'enclave-agent*.tar.gz' ! -name "$(basename "$IMAGE_TAR")" -delete
    say "building agent image v$IMAGE_VERSION (debootstrap minbase bookworm; about a minute)"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    debootstrap --variant=minbase --include=tmux,bash,git,procps,ca-certificates,busybox-static,locales \
      bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    # minbase has no init: busybox init, kept alive by a respawn line. Nothing else mounts
    # /dev/shm, which shared-memory users (Python multiprocessing, Chromium, PostgreSQL) need.
    cat > "$work/rootfs/etc/fstab" <<'FSTAB'
tmpfs /dev/shm tmpfs rw,nosuid,nodev,mode=1777 0 0
FSTAB
    cat > "$work/rootfs/etc/inittab" <<'TAB'
::sysinit:/bin/mkdir -p /dev/shm
::sysinit:/bin/mount -a
::respawn:/bin/sleep infinity
::respawn:/usr/local/sbin/enclave-dhcp
::ctrlaltdel:/sbin/reboot
::shutdown:/bin/true
TAB
    # Networking (image v3): Enclave gives an agent at most one NIC, eth0, with a fixed address
    # that its bridge's dnsmasq hands out. The NIC can be hot-added, removed or replaced (a
    # network mode change), so a loop keeps one DHCP client on whichever eth0 exists now.
    mkdir -p "$work/rootfs/etc/udhcpc" "$work/rootfs/usr/local/sbin"
    cat > "$work/rootfs/etc/udhcpc/default.script" <<'DHCP'
#!/bin/sh
# busybox udhcpc hook: applies a lease to $interface (minbase has no ip binary: busybox's).
case "$1" in
  deconfig)
    busybox ip -4 addr flush dev "$interface"
    busybox ip link set "$interface" up
    ;;
  bound|renew)
    if ! busybox ip -4 addr show dev "$interface" | grep -q "inet $ip/"; then
      busybox ip -4 addr flush dev "$interface"
      busybox ip -4 addr add "$ip/${mask:-24}" dev "$interface"
    fi
    if [ -n "$router" ]; then
      busybox ip -4 route replace default via "${router%% *}" dev "$interface"
    fi
    if [ -n "$dns" ]; then
      : > /etc/resolv.conf.new
      for d in $dns; do echo "nameserver $d" >> /etc/resolv.conf.new; done
      [ -n "$domain" ] && echo "search $domain" >> /etc/resolv.conf.new
      mv /etc/resolv.conf.new /etc/resolv.conf
    fi
    ;;
esac
exit 0
DHCP
    cat > "$work/rootfs/usr/local/sbin/enclave-dhcp" <<'LOOP'
#!/bin/sh
# One DHCP client on eth0 while it exists; restarted when eth0 is replaced (new ifindex) or
# the client dies; idle (one check a second) while there is no eth0.
pid=
idx=
while :; do
  cur=$(cat /sys/class/net/eth0/ifindex 2>/dev/null)
  if [ "$cur" != "$idx" ] || { [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; }; then
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    pid=
    idx=$cur
    if [ -n "$cur" ]; then
      busybox udhcpc -f -i eth0 -s /etc/udhcpc/default.script -T 2 -A 2 >/dev/null 2>&1 &
      pid=$!
    fi
  fi
  sleep 1
done
LOOP
    chmod 755 "$work/rootfs/etc/udhcpc/default.script" "$work/rootfs/usr/local/sbin/enclave-dhcp"
    # debootstrap copies the build host's resolver: the lease writes the agent's own.
    rm -f "$work/rootfs/etc/resolv.conf"
    : > "$work/rootfs/etc/resolv.conf"
    rm -f "$work/rootfs/sbin/init"
    ln -s /bin/busybox "$work/rootfs/sbin/init"
    echo 'enclave-agent' > "$work/rootfs/etc/hostname"
    rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
    cat > "$work/metadata.yaml" <<META
architecture: x86_64
creation_date: $(date +%s)
properties:
  description: Enclave agent (Debian bookworm minbase, bash, tmux, git, DHCP on eth0)
  os: debian
  release: bookworm
  variant: enclave-agent
  enclave_version: "$IMAGE_VERSION"
META
    tar -C "$work" --numeric-owner -czf "$IMAGE_TAR.tmp" metadata.yaml rootfs
    mv "$IMAGE_TAR.tmp" "$IMAGE_TAR"
    rm -rf "$work"; trap - EXIT
    say "image built: $(du -h "$IMAGE_TAR" | cut -f1)"
  else
    say "reusing cached image build $IMAGE_TAR"
  fi
  incus image import "$IMAGE_TAR" --alias "$IMAGE_ALIAS" >/dev/null
  say "image imported as $IMAGE_ALIAS"
fi

say "ready: Incus $(incus version 2>/dev/null | awk '/^Server version/ {print $3}'), pool $POOL, image $IMAGE_ALIAS"
