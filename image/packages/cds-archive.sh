#!/bin/bash
# Lays out /opt/egov-box and /opt/egov-manager as the packages install them (the class path's files,
# with the packages' file time) and dumps each one's class-data-sharing archive there, for jdeb to
# package (lib/appliance.jsa, lib/manager.jsa).
#   cds-archive.sh STAGE BOX_DIST MANAGER_JAR MANAGER_LIB MANAGER_LAUNCHER TIMESTAMP VERSION
# TIMESTAMP (ISO 8601, UTC) is the time jdeb gives every file of the packages (outputTimestamp);
# VERSION the project's version, written (as Debian's package version) to /opt/egov-box/VERSION, which
# the launcher reports (status.txt, BIRTH) and an update waits for.
#
# Why the staging: JDK 17 accepts an archive only with the class path it was dumped with, jar for
# jar, path, size and modification time included. So the archive is dumped at the installed paths:
# the staged tree is bind-mounted on /opt in a private mount (and network) namespace, which nothing
# outside this script sees; the packages then take the staged files themselves. The archive's
# classes are what training runs of the commands load (-XX:DumpLoadedClassList): help, an audit of a
# two-packet capture (one violation), a policy check and apply in the namespace's own empty firewall, plan commands.
# Without a usable namespace (not root and no user namespaces) the packages are built without an
# archive: the launchers then start without it, and CleanRootInstallIT fails.
set -euo pipefail
STAGE=$1 BOX_DIST=$2 MANAGER_JAR=$3 MANAGER_LIB=$4 MANAGER_LAUNCHER=$5 TIMESTAMP=$6 VERSION=$7

if [ "${EGOV_CDS_INSIDE:-}" != yes ]; then
  rm -rf "$STAGE"
  box=$STAGE/opt/egov-box manager=$STAGE/opt/egov-manager
  mkdir -p "$box" "$manager/bin" "$manager/lib" "$STAGE/work"
  cp -r "$BOX_DIST/bin" "$BOX_DIST/lib" "$BOX_DIST/bundles" "$BOX_DIST/rules" "$box/"
  # as jdeb names the package's version: a SNAPSHOT sorts before its release (~)
  echo "${VERSION/-SNAPSHOT/~SNAPSHOT}" > "$box/VERSION"
  cp "$MANAGER_JAR" "$manager/manager.jar"
  # Netty's kqueue transport is for macOS only: not packaged (lintian), so not on the class path either
  find "$MANAGER_LIB" -maxdepth 1 -name '*.jar' ! -name 'netty-transport-native-kqueue-*' -exec cp {} "$manager/lib/" \;
  cp "$MANAGER_LAUNCHER" "$manager/bin/manager"
  chmod 755 "$manager/bin/manager" "$box/bin/appliance"
  cp -r "$BOX_DIST/rules" "$manager/rules"
  find "$STAGE/opt" -exec touch -h -d "$TIMESTAMP" {} +
  if [ "$(id -u)" = 0 ]; then ns=(unshare --mount --net); else ns=(unshare --user --map-root-user --mount --net); fi
  if ! EGOV_CDS_INSIDE=yes "${ns[@]}" "$0" "$@"; then
    echo "cds-archive.sh: WARNING: no class-data-sharing archive (no private mount namespace here); the packages start without one" >&2
    rm -f "$box/lib/appliance.jsa" "$manager/lib/manager.jsa"
  fi
  exit 0
fi

# --- inside the private namespaces: the staged tree is /opt ---
JAVA_BIN=$(readlink -f "$(command -v "${JAVA_HOME:+$JAVA_HOME/bin/}java")")
case "$JAVA_BIN" in /opt/*) echo "cds-archive.sh: the JVM ($JAVA_BIN) lives under /opt, which the staged tree hides" >&2; exit 1 ;; esac
mount --make-rprivate / 2>/dev/null || true
mount --bind "$STAGE/opt" /opt
ip link set lo up 2>/dev/null || true
W=$STAGE/work

# a capture of two UDP packets from the internal zone (pcap, Ethernet): one to the backbone, one a DNS
# query to an Internet address, a violation: the classes that report one (a finding, the report's
# entries) are in the archive too, else the first violation of an audit loads them from the jars,
# opening every jar of the class path before isolation's (~0.1 s; bench/RESULTS.md, "start-up")
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' > "$W/train.pcap"
printf '\x00\x00\x00\x00\x00\x00\x00\x00\x2a\x00\x00\x00\x2a\x00\x00\x00' >> "$W/train.pcap"
printf '\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00' >> "$W/train.pcap"
printf '\x45\x00\x00\x1c\x00\x00\x40\x00\x40\x11\x00\x00\x0a\x06\x08\x0a\x0a\x00\x00\x01' >> "$W/train.pcap"
printf '\x13\x88\x00\x35\x00\x08\x00\x00' >> "$W/train.pcap"
printf '\x00\x00\x00\x00\x00\x00\x00\x00\x2a\x00\x00\x00\x2a\x00\x00\x00' >> "$W/train.pcap"
printf '\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00' >> "$W/train.pcap"
printf '\x45\x00\x00\x1c\x00\x00\x40\x00\x40\x11\x00\x00\x0a\x06\x08\x0a\xc6\x33\x64\x07' >> "$W/train.pcap"
printf '\x13\x88\x00\x35\x00\x08\x00\x00' >> "$W/train.pcap"

# train NAME COMMAND...: the classes COMMAND loads, into $W/NAME.lst (its exit status does not matter)
box_train() { local n=$1; shift; APPLIANCE_JAVA_OPTS="-XX:DumpLoadedClassList=$W/box-$n.lst" /opt/egov-box/bin/appliance "$@" > "$W/box-$n.out" 2>&1 || true; }
manager_train() { local n=$1; shift; MANAGER_JAVA_OPTS="-XX:DumpLoadedClassList=$W/manager-$n.lst" /opt/egov-manager/bin/manager "$@" > "$W/manager-$n.out" 2>&1 || true; }
# one list from several: the id numbers are per run, so drop them; keep the first of each line; classes
# of other loaders ("source:") are for the run that loaded them only
merge() { cat "$@" | grep -v ' source: ' | sed -E 's/ id: [0-9]+$//' | awk '!seen[$0]++'; }

B=/opt/egov-box P=/opt/egov-box/rules/policy/baseline
box_train help --help
box_train audit audit --policy "$P" --pcap "$W/train.pcap" --interface eth1
box_train audit-json audit --policy "$P" --pcap "$W/train.pcap" --interface eth1 --json
box_train print policy print "$P"
box_train check policy --lock "$W/nft.lock" --no-route-guard check "$P"
box_train apply policy --lock "$W/nft.lock" --no-route-guard apply "$P"
box_train status status --data "$W/no-box"
merge "$W"/box-*.lst > "$W/box.lst"
APPLIANCE_JAVA_OPTS="-Xshare:dump -XX:SharedClassListFile=$W/box.lst -XX:SharedArchiveFile=$B/lib/appliance.jsa" \
  $B/bin/appliance --version > "$W/box-dump.out" 2>&1 || { cat "$W/box-dump.out" >&2; exit 1; }

M=/opt/egov-manager
manager_train help --help
manager_train plan-check plan check $M/rules/plan
manager_train plan-json plan check --json $M/rules/plan
manager_train whois plan whois 10.6.8.1 --plan $M/rules/plan
merge "$W"/manager-*.lst > "$W/manager.lst"
# dumped through 'run', whose flags are the JVM's defaults (G1, which the server runs with: its archived
# heap objects are used there); the one-shot commands (serial GC) use the classes only
MANAGER_JAVA_OPTS="-Xshare:dump -XX:SharedClassListFile=$W/manager.lst -XX:SharedArchiveFile=$M/lib/manager.jsa" \
  $M/bin/manager run > "$W/manager-dump.out" 2>&1 || { cat "$W/manager-dump.out" >&2; exit 1; }
# named by their staged paths: /opt here is the private bind mount, nothing was written to this machine's /opt
echo "cds-archive.sh: class-data-sharing archives $STAGE/opt/egov-box/lib/appliance.jsa ($(du -m $B/lib/appliance.jsa | cut -f1) MB)" \
  "and $STAGE/opt/egov-manager/lib/manager.jsa ($(du -m $M/lib/manager.jsa | cut -f1) MB)"
