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
#   SCENARIOS    what the technician's day holds, in order (default: green). Besides green, one
#                mistake each, made on purpose with a fresh box on the same manager and hub: setup
#                must stop at it and name it; the test (TechnicianDayIT) reads DEMO_DIR/<scenario>/:
#                wrong-token, swapped-cables, address-outside-plan, hub-unreachable, clock-wrong
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=${BUILD_DIR:-target}
DEMO=${DEMO_DIR:-$ROOT/run/demo}
NS=${NS:-egovd}
UNIT=${UNIT:-130602-001}
COUNTY=${UNIT%%-*}
KEEP=${KEEP:-}
SETUP_WAIT=${SETUP_WAIT:-90}
SCENARIOS=${SCENARIOS:-green}
READY_TIMEOUT_S=180

BOX_DIST=$ROOT/appliance/$BUILD_DIR/dist
MANAGER_JAR=$(ls "$ROOT"/manager/"$BUILD_DIR"/manager-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1 || true)
fail() { echo "technician-day: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || fail "needs root: network namespaces, and nftables and strongSwan inside them (sudo $0)"
[ -x "$BOX_DIST/bin/appliance" ] || fail "no box distribution in $BOX_DIST: build first (mvn -DskipTests package)"
[ -n "$MANAGER_JAR" ] || fail "no manager jar in manager/$BUILD_DIR: build first (mvn -DskipTests package)"
for tool in ip nft openssl java javac keytool /usr/sbin/charon-systemd swanctl; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install iproute2 nftables openssl openjdk-17-jdk-headless charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-standard-plugins"
done
# the browser's way to the manager is one fixed /30 on the host: a second run (or one killed before it
# cleaned up) would take the route and this run's manager could not be reached
held=$(ip -o addr show to 10.255.253.0/30 | awk '{print $2}' | head -1)
[ -z "$held" ] || fail "10.255.253.1/30 is already on $held: another technician's day is running or was killed before its clean-up (remove it: ip link del $held; ip netns list shows its namespaces)"
for s in $SCENARIOS; do
  case "$s" in green|wrong-token|swapped-cables|address-outside-plan|hub-unreachable|clock-wrong) ;; *) fail "unknown scenario '$s'";; esac
  [ "$s" != clock-wrong ] || command -v faketime >/dev/null || fail "scenario clock-wrong needs faketime (apt-get install faketime)"
done

START=$(date +%s%N)
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
seconds() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }
say() { printf '[%7s s] %s\n' "$(seconds "$(ms_since "$START")")" "$*"; }
ns() { local n=$1; shift; ip netns exec "$NS-$n" "$@"; }
manager() { EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" "$@"; }

PIDS=()        # the manager and the daemons of the day
BOX_PIDS=()    # the box of the current scenario and its charon
# stop_pids PID...: SIGTERM, then wait until each is gone (some are not this shell's children: a
# daemon started in a command substitution), SIGKILL after 30 s
stop_pids() {
  local pid
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    wait "$pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || continue 2; sleep 0.2; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
site_down() {
  stop_pids "${BOX_PIDS[@]}"
  BOX_PIDS=()
  for n in box lan ext inet; do ip netns del "$NS-$n" 2>/dev/null || true; done
  # a namespace goes (with the hub's end of the uplink cable) once its last process has
  for _ in $(seq 50); do ip -n "$NS-hub" link show wan0 > /dev/null 2>&1 || return 0; sleep 0.2; done
  ip -n "$NS-hub" link del wan0 2>/dev/null || true
}
cleanup() {
  # a second Ctrl-C while cleaning up would leave namespaces and the manager behind: finish first
  # (bounded: stop_pids kills what has not stopped after 30 s)
  trap '' INT TERM
  trap - EXIT
  site_down
  stop_pids "${PIDS[@]}"
  for n in dc hub; do ip netns del "$NS-$n" 2>/dev/null || true; done
  ip link del "$NS-noc" 2>/dev/null || true
}
cleanup   # leftovers of an interrupted run with the same prefix
trap 'cleanup; exit 130' INT TERM
trap cleanup EXIT

rm -rf "$DEMO"
mkdir -p "$DEMO"/{hub,pki}

# link NS_A IF_A ADDR_A NS_B IF_B ADDR_B: a cable between two namespaces
link() {
  ip -n "$NS-$1" link add "$2" type veth peer name "$5" netns "$NS-$4"
  ns "$1" ip addr add "$3" dev "$2"; ns "$1" ip link set "$2" up
  ns "$4" ip addr add "$6" dev "$5"; ns "$4" ip link set "$5" up
}

# --- the data centre and the backbone hub ----------------------------------------------------
for n in dc hub; do ip netns add "$NS-$n"; ns "$n" ip link set lo up; done
link hub dc0 10.200.0.1/24 dc eth0 10.200.0.10/24
ns dc ip route add default via 10.200.0.1
ns hub sysctl -qw net.ipv4.ip_forward=1
# the browser's way to the manager's web pages: one /30 from the host into the data centre
ip link add "$NS-noc" type veth peer name noc0 netns "$NS-dc"
ip addr add 10.255.253.1/30 dev "$NS-noc"; ip link set "$NS-noc" up
ns dc ip addr add 10.255.253.2/30 dev noc0; ns dc ip link set noc0 up

# what the NOC sees is asked by a small Java program on the manager's class path: compiled now, while the rest starts
MANAGER_CP="$(dirname "$MANAGER_JAR")/lib/*"
mkdir -p "$DEMO/noccheck"
javac -cp "$MANAGER_CP" -d "$DEMO/noccheck" "$ROOT/image/lab/NocCheck.java" > "$DEMO/noccheck/javac.log" 2>&1 &
NOCCHECK_JAVAC=$!

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
# the NOC's person account, for the log-in form (the API token above is for scripts: the form takes accounts only)
NOC_USER=noc-demo
(umask 077 && head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DEMO/noc.password")
manager account add "$NOC_USER" --role noc --password-file "$DEMO/noc.password" -c "$DEMO/manager.properties" \
  > "$DEMO/account.log" 2>&1 || { cat "$DEMO/account.log" >&2; fail "manager account add failed"; }
awk '/BEGIN CERT/{n++} n==1' "$DEMO/pki/chain.pem" > "$DEMO/pki/issuing.pem"   # chain.pem is issuing + root
cp "$DEMO/pki/root.pem" "$DEMO/pki/ca-root.pem"
ip netns exec "$NS-dc" env EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" run --config "$DEMO/manager.properties" \
  > "$DEMO/manager.log" 2>&1 &
PIDS+=($!)
MANAGER_PID=$!
for _ in $(seq "$READY_TIMEOUT_S"); do
  grep -q "^fleet: " "$DEMO/manager.log" && break
  kill -0 "$MANAGER_PID" 2>/dev/null || { tail -20 "$DEMO/manager.log" >&2; fail "the manager exited"; }
  sleep 1
done
grep -q "^fleet: " "$DEMO/manager.log" || fail "the manager did not report ready in ${READY_TIMEOUT_S}s (log: $DEMO/manager.log)"
say "manager (namespace $NS-dc): CA, EST https://10.200.0.10:8443, broker ssl://10.200.0.10:8883, web https://10.255.253.2:8080"

openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$DEMO/hub/hub.key"
openssl pkey -in "$DEMO/hub/hub.key" -pubout -out "$DEMO/hub/hub.pub"
manager ca issue-hub -c "$DEMO/manager.properties" --public-key "$DEMO/hub/hub.pub" --name hub.backbone.hebei.gov.cn \
  --dns hub.backbone.hebei.gov.cn --ip 192.0.2.2 --out "$DEMO/hub/hub.pem" > "$DEMO/hub/issue.log"
manager hub-config --plan "$ROOT/rules/plan" --hub-address 192.0.2.2 --hub-cert "$DEMO/hub/hub.pem" --hub-key "$DEMO/hub/hub.key" \
  --ca-cert "$DEMO/pki/ca-root.pem" --ca-cert "$DEMO/pki/issuing.pem" --backbone 10.200.0.0/16 --out "$DEMO/hub/swanctl" > /dev/null
# as strongSwan spells the hub's subject (certificate order)
HUB_ID=$(openssl x509 -in "$DEMO/hub/hub.pem" -noout -subject -nameopt sep_comma_plus_space,sname | sed 's/^subject=//')
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
      cfg = 2
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
start_charon() { # NAMESPACE DIR: prints the daemon's pid
  rm -f "$2/charon.vici"
  ip netns exec "$NS-$1" env STRONGSWAN_CONF="$2/strongswan.conf" /usr/sbin/charon-systemd > /dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 50); do [ -S "$2/charon.vici" ] && { echo "$pid"; return 0; }; sleep 0.2; done
  fail "charon in $NS-$1 did not start (log: $2/charon.log)"
}
charon_conf "$DEMO/hub"
HUB_CHARON=
hub_up() {
  [ -z "$HUB_CHARON" ] || return 0
  HUB_CHARON=$(start_charon hub "$DEMO/hub")
  ip netns exec "$NS-hub" env SWANCTL_DIR="$DEMO/hub/swanctl" swanctl --load-all --noprompt --uri "unix://$DEMO/hub/charon.vici" \
    --file "$DEMO/hub/swanctl/swanctl.conf" > "$DEMO/hub/load.log" 2>&1 \
    || { cat "$DEMO/hub/load.log" >&2; fail "the hub's swanctl --load-all failed"; }
}
hub_down() { [ -z "$HUB_CHARON" ] || stop_pids "$HUB_CHARON"; HUB_CHARON=; }
trap 'hub_down; cleanup; exit 130' INT TERM
trap 'hub_down; cleanup' EXIT
hub_up
say "hub (namespace $NS-hub): strongSwan for every unit of the plan, identity $HUB_ID"

# --- the provincial office: the policy for the unit's county ---------------------------------
keytool -importcert -noprompt -alias root -file "$DEMO/pki/ca-root.pem" -keystore "$DEMO/pki/trust.p12" -storetype PKCS12 \
  -storepass changeit > /dev/null 2>&1
MANAGER_JAVA_OPTS="-Djavax.net.ssl.trustStore=$DEMO/pki/trust.p12 -Djavax.net.ssl.trustStorePassword=changeit" \
  manager policy publish --url https://10.255.253.2:8080 --token-file "$DEMO/noc.token" --dir "$ROOT/rules/policy/baseline" \
  --scope "county:$COUNTY" > "$DEMO/publish.log" 2>&1 || { cat "$DEMO/publish.log" >&2; fail "manager policy publish failed"; }
say "province: $(head -1 "$DEMO/publish.log")"

# --- one site: the box fresh from its package, its LAN, external network and Internet line -----
# site_up SCENARIO: the cabling and addressing of the scenario
site_up() {
  local scenario=$1 lan_host=10.6.8.5/25 box_lan=10.6.8.1/25
  [ "$scenario" != address-outside-plan ] || { box_lan=192.168.1.1/24; lan_host=192.168.1.5/24; }
  for n in box lan ext inet; do ip netns add "$NS-$n"; ns "$n" ip link set lo up; done
  link box eth0 192.0.2.1/24 hub wan0 192.0.2.2/24
  link inet eth0 198.51.100.2/24 box eth3 198.51.100.1/24
  if [ "$scenario" = swapped-cables ]; then
    # the box's ports keep their addresses; the cables of the two LANs are in each other's port
    link ext eth0 198.18.80.18/28 box eth1 "$box_lan"
    link lan eth0 "$lan_host" box eth2 198.18.80.17/28
  else
    link lan eth0 "$lan_host" box eth1 "$box_lan"
    link ext eth0 198.18.80.18/28 box eth2 198.18.80.17/28
  fi
  ns box ip route add default via 192.0.2.2
  ns lan ip route add default via "${box_lan%/*}"
  ns ext ip route add default via 198.18.80.17
  ns inet ip route add default via 198.51.100.1
  ns box sysctl -qw net.ipv4.ip_forward=1
}

# scenario NAME: a fresh box is set up; its files in $DEMO/NAME. Sets GREEN_MS when the day ended green.
GREEN_MS=
scenario() {
  local name=$1 dir=$DEMO/$1
  mkdir -p "$dir/charon"
  site_up "$name"
  if [ "$name" = hub-unreachable ]; then hub_down; else hub_up; fi
  manager ca token -c "$DEMO/manager.properties" --unit "$UNIT" > "$dir/token.txt" 2>&1 \
    || { cat "$dir/token.txt" >&2; fail "manager ca token failed"; }
  local token fingerprint cfg=$dir/box-config data=$dir/box-data
  token=$(sed -n 's/^token: //p' "$dir/token.txt")
  fingerprint=$(sed -n 's/^root fingerprint: //p' "$dir/token.txt")
  [ "$name" != wrong-token ] || token=${token%????}XXXX
  # the box's own strongSwan daemon: the strongSwan package's service on a real box
  charon_conf "$dir/charon"
  BOX_PIDS+=("$(start_charon box "$dir/charon")")
  # the province's values for this lab (a package carries its province's in /etc/egov-box)
  cp -r "$BOX_DIST/config" "$cfg"
  sed -i "s|^est.url = .*|est.url = https://10.200.0.10:8443|" "$cfg/cn.egov.pki.cfg"
  sed -i "s|^outbox.sync = .*|outbox.sync = NORMAL|" "$cfg/cn.egov.telemetry.cfg"
  sed -i "s|^broker.url = .*|broker.url = ssl://10.200.0.10:8883|; s|^outbox.sync = .*|outbox.sync = NORMAL|; s|^health.interval.s = .*|health.interval.s = 10|" \
    "$cfg/setup/cn.egov.telemetry.cfg"
  sed -i "s|^hub.address = .*|hub.address = 192.0.2.2|; s|^hub.id = .*|hub.id = $HUB_ID|" "$cfg/setup/cn.egov.vpn.tunnel.cfg"
  cat >> "$cfg/setup/cn.egov.vpn.tunnel.cfg" <<CONF
# this lab: the box's own charon, userspace IPsec (no kernel IPsec crypto here)
swanctl.dir = $dir/charon/swanctl
vici.socket = $dir/charon/charon.vici
libipsec = true
poll.interval.s = 1
CONF
  mkdir -p "$dir/charon/swanctl"/{x509,x509ca,x509crl,private}
  echo "hostsFile = " >> "$cfg/setup/cn.egov.addressplan.cfg"   # the lab host's /etc/hosts is not the site's
  local t0
  t0=$(date +%s%N)
  # not through ns(): a function would run in a subshell, and $! would not be the box's own pid
  ip netns exec "$NS-box" "$BOX_DIST/bin/appliance" run --config "$cfg" --data "$data" > "$dir/box.log" 2>&1 &
  local box_pid=$!
  BOX_PIDS+=("$box_pid")
  for _ in $(seq "$READY_TIMEOUT_S"); do
    ns box "$BOX_DIST/bin/appliance" status --data "$data" > /dev/null 2>&1 && break
    kill -0 "$box_pid" 2>/dev/null || { tail -20 "$dir/box.log" >&2; fail "the box exited"; }
    sleep 1
  done
  ns box "$BOX_DIST/bin/appliance" status --data "$data" > "$dir/status-before.txt" 2>&1 || true
  # the people on the site use their networks: their computers talk to the box
  ns lan ping -c1 -W1 10.6.8.1 > /dev/null 2>&1 || ns lan ping -c1 -W1 192.168.1.1 > /dev/null 2>&1 || true
  ns ext ping -c1 -W1 198.18.80.17 > /dev/null 2>&1 || true
  say "$name: box running, not set up; technician: appliance setup --unit $UNIT --token ${token:0:4}..."
  local setup=(ns box "$BOX_DIST/bin/appliance" setup --config "$cfg" --data "$data" --unit "$UNIT" --token "$token"
               --root-fingerprint "$fingerprint" --wait "$SETUP_WAIT")
  [ "$name" != clock-wrong ] || setup=(ns box faketime -f -3d "${setup[@]:2}")
  set +e
  "${setup[@]}" > "$dir/setup.log" 2>&1
  echo $? > "$dir/setup.exit"
  set -e
  sed 's/^/    /' "$dir/setup.log"
  ns box "$BOX_DIST/bin/appliance" status --data "$data" > "$dir/status.txt" 2>&1 || true
  ls "$cfg" > "$dir/config-after.txt"
  if [ "$name" = green ]; then
    local green=1
    [ "$(cat "$dir/setup.exit")" = 0 ] || green=0
    grep -q '^healthy true$' "$dir/status.txt" || green=0
    ! grep -E '^selftest (WARN|FAIL)' "$dir/status.txt" || green=0
    say "green: box self-test $(grep -c '^selftest OK' "$dir/status.txt") lines OK, $(grep -cE '^selftest (WARN|FAIL)' "$dir/status.txt") not"
    # the manager may take a moment to hear the box's last reports
    [ -z "$NOCCHECK_JAVAC" ] || { wait "$NOCCHECK_JAVAC" || { cat "$DEMO/noccheck/javac.log" >&2; fail "NocCheck.java does not compile"; }; NOCCHECK_JAVAC=; }
    for _ in $(seq 30); do
      java -cp "$DEMO/noccheck:$MANAGER_CP" NocCheck https://10.255.253.2:8080 "$DEMO/pki/ca-root.pem" \
        "$NOC_USER" "$DEMO/noc.password" "$UNIT" > "$dir/noc.txt" 2>&1 && break
      sleep 2
    done
    sed 's/^/    /' "$dir/noc.txt"
    ! grep -q "^NOT GREEN\|Exception" "$dir/noc.txt" || green=0
    [ "$green" = 0 ] || GREEN_MS=$(ms_since "$t0")
  else
    say "$name: setup exit $(cat "$dir/setup.exit") (a mistake must stop it: 1)"
  fi
}

for s in $SCENARIOS; do
  [ "$s" = "${SCENARIOS##* }" ] && [ -n "$KEEP" ] && last=1 || last=
  scenario "$s"
  [ -n "$last" ] || site_down
done

RESULT=0
if [[ " $SCENARIOS " == *" green "* ]]; then
  if [ -n "$GREEN_MS" ]; then
    say "GREEN: unit $UNIT from an unpacked box to green on the NOC page in $(seconds "$GREEN_MS") s (whole day $(seconds "$(ms_since "$START")") s)"
    echo "$GREEN_MS" > "$DEMO/green.ms"
  else
    say "NOT GREEN: see $DEMO/green/ (setup.log, status.txt, noc.txt, box.log) and $DEMO/manager.log"
    RESULT=1
  fi
fi
if [ -n "$KEEP" ]; then
  echo "fleet page: https://10.255.253.2:8080/fleet  (log in as $NOC_USER, password $(cat "$DEMO/noc.password"); the browser warns:"
  echo "  the provincial CA is not installed, its root is $DEMO/pki/ca-root.pem)"
  echo "the box: ip netns exec $NS-box $BOX_DIST/bin/appliance status --data $DEMO/${SCENARIOS##* }/box-data"
  echo "Ctrl-C stops everything and removes the namespaces."
  wait -n "$MANAGER_PID" || true
  echo "the manager exited; see $DEMO/manager.log"
fi
exit "$RESULT"
