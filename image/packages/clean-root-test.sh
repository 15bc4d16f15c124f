#!/bin/bash
# Installs, upgrades and removes the packages in a clean root, as a site would (root):
#   image/packages/clean-root-test.sh WORKDIR egov-box_V_amd64.deb egov-manager_V_amd64.deb
#
# The clean root: a directory with the host's userland read-only under an overlay (/usr: Java, nft,
# iproute2, strongSwan, the shell; what the packages put there goes to the overlay's own layer), a
# copy of the host's /etc without anything of ours, and an empty dpkg database, entered with chroot inside private mount, network and PID namespaces (unshare).
# Why not a debootstrap/mmdebstrap chroot: that needs the Debian mirror and, with a JRE, nftables
# and strongSwan, downloads ~250 MB and takes minutes; CI runs offline from the mirror after its
# one apt-get install. The empty dpkg database knows none of the host's packages, so dpkg installs
# with --force-depends: the dependencies are there (the host's /usr), dpkg just cannot see them;
# apt-get --simulate on the host shows they resolve from Debian (first check below).
#
# Prints one line per check ("ok: ..."), "FAIL: ..." and exit 1 at the first that fails.
set -euo pipefail
WORK=$(readlink -f "$1") BOX_DEB=$(readlink -f "$2") MANAGER_DEB=$(readlink -f "$3")
if [ "${EGOV_IN_NAMESPACE:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "FAIL: needs root (namespaces, chroot)"; exit 1; }
  for deb in "$BOX_DEB" "$MANAGER_DEB"; do
    apt-get --simulate -qq install "$deb" > "$WORK/apt-simulate-$(basename "$deb").txt" 2>&1 \
      || { cat "$WORK/apt-simulate-$(basename "$deb").txt"; echo "FAIL: the dependencies of $(basename "$deb") do not resolve from Debian"; exit 1; }
    echo "ok: apt-get --simulate install $(basename "$deb"): every dependency resolves"
  done
  exec unshare --mount --net --pid --fork --mount-proc env EGOV_IN_NAMESPACE=1 "$0" "$@"
fi

R=$WORK/root
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; exit 1; fi; }
in_root() { chroot "$R" "$@"; }

# --- the clean root -----------------------------------------------------------------------------
mkdir -p "$R"/{usr,proc,dev,sys,tmp,run,opt,root,srv,mnt,var/lib/dpkg/{info,updates,triggers},var/log,var/cache,var/tmp}
for d in bin sbin lib lib32 lib64 libx32; do
  if [ -L "/$d" ]; then ln -s "$(readlink "/$d")" "$R/$d"; elif [ -d "/$d" ]; then mkdir -p "$R/$d" && mount --bind -o ro "/$d" "$R/$d"; fi
done
# /usr: the host's, read-only, under an overlay whose upper layer takes what the packages install
# there (/lib/systemd/system is /usr/lib/systemd/system on a merged-/usr Debian)
mkdir -p "$WORK/usr-upper" "$WORK/usr-work"
mount -t overlay overlay -o "lowerdir=/usr,upperdir=$WORK/usr-upper,workdir=$WORK/usr-work" "$R/usr"
mount --rbind /dev "$R/dev"
mount -t proc proc "$R/proc"
mount -t tmpfs tmpfs "$R/tmp"
mount -t tmpfs tmpfs "$R/run"
cp -a /etc "$R/etc"
rm -rf "$R/etc/egov-box" "$R/etc/egov-manager" "$R/etc/systemd/system/"*egov*
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
ip link set lo up
cp "$BOX_DEB" "$R/tmp/egov-box.deb"
cp "$MANAGER_DEB" "$R/tmp/egov-manager.deb"
check "clean root: no egov package known to its dpkg" "! in_root dpkg-query -W egov-box >/dev/null 2>&1"

# version 2 of the box: the same package with a higher version, as an upgrade would bring
V1=$(dpkg-deb -f "$BOX_DEB" Version)
mkdir "$WORK/v2"
dpkg-deb -R "$BOX_DEB" "$WORK/v2/pkg"
sed -i "s/^Version: .*/Version: ${V1}+upgrade1/" "$WORK/v2/pkg/DEBIAN/control"
dpkg-deb --root-owner-group -b "$WORK/v2/pkg" "$R/tmp/egov-box-v2.deb" > /dev/null

# --- install ------------------------------------------------------------------------------------
in_root dpkg --force-depends -i /tmp/egov-box.deb > "$WORK/dpkg-install.log" 2>&1 || { cat "$WORK/dpkg-install.log"; echo "FAIL: dpkg -i egov-box"; exit 1; }
check "egov-box $V1 installed" "[ \"\$(in_root dpkg-query -W -f '\${Status}' egov-box)\" = 'install ok installed' ]"
check "the box in /opt/egov-box, its unit in /lib/systemd/system" "[ -x $R/opt/egov-box/bin/appliance ] && [ -f $R/lib/systemd/system/egov-box.service ]"
check "configuration in /etc/egov-box as conffiles (with the setup profile)" \
  "in_root dpkg-query -W -f '\${Conffiles}' egov-box | grep -q '/etc/egov-box/cn.egov.identity.cfg' && in_root dpkg-query -W -f '\${Conffiles}' egov-box | grep -q '/etc/egov-box/setup/cn.egov.vpn.tunnel.cfg'"
check "state directory /var/lib/egov-box made by postinst" "[ -d $R/var/lib/egov-box ]"

# the box as systemd starts it: ExecStart of the unit, with its two capabilities only
EXEC=$(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/egov-box.service")
start_box() {
  chroot "$R" setpriv --inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw \
    --bounding-set=-all,+net_admin,+net_raw $EXEC > "$WORK/box-$1.log" 2>&1 &
  BOX=$!
  for _ in $(seq 180); do
    in_root /opt/egov-box/bin/appliance status --data /var/lib/egov-box > "$WORK/status-$1.txt" 2>&1 && return 0
    kill -0 "$BOX" 2>/dev/null || { tail -20 "$WORK/box-$1.log"; return 1; }
    sleep 1
  done
  cat "$WORK/status-$1.txt"; return 1
}
stop_box() { kill -TERM "$BOX"; wait "$BOX" || true; }
check "the box starts as its unit runs it (CAP_NET_ADMIN, CAP_NET_RAW) and 'appliance status' says healthy" "start_box installed"
check "status: healthy, every component as it should be, only the WARNING of a box not set up yet" \
  "grep -q '^healthy true' $WORK/status-installed.txt && grep -q '^alarm WARNING pki.not-enrolled' $WORK/status-installed.txt"
check "the box process has CAP_NET_ADMIN and CAP_NET_RAW only" \
  "[ \"\$(grep CapEff /proc/\$(pgrep -f 'ApplianceCommand run' | head -1)/status | awk '{print \$2}')\" = 0000000000003000 ]"
# what the technician and the box leave behind: a local edit and state
echo "# a local edit" >> "$R/etc/egov-box/cn.egov.identity.cfg"
echo marker > "$R/var/lib/egov-box/kept-by-upgrade"
stop_box

# --- upgrade ------------------------------------------------------------------------------------
in_root dpkg --force-depends --force-confold -i /tmp/egov-box-v2.deb > "$WORK/dpkg-upgrade.log" 2>&1 || { cat "$WORK/dpkg-upgrade.log"; echo "FAIL: upgrade"; exit 1; }
check "upgraded to ${V1}+upgrade1" "[ \"\$(in_root dpkg-query -W -f '\${Version}' egov-box)\" = '${V1}+upgrade1' ]"
check "the upgrade kept the edited configuration" "grep -q '^# a local edit' $R/etc/egov-box/cn.egov.identity.cfg"
check "the upgrade kept the state (/var/lib/egov-box)" "[ -f $R/var/lib/egov-box/kept-by-upgrade ] && [ -d $R/var/lib/egov-box/console ]"
check "the upgraded box starts and is healthy" "start_box upgraded && grep -q '^healthy true' $WORK/status-upgraded.txt"
stop_box

# --- remove, purge ------------------------------------------------------------------------------
in_root dpkg -r egov-box > "$WORK/dpkg-remove.log" 2>&1 || { cat "$WORK/dpkg-remove.log"; echo "FAIL: dpkg -r"; exit 1; }
check "dpkg -r removes the program and the unit" "[ ! -e $R/opt/egov-box ] && [ ! -e $R/lib/systemd/system/egov-box.service ]"
check "dpkg -r keeps configuration and state" "[ -f $R/etc/egov-box/cn.egov.identity.cfg ] && [ -f $R/var/lib/egov-box/kept-by-upgrade ]"
check "dpkg -r leaves the package as config-files" "[ \"\$(in_root dpkg-query -W -f '\${Status}' egov-box)\" = 'deinstall ok config-files' ]"
in_root dpkg -P egov-box > "$WORK/dpkg-purge.log" 2>&1 || { cat "$WORK/dpkg-purge.log"; echo "FAIL: dpkg -P"; exit 1; }
check "dpkg -P removes configuration and state, nothing is left" \
  "[ ! -e $R/etc/egov-box ] && [ ! -e $R/var/lib/egov-box ] && ! in_root dpkg-query -W egov-box >/dev/null 2>&1"

# --- the manager ----------------------------------------------------------------------------------
in_root dpkg --force-depends -i /tmp/egov-manager.deb > "$WORK/dpkg-manager.log" 2>&1 || { cat "$WORK/dpkg-manager.log"; echo "FAIL: dpkg -i egov-manager"; exit 1; }
check "egov-manager installed, its system user made, its configuration readable by it only" \
  "in_root getent passwd egov-manager >/dev/null && [ \"\$(in_root stat -c '%U:%G %a' /etc/egov-manager/manager.conf)\" = 'root:egov-manager 640' ]"
check "the manager runs as its user: manager config-keys" \
  "in_root runuser -u egov-manager -- /opt/egov-manager/bin/manager config-keys | grep -q '^#data.dir = '"
in_root dpkg -P egov-manager > "$WORK/dpkg-manager-purge.log" 2>&1 || { cat "$WORK/dpkg-manager-purge.log"; echo "FAIL: dpkg -P egov-manager"; exit 1; }
check "dpkg -P egov-manager removes it, its state and its user" \
  "[ ! -e $R/opt/egov-manager ] && [ ! -e $R/etc/egov-manager ] && ! in_root getent passwd egov-manager >/dev/null"
echo "clean root: every check passed"
