#!/bin/bash
# A box update through the box's own systemd units, with systemd as the init of a clean root (root):
#   image/packages/systemd-update-test.sh WORKDIR egov-box_V_amd64.deb egov-manager_V_amd64.deb
#
# What the box's runtime does last when the manager pushes an update (appliance README, "Updates
# pushed by the manager"): it moves the verified download to /var/lib/egov-box/update/install.update.
# From there on everything here is the installed packages' own: egov-box-install.path starts
# egov-box-install.service, whose `appliance update install --consume` verifies, installs with dpkg,
# restarts egov-box.service through systemctl, waits for the box to come back green, rolls back when it
# does not, writes update/outcome.json for the runtime to report and removes the file.
#
# The root: clean-root-lib.sh's, with the host's dpkg database (so the installer's plain `dpkg -i`
# finds the dependencies, as on a box), systemd 252 as PID 1 of its own PID namespace inside it, the
# boot reduced to a target of our own: every unit of sysinit, basic, sockets, timers and
# network-online is masked in the root's /etc (never the host's: systemd-tmpfiles alone would empty
# /tmp), /sys read-only (udev's units do not run). Prints "ok: ..." per check, "FAIL: ..." and exit 1.
set -euo pipefail
WORK=$(readlink -f "$1") BOX_DEB=$(readlink -f "$2") MANAGER_DEB=$(readlink -f "$3")
if [ "${EGOV_IN_NAMESPACE:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "FAIL: needs root (namespaces, chroot, systemd)"; exit 1; }
  exec unshare --mount --net --fork env EGOV_IN_NAMESPACE=1 "$0" "$@"
fi
mount --make-rprivate /
R=$WORK/root
check() { if eval "$2"; then echo "ok: $1"; else echo "FAIL: $1 ($2)"; dump; exit 1; fi; }
in_root() { chroot "$R" "$@"; }
. "$(dirname "$(readlink -f "$0")")/clean-root-lib.sh"
# the root a mount point of its own: systemd's sandboxing (ProtectSystem=, PrivateTmp=, ...) refuses
# to set up a service's mount namespace under a root that is not one (exit 226/NAMESPACE)
mkdir -p "$R" && mount --bind "$R" "$R"
make_clean_root "$R" "$WORK"
cp /var/lib/dpkg/status "$R/var/lib/dpkg/status"
ip link set lo up
mount --rbind /sys "$R/sys" && mount -o remount,bind,ro "$R/sys"

# --- the boot: our target only ----------------------------------------------------------------------
U=$R/etc/systemd/system
for t in sysinit basic sockets timers paths local-fs remote-fs network-online network multi-user graphical; do
  for dir in "$R/usr/lib/systemd/system/$t.target.wants" "$U/$t.target.wants"; do
    [ -d "$dir" ] || continue
    for unit in "$dir"/*; do [ -e "$unit" ] || [ -L "$unit" ] && ln -sf /dev/null "$U/$(basename "$unit")"; done
  done
done
cat > "$U/egov-test.target" <<EOS
[Unit]
Description=the box's units only (systemd-update-test.sh)
Wants=egov-box.service egov-box-install.path
EOS

# the one change to the package's units: the installer's --timeout (the package's is 300 s), how long a box
# has to come back green after the install and again after a rollback
install_timeout() { # install_timeout SECONDS
  mkdir -p "$U/egov-box-install.service.d"
  cat > "$U/egov-box-install.service.d/test-timeout.conf" <<EOS
[Service]
ExecStart=
ExecStart=/opt/egov-box/bin/appliance update install --timeout $1 --consume /var/lib/egov-box/update/install.update
EOS
}
install_timeout 90

cp "$BOX_DEB" "$R/tmp/egov-box.deb"
cp "$MANAGER_DEB" "$R/tmp/egov-manager.deb"
in_root dpkg -i /tmp/egov-box.deb > "$WORK/dpkg-box.log" 2>&1 || { cat "$WORK/dpkg-box.log"; echo "FAIL: dpkg -i egov-box"; exit 1; }
in_root dpkg -i /tmp/egov-manager.deb > "$WORK/dpkg-manager.log" 2>&1 || { cat "$WORK/dpkg-manager.log"; echo "FAIL: dpkg -i egov-manager"; exit 1; }
V1=$(dpkg-deb -f "$BOX_DEB" Version) V2="${V1}+pushed2" V3="${V1}+pushed3"
echo "ok: egov-box $V1 and egov-manager installed with plain dpkg -i (the root knows the host's packages)"

# the manager signs (its CA, its signing key), the box trusts the CA's root (enrolment puts it there)
head -c 24 /dev/urandom | base64 > "$R/var/lib/egov-manager/ca.pass" && chmod 600 "$R/var/lib/egov-manager/ca.pass"
in_root /opt/egov-manager/bin/manager ca init --config /etc/egov-manager/manager.conf > "$WORK/ca-init.txt"
in_root /opt/egov-manager/bin/manager ca export --config /etc/egov-manager/manager.conf --out /tmp/ca > /dev/null
mkdir -p "$R/etc/swanctl/x509ca" && cp "$R/tmp/ca/root.pem" "$R/etc/swanctl/x509ca/egov-update-test-root.pem"
repack v2 "$V2"; cp "$WORK/v2/v2.deb" "$R/tmp/v2.deb"
repack v3 "$V3" broken; cp "$WORK/v3/v3.deb" "$R/tmp/v3.deb"
for v in v2 v3; do
  in_root /opt/egov-manager/bin/manager update sign --config /etc/egov-manager/manager.conf --deb "/tmp/$v.deb" \
    --scope county:130602 --out "/tmp/$v.update" > "$WORK/sign-$v.txt"
done

unshare --pid --fork --mount-proc="$R/proc" chroot "$R" env container=other /lib/systemd/systemd --system \
  --unit=egov-test.target --log-target=console > "$WORK/systemd.log" 2>&1 < /dev/null &
UNSHARE=$!
SD=""
for _ in $(seq 50); do SD=$(pgrep -P "$UNSHARE" || true); [ -n "$SD" ] && break; sleep 0.1; done
[ -n "$SD" ] || { echo "FAIL: systemd did not start"; cat "$WORK/systemd.log"; exit 1; }
in_sd() { nsenter -t "$SD" -m -p -r -w "$@"; }
stop_systemd() { kill -s SIGRTMIN+4 "$SD" 2>/dev/null || true; for _ in $(seq 100); do kill -0 "$UNSHARE" 2>/dev/null || return 0; sleep 0.2; done; kill -9 "$UNSHARE" "$SD" 2>/dev/null || true; }
dump() { in_sd systemctl --no-pager status egov-box.service egov-box-install.path egov-box-install.service > "$WORK/units.txt" 2>&1 || true
  in_sd journalctl --no-pager -n 200 > "$WORK/journal.txt" 2>&1 || true; }
trap stop_systemd EXIT
healthy_at() { # healthy_at VERSION: the box that systemd runs reports VERSION and healthy
  for _ in $(seq 240); do
    in_root /opt/egov-box/bin/appliance status --data /var/lib/egov-box > "$WORK/status.txt" 2>&1 \
      && grep -qx "version $1" "$WORK/status.txt" && grep -q '^healthy true' "$WORK/status.txt" && return 0
    sleep 1
  done
  cat "$WORK/status.txt"; return 1
}
outcome() { # outcome: waits for the installer's outcome and the file's removal; prints the outcome
  for _ in $(seq 600); do
    [ -f "$R/var/lib/egov-box/update/outcome.json" ] && [ ! -e "$R/var/lib/egov-box/update/install.update" ] \
      && ! in_sd systemctl -q is-active egov-box-install.service && { cat "$R/var/lib/egov-box/update/outcome.json"; return 0; }
    sleep 1
  done
  return 1
}
push() { # push NAME: what the runtime does with a verified download (same folder, then a rename)
  rm -f "$R/var/lib/egov-box/update/outcome.json"
  cp "$R/tmp/$1.update" "$R/var/lib/egov-box/update/download.update"
  mv "$R/var/lib/egov-box/update/download.update" "$R/var/lib/egov-box/update/install.update"
}

check "systemd runs egov-box.service and the box is healthy at $V1" "healthy_at '$V1' && in_sd systemctl -q is-active egov-box.service"
check "egov-box-install.path waits for an update" "[ \"\$(in_sd systemctl show -P SubState egov-box-install.path)\" = waiting ]"
mkdir -p "$R/var/lib/egov-box/update"
PID1=$(in_sd systemctl show -P MainPID egov-box.service)

push v2
check "the path unit started the installer, which installed $V2 and removed the file" \
  "outcome > $WORK/outcome-v2.json && grep -q '\"state\":\"DONE\"' $WORK/outcome-v2.json && grep -q 'installed $V2' $WORK/outcome-v2.json && [ \"\$(in_root dpkg-query -W -f '\${Version}' egov-box)\" = '$V2' ]"
check "egov-box-install.service ran to its end (exit 0)" "[ \"\$(in_sd systemctl show -P Result egov-box-install.service)\" = success ]"
check "systemd restarted the box (a new main process) and it is healthy at $V2" \
  "healthy_at '$V2' && [ \"\$(in_sd systemctl show -P MainPID egov-box.service)\" != '$PID1' ] && in_sd systemctl -q is-active egov-box.service"
check "the path unit waits again" "[ \"\$(in_sd systemctl show -P SubState egov-box-install.path)\" = waiting ]"

# the broken box never comes back, so the installer waits out its whole timeout before it rolls back: 30 s, not 90,
# are that wait (the rollback's box, the version systemd ran a moment ago, is back green in seconds)
install_timeout 30
in_sd systemctl daemon-reload
push v3
check "an update whose box does not come back is rolled back by the installer under systemd" \
  "outcome > $WORK/outcome-v3.json && grep -q '\"state\":\"ROLLED_BACK\"' $WORK/outcome-v3.json && grep -q 'rolled back to $V2: the box did not come back' $WORK/outcome-v3.json && [ \"\$(in_root dpkg-query -W -f '\${Version}' egov-box)\" = '$V2' ]"
check "after the rollback systemd runs the box at $V2 and it is healthy" "healthy_at '$V2' && in_sd systemctl -q is-active egov-box.service"
check "the path unit waits again after the rollback" "[ \"\$(in_sd systemctl show -P SubState egov-box-install.path)\" = waiting ]"
dump
echo "systemd update: every check passed"
