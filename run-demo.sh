#!/usr/bin/env bash
# One-command demo, the technician's day in miniature (root: network namespaces): builds
# everything, then runs image/lab/technician-day.sh: the provincial manager (CA with EST, broker
# over TLS, web) in a data-centre namespace, a backbone hub with strongSwan, and one box with its
# LAN, external network and Internet line, fresh from its distribution. The province issues a
# token and publishes the baseline policy for the county; 'appliance setup' checks the ports,
# enrols the box, brings the tunnel up, waits for the signed policy, checks the route guard and
# the address plan and ends with the self-test. The demo ends when the unit is green on the NOC
# page (CONNECTED, signed policy in force, no MAJOR or CRITICAL alarm standing) and every self-test
# line is OK, and prints how long it took; it stays up until Ctrl-C.
#   sudo ./run-demo.sh                 SKIP_BUILD=1 reuses the last build; EGOV_BUILD_DIR picks the build folder
# Nothing touches this machine's firewall or routes: everything runs in namespaces, and one /30
# link (10.255.253.1 here, 10.255.253.2 the manager) lets a browser reach the NOC pages.
set -euo pipefail
cd "$(dirname "$0")"
BUILD_DIR=${EGOV_BUILD_DIR:-target}
[ "$(id -u)" = 0 ] || { echo "run-demo.sh needs root (network namespaces; nftables and strongSwan inside them): sudo ./run-demo.sh" >&2; exit 2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building (mvn -q -DskipTests package) ..."
  mvn -q -B -DskipTests -Degov.buildDir="$BUILD_DIR" package
fi
KEEP=1 BUILD_DIR="$BUILD_DIR" DEMO_DIR="${DEMO_DIR:-$PWD/run/demo}" exec image/lab/technician-day.sh
