#!/usr/bin/env bash
# Builds egov-box_<version>_all.deb from the box tarball (build it first: mvn -q -DskipTests package).
#   image/package-deb.sh [TARBALL] [OUTPUT_DIR]
# Layout: /opt/egov-box (distribution), /etc/egov-box (configuration, conffiles),
# /lib/systemd/system/egov-box.service; /var/lib/egov-box is created by systemd (StateDirectory).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=${1:-$(ls "$ROOT"/appliance/target/egov-box-*.tar.gz | head -1)}
OUT=${2:-$(dirname "$TARBALL")}
NAME=$(basename "$TARBALL" .tar.gz)                 # egov-box-0.1.0-SNAPSHOT
VERSION=${NAME#egov-box-}
DEB_VERSION=${VERSION//-SNAPSHOT/~snapshot}         # Debian orders ~ before the release
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

PKG=$WORK/pkg
mkdir -p "$PKG/opt" "$PKG/etc/egov-box" "$PKG/lib/systemd/system" "$PKG/DEBIAN"
tar -xzf "$TARBALL" -C "$PKG/opt"
mv "$PKG/opt/$NAME" "$PKG/opt/egov-box"
cp "$PKG/opt/egov-box/config/"*.cfg "$PKG/etc/egov-box/"
mv "$PKG/opt/egov-box/systemd/egov-box.service" "$PKG/lib/systemd/system/"
rmdir "$PKG/opt/egov-box/systemd"

cat > "$PKG/DEBIAN/control" <<CONTROL
Package: egov-box
Version: $DEB_VERSION
Architecture: all
Maintainer: Provincial e-government edge network <noc@example.invalid>
Depends: openjdk-17-jre-headless | java17-runtime-headless, nftables, libpcap0.8
Recommends: charon-systemd, strongswan-swanctl, libcharon-extra-plugins
Section: net
Priority: optional
Description: Provincial e-government edge box
 OSGi runtime (Apache Felix) with the box's bundles: isolation policy on nftables, address-plan
 checks, PKI enrolment, strongSwan tunnel, MQTT telemetry with a durable outbox.
CONTROL
(cd "$PKG" && find etc -type f | sed 's|^|/|') > "$PKG/DEBIAN/conffiles"
cat > "$PKG/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
set -e
if [ "$1" = configure ] && command -v systemctl >/dev/null 2>&1; then
  systemctl daemon-reload || true
  echo "egov-box: set the identity in /etc/egov-box/cn.egov.identity.cfg, then: systemctl enable --now egov-box"
fi
POSTINST
cat > "$PKG/DEBIAN/prerm" <<'PRERM'
#!/bin/sh
set -e
if command -v systemctl >/dev/null 2>&1; then systemctl stop egov-box 2>/dev/null || true; fi
PRERM
chmod 0755 "$PKG/DEBIAN/postinst" "$PKG/DEBIAN/prerm"
dpkg-deb --root-owner-group --build "$PKG" "$OUT/egov-box_${DEB_VERSION}_all.deb"
