#!/usr/bin/env bash
# The technician's day in miniature, in network namespaces (root): the provincial manager (CA with
# EST, broker over TLS, web) in a data-centre namespace, a backbone hub with strongSwan, and one box
# with its LAN, external network and Internet line. The box starts unconfigured, as from its
# package; 'appliance setup' takes the unit code and a one-time token and does the rest. The day
# ends when the NOC sees the unit green (CONNECTED, signed policy in force, no MAJOR or CRITICAL
# alarm standing) and every line of the box's self-test is OK. The host's firewall and routes are
# never touched: only a /30 link from the host to the data centre, for the browser.
#
#   image/lab/technician-day.sh            (run-demo.sh builds first, then runs this and stays up)
#
# Environment:
#   BUILD_DIR    Maven build folder of the tree (target)           DEMO_DIR  work folder (run/demo)
#   NS           namespace prefix (egovd; at most 8 characters)    UNIT      the unit (130602-001)
#   KEEP=1       stay up until Ctrl-C (the demo); otherwise tear down and exit: 0 green, 1 not
#   SETUP_WAIT   seconds each setup step waits for the box (90)
#   FAULT        one technician's mistake to make on purpose; setup must then stop, name it and
#                leave the box as it was (exit 0 when it did): wrong-token, swapped-cables,
#                address-outside-plan, hub-unreachable, clock-wrong
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-target}
DEMO=${DEMO_DIR:-$ROOT/run/demo}
NS=${NS:-egovd}
UNIT=${UNIT:-130602-001}
COUNTY=${UNIT%%-*}
KEEP=${KEEP:-}
SETUP_WAIT=${SETUP_WAIT:-90}
FAULT=${FAULT:-}
READY_TIMEOUT_S=120

BOX_DIST=$ROOT/appliance/$BUILD_DIR/dist
MANAGER_JAR=$(ls "$ROOT"/manager/"$BUILD_DIR"/manager-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1 || true)
fail() { echo "technician-day: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || fail "needs root: network namespaces, and nftables and strongSwan inside them (sudo $0)"
[ -x "$BOX_DIST/bin/appliance" ] || fail "no box distribution in $BOX_DIST: build first (mvn -DskipTests package)"
[ -n "$MANAGER_JAR" ] || fail "no manager jar in manager/$BUILD_DIR: build first (mvn -DskipTests package)"
for tool in ip nft openssl java /usr/sbin/charon-systemd swanctl; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install iproute2 nftables openssl openjdk-17-jre-headless charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins"
done
case "$FAULT" in ""|wrong-token|swapped-cables|address-outside-plan|hub-unreachable|clock-wrong) ;; *) fail "unknown FAULT '$FAULT'";; esac
[ "$FAULT" != clock-wrong ] || command -v faketime >/dev/null || fail "FAULT=clock-wrong needs faketime (apt-get install faketime)"

START=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - START) / 1000000 ))" | sed 's/\(...\)$/.\1/'; }
say() { printf '[%6s s] %s\n' "$(elapsed)" "$*"; }
ns() { local n=$1; shift; ip netns exec "$NS-$n" "$@"; }
manager() { EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" "$@"; }

PIDS=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for n in dc hub box lan ext inet; do ip netns del "$NS-$n" 2>/dev/null || true; done
  ip link del "$NS-noc" 2>/dev/null || true
}
# leftovers of an interrupted run with the same prefix
cleanup
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

rm -rf "$DEMO"
mkdir -p "$DEMO"/{hub,box,pki}

# --- the network ---------------------------------------------------------------------------
for n in dc hub box lan ext inet; do ip netns add "$NS-$n"; ns "$n" ip link set lo up; done
# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B
link() {
  ip -n "$NS-$1" link add "$2" type veth peer name "$5" netns "$NS-$4"
  ns "$1" ip addr add "$3" dev "$2"; ns "$1" ip link set "$2" up
  ns "$4" ip addr add "$6" dev "$5"; ns "$4" ip link set "$5" up
}
LAN_IF=eth1 EXT_IF=eth2 BOX_LAN=10.6.8.1/25 LAN_HOST=10.6.8.5/25
[ "$FAULT" != swapped-cables ] || { LAN_IF=eth2; EXT_IF=eth1; }   # the two LAN cables in each other's port
[ "$FAULT" != address-outside-plan ] || { BOX_LAN=192.168.1.1/24; LAN_HOST=192.168.1.5/24; }
link box eth0 192.0.2.1/24 hub wan0 192.0.2.2/24
link hub dc0 10.200.0.1/24 dc eth0 10.200.0.10/24
link inet eth0 198.51.100.2/24 box eth3 198.51.100.1/24
if [ "$FAULT" = swapped-cables ]; then
  # the box's ports keep their addresses; the hosts behind them are swapped
  ip -n "$NS-box" link add eth1 type veth peer name eth0 netns "$NS-ext"
  ip -n "$NS-box" link add eth2 type veth peer name eth0 netns "$NS-lan"
  ns box ip addr add "$BOX_LAN" dev eth1; ns box ip addr add 198.18.80.17/28 dev eth2
  ns lan ip addr add "$LAN_HOST" dev eth0; ns ext ip addr add 198.18.80.18/28 dev eth0
  for i in eth1 eth2; do ns box ip link set "$i" up; done
  ns lan ip link set eth0 up; ns ext ip link set eth0 up
else
  link lan eth0 "$LAN_HOST" box eth1 "$BOX_LAN"
  link ext eth0 198.18.80.18/28 box eth2 198.18.80.17/28
fi
ns box ip route add default via 192.0.2.2
ns dc ip route add default via 10.200.0.1
ns lan ip route add default via "${BOX_LAN%/*}"
ns ext ip route add default via 198.18.80.17
ns inet ip route add default via 198.51.100.1
for n in hub box; do ns "$n" sysctl -qw net.ipv4.ip_forward=1; done
# the browser's way to the manager's web pages: one /30 from the host into the data centre
ip link add "$NS-noc" type veth peer name noc0 netns "$NS-dc"
ip addr add 10.255.253.1/30 dev "$NS-noc"; ip link set "$NS-noc" up
ns dc ip addr add 10.255.253.2/30 dev noc0; ns dc ip link set noc0 up
say "network: data centre 10.200.0.10, hub 192.0.2.2, box $NS-box (eth0 uplink, eth1 internal, eth2 external, eth3 Internet)"

# --- the manager ---------------------------------------------------------------------------
NOC_TOKEN=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
(umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DEMO/ca.pass" && printf '%s\n' "$NOC_TOKEN" > "$DEMO/noc.token")
cat > "$DEMO/manager.properties" <<CONF
# written by image/lab/technician-day.sh
data.dir = $DEMO/manager-data
auth.noc.token = $NOC_TOKEN
ca.passphrase-file = $DEMO/ca.pass
ca.bind = 10.200.0.10
ca.est-ips = 10.200.0.10
ca.est-port = 8443
ca.http-port = 8081
ca.crl-copy-dirs = $DEMO/hub/swanctl/x509crl
broker.bind = 10.200.0.10
broker.tls.port = 8883
broker.tls.ips = 10.200.0.10
web.bind = 10.255.253.2
web.port = 8080
web.tls = ca
web.tls.ips = 10.255.253.2
plan.dir = $ROOT/rules/plan
CONF
chmod 600 "$DEMO/manager.properties"
mkdir -p "$DEMO/hub/swanctl"/{x509,x509ca,x509crl,private}
manager ca init -c "$DEMO/manager.properties" > "$DEMO/ca-init.log" 2>&1 \
  || { cat "$DEMO/ca-init.log" >&2; fail "manager ca init failed"; }
manager ca export -c "$DEMO/manager.properties" --out "$DEMO/pki" > /dev/null
ip netns exec "$NS-dc" env EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" run --config "$DEMO/manager.properties" \
  > "$DEMO/manager.log" 2>&1 &
PIDS+=($!)
for _ in $(seq "$READY_TIMEOUT_S"); do
  grep -q "^fleet: " "$DEMO/manager.log" && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { tail -20 "$DEMO/manager.log" >&2; fail "the manager exited"; }
  sleep 1
done
grep -q "^fleet: " "$DEMO/manager.log" || fail "the manager did not report ready in ${READY_TIMEOUT_S}s (log: $DEMO/manager.log)"
say "manager: CA, EST https://10.200.0.10:8443, broker ssl://10.200.0.10:8883, web https://10.255.253.2:8080"

# --- the backbone hub ----------------------------------------------------------------------
# root and issuing CA apart (chain.pem is issuing + root)
awk '/BEGIN CERT/{n++} n==1' "$DEMO/pki/chain.pem" > "$DEMO/pki/issuing.pem"
cp "$DEMO/pki/root.pem" "$DEMO/pki/ca-root.pem"
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$DEMO/hub/hub.key"
openssl pkey -in "$DEMO/hub/hub.key" -pubout -out "$DEMO/hub/hub.pub"
manager ca issue-hub -c "$DEMO/manager.properties" --public-key "$DEMO/hub/hub.pub" --name hub.backbone.hebei.gov.cn \
  --dns hub.backbone.hebei.gov.cn --ip 192.0.2.2 --out "$DEMO/hub/hub.pem" > "$DEMO/hub/issue.log"
manager hub-config --plan "$ROOT/rules/plan" --hub-address 192.0.2.2 --hub-cert "$DEMO/hub/hub.pem" --hub-key "$DEMO/hub/hub.key" \
  --ca-cert "$DEMO/pki/ca-root.pem" --ca-cert "$DEMO/pki/issuing.pem" --backbone 10.200.0.0/16 --out "$DEMO/hub/swanctl" > /dev/null
HUB_ID=$(openssl x509 -in "$DEMO/hub/hub.pem" -noout -subject -nameopt sep_comma_plus_space,dn_rev,sname | sed 's/^subject=//')
# charon_conf DIR: strongswan.conf for one daemon per namespace (LAB-NOTES: kernel-libipsec, kdf, own VICI socket)
charon_conf() {
  cat > "$1/strongswan.conf" <<SWAN
charon-systemd {
  load = random nonce openssl kdf pem pkcs1 pkcs8 x509 revocation constraints pubkey kernel-libipsec kernel-netlink socket-default vici updown
  retransmit_timeout = 1.0
  retransmit_tries = 2
  plugins {
    vici {
      socket = unix://$1/charon.vici
    }
  }
  journal {
    default = -1
  }
  filelog {
    charon {
      path = $1/charon.log
      default = 1
      ike = 2
      flush_line = yes
    }
  }
}
swanctl {
  load = openssl pem pkcs1 pkcs8 x509
  socket = unix://$1/charon.vici
}
SWAN
}
start_charon() { # NAMESPACE DIR
  ip netns exec "$NS-$1" env STRONGSWAN_CONF="$2/strongswan.conf" /usr/sbin/charon-systemd > /dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 50); do [ -S "$2/charon.vici" ] && return 0; sleep 0.2; done
  fail "charon in $NS-$1 did not start (log: $2/charon.log)"
}
charon_conf "$DEMO/hub"
charon_conf "$DEMO/box"
if [ "$FAULT" != hub-unreachable ]; then
  start_charon hub "$DEMO/hub"
  ip netns exec "$NS-hub" env SWANCTL_DIR="$DEMO/hub/swanctl" swanctl --load-all --noprompt --uri "unix://$DEMO/hub/charon.vici" \
    --file "$DEMO/hub/swanctl/swanctl.conf" \
    > "$DEMO/hub/load.log" 2>&1 || { cat "$DEMO/hub/load.log" >&2; fail "the hub's swanctl --load-all failed"; }
  say "hub: strongSwan for every unit of the plan (identity $HUB_ID)"
else
  say "hub: strongSwan NOT started (FAULT=hub-unreachable)"
fi
# the box's daemon: the strongSwan package's service on a real box
start_charon box "$DEMO/box"

# --- the province's office: a token for the unit, the policy for its county -----------------
manager ca token -c "$DEMO/manager.properties" --unit "$UNIT" > "$DEMO/token.txt" 2>&1 \
  || { cat "$DEMO/token.txt" >&2; fail "manager ca token failed"; }
TOKEN=$(sed -n 's/^token: //p' "$DEMO/token.txt")
FINGERPRINT=$(sed -n 's/^root fingerprint: //p' "$DEMO/token.txt")
[ "$FAULT" != wrong-token ] || TOKEN=${TOKEN%????}XXXX
keytool -importcert -noprompt -alias root -file "$DEMO/pki/ca-root.pem" -keystore "$DEMO/pki/trust.p12" -storetype PKCS12 \
  -storepass changeit > /dev/null 2>&1
MANAGER_JAVA_OPTS="-Djavax.net.ssl.trustStore=$DEMO/pki/trust.p12 -Djavax.net.ssl.trustStorePassword=changeit" \
  manager policy publish --url https://10.255.253.2:8080 --token-file "$DEMO/noc.token" --dir "$ROOT/rules/policy/baseline" \
  --scope "county:$COUNTY" > "$DEMO/publish.log" 2>&1 || { cat "$DEMO/publish.log" >&2; fail "manager policy publish failed"; }
say "province: token for $UNIT; $(head -1 "$DEMO/publish.log")"

# --- the box, fresh from its package --------------------------------------------------------
CFG=$DEMO/box-config
cp -r "$BOX_DIST/config" "$CFG"
# the province's values for this lab (a package carries its province's in /etc/egov-box)
sed -i "s|^est.url = .*|est.url = https://10.200.0.10:8443|" "$CFG/cn.egov.pki.cfg"
sed -i "s|^broker.url = .*|broker.url = ssl://10.200.0.10:8883|; s|^outbox.sync = .*|outbox.sync = NORMAL|; s|^health.interval.s = .*|health.interval.s = 10|" \
  "$CFG/setup/cn.egov.telemetry.cfg"
sed -i "s|^outbox.sync = .*|outbox.sync = NORMAL|" "$CFG/cn.egov.telemetry.cfg"
sed -i "s|^hub.address = .*|hub.address = 192.0.2.2|; s|^hub.id = .*|hub.id = $HUB_ID|" "$CFG/setup/cn.egov.vpn.tunnel.cfg"
cat >> "$CFG/setup/cn.egov.vpn.tunnel.cfg" <<CONF
# this lab: the box's own charon, userspace IPsec (no kernel IPsec crypto here)
swanctl.dir = $DEMO/box/swanctl
vici.socket = $DEMO/box/charon.vici
libipsec = true
poll.interval.s = 1
CONF
# the lab host's /etc/hosts is not the site's
echo "hostsFile = " >> "$CFG/setup/cn.egov.addressplan.cfg"
ns box "$BOX_DIST/bin/appliance" run --config "$CFG" --data "$DEMO/box-data" > "$DEMO/box.log" 2>&1 &
PIDS+=($!)
BOX_PID=$!
for _ in $(seq "$READY_TIMEOUT_S"); do
  ns box "$BOX_DIST/bin/appliance" status --data "$DEMO/box-data" > /dev/null 2>&1 && break
  kill -0 "$BOX_PID" 2>/dev/null || { tail -20 "$DEMO/box.log" >&2; fail "the box exited"; }
  sleep 1
done
say "box: running, not set up ($(ns box "$BOX_DIST/bin/appliance" status --data "$DEMO/box-data" | grep -c '^alarm WARNING pki.not-enrolled') standing WARNING: not enrolled)"
# the people on the site use their networks: their computers talk to the box
ns lan ping -c1 -W1 "${BOX_LAN%/*}" > /dev/null 2>&1 || true
ns ext ping -c1 -W1 198.18.80.17 > /dev/null 2>&1 || true

# --- the technician ------------------------------------------------------------------------
say "technician: appliance setup --unit $UNIT --token ${TOKEN:0:4}... --root-fingerprint ${FINGERPRINT:0:11}..."
SETUP=(ns box "$BOX_DIST/bin/appliance" setup --config "$CFG" --data "$DEMO/box-data" --unit "$UNIT" --token "$TOKEN"
       --root-fingerprint "$FINGERPRINT" --wait "$SETUP_WAIT")
[ "$FAULT" != clock-wrong ] || SETUP=(ns box faketime -f -3d "$BOX_DIST/bin/appliance" setup --config "$CFG" --data "$DEMO/box-data"
       --unit "$UNIT" --token "$TOKEN" --root-fingerprint "$FINGERPRINT" --wait "$SETUP_WAIT")
set +e
"${SETUP[@]}" 2>&1 | tee "$DEMO/setup.log"
SETUP_EXIT=${PIPESTATUS[0]}
set -e

if [ -n "$FAULT" ]; then
  # the mistake must stop setup, and the box must be as it was before the failed step
  ns box "$BOX_DIST/bin/appliance" status --data "$DEMO/box-data" > "$DEMO/status-after.txt" 2>&1 || true
  say "setup exit $SETUP_EXIT with FAULT=$FAULT"
  ls "$CFG" > "$DEMO/config-after.txt"
  [ "$SETUP_EXIT" = 1 ] && exit 0 || exit 1
fi

# --- the NOC -------------------------------------------------------------------------------
GREEN=1
[ "$SETUP_EXIT" = 0 ] || GREEN=0
STATUS=$(ns box "$BOX_DIST/bin/appliance" status --data "$DEMO/box-data" 2>&1) || GREEN=0
echo "$STATUS" > "$DEMO/status.txt"
grep -q '^healthy true$' <<<"$STATUS" || GREEN=0
grep -E '^selftest (WARN|FAIL)' <<<"$STATUS" && GREEN=0
echo "box self-test: $(grep -c '^selftest OK' <<<"$STATUS") lines OK, $(grep -cE '^selftest (WARN|FAIL)' <<<"$STATUS") not"
# the manager may take a moment to hear the box's last reports
for _ in $(seq 30); do
  java -cp "$(dirname "$MANAGER_JAR")/lib/*" "$ROOT/image/lab/NocCheck.java" https://10.255.253.2:8080 "$DEMO/pki/ca-root.pem" \
    "$NOC_TOKEN" "$UNIT" > "$DEMO/noc.txt" 2>&1 && break
  sleep 2
done
cat "$DEMO/noc.txt"
grep -q "^NOT GREEN\|Exception" "$DEMO/noc.txt" && GREEN=0
if [ "$GREEN" = 1 ]; then
  say "GREEN: unit $UNIT from an unpacked box to green on the NOC page in $(elapsed) s"
else
  say "NOT GREEN after $(elapsed) s: see $DEMO/setup.log, $DEMO/status.txt, $DEMO/noc.txt, $DEMO/box.log, $DEMO/manager.log"
fi
if [ -n "$KEEP" ]; then
  echo "fleet page: https://10.255.253.2:8080/fleet  (user noc, password $NOC_TOKEN; the browser warns:"
  echo "  the provincial CA is not installed, its root is $DEMO/pki/ca-root.pem)"
  echo "the box: ip netns exec $NS-box $BOX_DIST/bin/appliance status --data $DEMO/box-data"
  echo "Ctrl-C stops everything and removes the namespaces."
  wait -n "${PIDS[@]}" || true
  echo "a process exited; see $DEMO/manager.log and $DEMO/box.log"
fi
[ "$GREEN" = 1 ]
