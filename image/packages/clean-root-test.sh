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
. "$(dirname "$(readlink -f "$0")")/clean-root-lib.sh"
make_clean_root "$R" "$WORK"
ip link set lo up
cp "$BOX_DEB" "$R/tmp/egov-box.deb"
cp "$MANAGER_DEB" "$R/tmp/egov-manager.deb"
check "clean root: no egov package known to its dpkg" "! in_root dpkg-query -W egov-box >/dev/null 2>&1"

# version 2 of the box: the same package with a higher version, as an upgrade would bring
V1=$(dpkg-deb -f "$BOX_DEB" Version)
repack v2 "${V1}+upgrade1"
cp "$WORK/v2/v2.deb" "$R/tmp/egov-box-v2.deb"

# --- install ------------------------------------------------------------------------------------
in_root dpkg --force-depends -i /tmp/egov-box.deb > "$WORK/dpkg-install.log" 2>&1 || { cat "$WORK/dpkg-install.log"; echo "FAIL: dpkg -i egov-box"; exit 1; }
check "egov-box $V1 installed" "[ \"\$(in_root dpkg-query -W -f '\${Status}' egov-box)\" = 'install ok installed' ]"
check "the box in /opt/egov-box, its unit in /lib/systemd/system" "[ -x $R/opt/egov-box/bin/appliance ] && [ -f $R/lib/systemd/system/egov-box.service ]"
check "configuration in /etc/egov-box as conffiles (with the setup profile)" \
  "in_root dpkg-query -W -f '\${Conffiles}' egov-box | grep -q '/etc/egov-box/cn.egov.identity.cfg' && in_root dpkg-query -W -f '\${Conffiles}' egov-box | grep -q '/etc/egov-box/setup/cn.egov.vpn.tunnel.cfg'"
check "state directory /var/lib/egov-box made by postinst" "[ -d $R/var/lib/egov-box ]"
# -Xshare:on after the launcher's -Xshare:auto: the JVM refuses to start unless the archive fits every jar
check "the box's class-data-sharing archive fits the installed jars and this JVM" \
  "in_root env APPLIANCE_JAVA_OPTS=-Xshare:on /opt/egov-box/bin/appliance --version"

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
check "after the upgrade the archive still fits" "in_root env APPLIANCE_JAVA_OPTS=-Xshare:on /opt/egov-box/bin/appliance --version"
stop_box

# --- signed updates (appliance update install), with the manager's signing key ---------------------
# The manager signs (its CA, its signing key, its serials), the box trusts the CA's root (enrolment
# puts it in /etc/swanctl/x509ca). No systemd in the root: the restart the box's unit would do is
# a script that stops the running box and starts it as the unit does.
in_root dpkg --force-depends -i /tmp/egov-manager.deb > "$WORK/dpkg-manager-for-updates.log" 2>&1 || { cat "$WORK/dpkg-manager-for-updates.log"; echo "FAIL: dpkg -i egov-manager"; exit 1; }
head -c 24 /dev/urandom | base64 > "$R/var/lib/egov-manager/ca.pass" && chmod 600 "$R/var/lib/egov-manager/ca.pass"
in_root /opt/egov-manager/bin/manager ca init --config /etc/egov-manager/manager.conf > "$WORK/ca-init.txt"
in_root /opt/egov-manager/bin/manager ca export --config /etc/egov-manager/manager.conf --out /tmp/ca > /dev/null
mkdir -p "$R/etc/swanctl/x509ca" && cp "$R/tmp/ca/root.pem" "$R/etc/swanctl/x509ca/egov-update-test-root.pem"
cat > "$R/tmp/restart-box.sh" <<EOS
#!/bin/sh
pid=\$(cat /var/lib/egov-box/box.lock 2>/dev/null || true)
if [ -n "\$pid" ] && kill -0 "\$pid" 2>/dev/null; then kill -TERM "\$pid"; while kill -0 "\$pid" 2>/dev/null; do sleep 0.2; done; fi
setsid setpriv --inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw --bounding-set=-all,+net_admin,+net_raw $EXEC >> /tmp/box-restarts.log 2>&1 < /dev/null &
EOS
chmod 755 "$R/tmp/restart-box.sh"
update() { in_root /opt/egov-box/bin/appliance update --dpkg "dpkg --force-depends" --restart /tmp/restart-box.sh "$@"; }
sign() { in_root /opt/egov-manager/bin/manager update sign --config /etc/egov-manager/manager.conf --deb "/tmp/$1.deb" --scope county:130602 --out "/tmp/$1.update" > "$WORK/sign-$1.txt"; }
box_pid() { cat "$R/var/lib/egov-box/box.lock" 2>/dev/null; }
in_root /tmp/restart-box.sh
check "the box runs before the updates" "for _ in \$(seq 180); do in_root /opt/egov-box/bin/appliance status --data /var/lib/egov-box > $WORK/status-before-updates.txt 2>&1 && break; sleep 1; done; grep -q '^healthy true' $WORK/status-before-updates.txt"

V3="${V1}+update3" V4="${V1}+update4"
repack v3 "$V3"; cp "$WORK/v3/v3.deb" "$R/tmp/v3.deb"
repack v4 "$V4" broken; cp "$WORK/v4/v4.deb" "$R/tmp/v4.deb"
sign v3; sign v4
# the signed package changed after signing: its entry in the update replaced by one with a byte flipped
mkdir -p "$WORK/tamper" && (cd "$WORK/tamper" && jar xf "$R/tmp/v3.update")
printf '\xff' | dd of="$WORK/tamper/egov-box.deb" bs=1 seek=$(( $(stat -c %s "$WORK/tamper/egov-box.deb") - 100 )) conv=notrunc status=none
(cd "$WORK/tamper" && jar --create --no-manifest --file "$R/tmp/tampered.update" -0 update.sig egov-box.deb)
check "a tampered update is refused in one line naming the check, and nothing changes" \
  "! update install /tmp/tampered.update > $WORK/update-tampered.out 2> $WORK/update-tampered.err && [ \$(wc -l < $WORK/update-tampered.err) = 1 ] && grep -q '^appliance update: refused (file_hash): package egov-box $V3 has' $WORK/update-tampered.err && [ \"\$(in_root dpkg-query -W -f '\${Version}' egov-box)\" = '${V1}+upgrade1' ]"
check "a good update is installed, the box comes back green at the new version (exit 0)" \
  "update install --timeout 240 /tmp/v3.update > $WORK/update-good.out 2>&1 && grep -q '^appliance update: installed $V3' $WORK/update-good.out"
check "dpkg and the running box say $V3; status healthy" \
  "[ \"\$(in_root dpkg-query -W -f '\${Version}' egov-box)\" = '$V3' ] && in_root /opt/egov-box/bin/appliance status --data /var/lib/egov-box > $WORK/status-v3.txt && grep -qx 'version $V3' $WORK/status-v3.txt && grep -q '^healthy true' $WORK/status-v3.txt"
check "an update whose box does not come back is rolled back by itself; the box is green at $V3 again (exit 1, one line)" \
  "! update install --timeout 30 /tmp/v4.update > $WORK/update-broken.out 2> $WORK/update-broken.err && grep -q '^appliance update: rolled back to $V3: the box did not come back' $WORK/update-broken.err && [ \"\$(in_root dpkg-query -W -f '\${Version}' egov-box)\" = '$V3' ]"
check "after the rollback the box runs $V3 and is healthy" \
  "for _ in \$(seq 180); do in_root /opt/egov-box/bin/appliance status --data /var/lib/egov-box > $WORK/status-rolled-back.txt 2>&1 && break; sleep 1; done; grep -qx 'version $V3' $WORK/status-rolled-back.txt && grep -q '^healthy true' $WORK/status-rolled-back.txt"
check "the rolled-back update is not taken again (serial)" \
  "! update install /tmp/v4.update 2> $WORK/update-again.err && grep -q '^appliance update: refused (serial)' $WORK/update-again.err"
update status > "$WORK/update-status.txt"
pid=$(box_pid); kill -TERM "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done

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
check "the manager's class-data-sharing archive fits the installed jars and this JVM" \
  "in_root env MANAGER_JAVA_OPTS=-Xshare:on /opt/egov-manager/bin/manager --version"
in_root dpkg -P egov-manager > "$WORK/dpkg-manager-purge.log" 2>&1 || { cat "$WORK/dpkg-manager-purge.log"; echo "FAIL: dpkg -P egov-manager"; exit 1; }
check "dpkg -P egov-manager removes it, its state and its user" \
  "[ ! -e $R/opt/egov-manager ] && [ ! -e $R/etc/egov-manager ] && ! in_root getent passwd egov-manager >/dev/null"
echo "clean root: every check passed"
