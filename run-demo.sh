#!/usr/bin/env bash
# One-command demo, set up as production is: builds everything, creates the provincial CA,
# starts the manager (embedded MQTT broker with its TLS listener, CA/EST, SQLite, the plan of
# rules/plan), issues an enrolment token, enrols one local edge box with the CA (its key made
# here, its certificate over EST), starts the box on MQTT over TLS with that certificate, waits
# until the fleet shows it CONNECTED, prints the fleet page URL, and stops both on Ctrl-C.
#   ./run-demo.sh                      ports: BROKER_PORT (MQTT over TLS, default 8883), WEB_PORT (8080),
#                                      EST_PORT (8443), CA_HTTP_PORT (CRL/OCSP, 8081)
#   SKIP_BUILD=1 ./run-demo.sh         reuse the last build
# The demo box applies no firewall policy to this machine.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD_DIR=${EGOV_BUILD_DIR:-target}
BROKER_PORT=${BROKER_PORT:-8883}
WEB_PORT=${WEB_PORT:-8080}
EST_PORT=${EST_PORT:-8443}
CA_HTTP_PORT=${CA_HTTP_PORT:-8081}
DEMO=${DEMO_DIR:-$ROOT/run/demo}
UNIT=130602-001
READY_TIMEOUT_S=120
CONNECT_TIMEOUT_S=90

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building (mvn -q -DskipTests package) ..."
  mvn -q -B -DskipTests -Degov.buildDir="$BUILD_DIR" package
fi

BOX_DIST=$ROOT/appliance/$BUILD_DIR/dist
MANAGER_JAR=$(ls "$ROOT"/manager/"$BUILD_DIR"/manager-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1 || true)
[ -x "$BOX_DIST/bin/appliance" ] || { echo "no box distribution in $BOX_DIST: build first" >&2; exit 1; }
[ -n "$MANAGER_JAR" ] || { echo "no manager jar in manager/$BUILD_DIR: build first" >&2; exit 1; }
manager() { EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" "$@"; }

mkdir -p "$DEMO"
NOC_TOKEN=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
# the CA's key store passphrase: made once, readable by its owner only
PASS_FILE=$DEMO/ca.pass
[ -s "$PASS_FILE" ] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$PASS_FILE")
cat > "$DEMO/manager.properties" <<CONF
# written by run-demo.sh
data.dir = $DEMO/manager-data
broker.tls.port = $BROKER_PORT
web.port = $WEB_PORT
auth.noc.token = $NOC_TOKEN
ca.passphrase-file = $PASS_FILE
ca.est-port = $EST_PORT
ca.http-port = $CA_HTTP_PORT
plan.dir = $ROOT/rules/plan
CONF
chmod 600 "$DEMO/manager.properties"   # it holds the NOC token: the manager refuses a file others can read

# The provincial CA (once) and a one-time enrolment token for the demo box.
if [ ! -e "$DEMO/manager-data/ca/ca-keys.p12" ]; then
  manager ca init -c "$DEMO/manager.properties" > "$DEMO/ca-init.log" 2>&1 \
    || { echo "manager ca init failed:" >&2; cat "$DEMO/ca-init.log" >&2; exit 1; }
fi
manager ca token -c "$DEMO/manager.properties" --unit "$UNIT" > "$DEMO/token.txt" 2>&1 \
  || { echo "manager ca token failed:" >&2; cat "$DEMO/token.txt" >&2; exit 1; }
TOKEN=$(sed -n 's/^token: //p' "$DEMO/token.txt")
FINGERPRINT=$(sed -n 's/^root fingerprint: //p' "$DEMO/token.txt")
[ -n "$TOKEN" ] && [ -n "$FINGERPRINT" ] || { echo "no token in:" >&2; cat "$DEMO/token.txt" >&2; exit 1; }

# The box: the shipped default configuration, with MQTT over TLS to the manager's broker and the
# box certificate from its key store (PKI bundle).
rm -rf "$DEMO/box-config"
cp -r "$BOX_DIST/config" "$DEMO/box-config"
sed -i "s|^broker.url = .*|broker.url = ssl://127.0.0.1:$BROKER_PORT|; s|^outbox.sync = .*|outbox.sync = NORMAL|" \
  "$DEMO/box-config/cn.egov.telemetry.cfg"
printf 'est.url = https://127.0.0.1:%s\nkey.store.path = ${data}/pki/box.p12\n' "$EST_PORT" > "$DEMO/box-config/cn.egov.pki.cfg"
printf 'enabled = true\n' > "$DEMO/box-config/cn.egov.pki.mqtt.cfg"
# No isolation policy in the demo: the box leaves this machine's firewall alone.
printf 'policy.directory = ${data}/policy\nlock.file = ${data}/nft.lock\n' > "$DEMO/box-config/cn.egov.isolation.enforce.cfg"

PIDS=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping ..."
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  exit 0
}
trap stop INT TERM EXIT

# not through the function: the script execs java, so this PID is the manager's own
EGOV_BUILD_DIR="$BUILD_DIR" "$ROOT/manager/bin/manager" run --config "$DEMO/manager.properties" > "$DEMO/manager.log" 2>&1 &
PIDS+=($!)
echo "manager starting (log: $DEMO/manager.log) ..."
for _ in $(seq "$READY_TIMEOUT_S"); do
  grep -q "^fleet: " "$DEMO/manager.log" && break
  kill -0 "${PIDS[0]}" 2>/dev/null || { echo "the manager exited:" >&2; tail -20 "$DEMO/manager.log" >&2; exit 1; }
  sleep 1
done
grep -q "^fleet: " "$DEMO/manager.log" || { echo "the manager did not report ready in ${READY_TIMEOUT_S}s" >&2; exit 1; }
FLEET_URL=$(grep -m1 "^fleet: " "$DEMO/manager.log" | sed 's/^fleet: //')

# Enrol as a technician would: the key is made on the box, the certificate comes over EST.
"$BOX_DIST/bin/appliance" enrol --manager "https://127.0.0.1:$EST_PORT" --unit "$UNIT" --token "$TOKEN" \
  --root-fingerprint "$FINGERPRINT" --key-store "$DEMO/box-data/pki/box.p12" > "$DEMO/enrol.log" 2>&1 \
  || { echo "appliance enrol failed:" >&2; cat "$DEMO/enrol.log" >&2; exit 1; }
echo "box $UNIT enrolled ($(grep -m1 '^serial: ' "$DEMO/enrol.log"))"

"$BOX_DIST/bin/appliance" run --config "$DEMO/box-config" --data "$DEMO/box-data" > "$DEMO/box.log" 2>&1 &
PIDS+=($!)
echo "box $UNIT starting on ssl://127.0.0.1:$BROKER_PORT (log: $DEMO/box.log; status: $BOX_DIST/bin/appliance status --data $DEMO/box-data)"

# Wait for the fleet to show the box CONNECTED (plain bash: no curl needed on a fresh machine).
AUTH=$(printf 'noc:%s' "$NOC_TOKEN" | base64 | tr -d '\n')
box_status() {
  exec 3<>"/dev/tcp/127.0.0.1/$WEB_PORT" || return 0
  printf 'GET /api/boxes/%s HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Basic %s\r\n\r\n' "$UNIT" "$AUTH" >&3
  sed -n 's/.*"status" *: *"\([A-Z]*\)".*/\1/p' <&3 | head -1
  exec 3<&-
}
STATUS=
for _ in $(seq "$CONNECT_TIMEOUT_S"); do
  STATUS=$(box_status 2>/dev/null || true)
  [ "$STATUS" = CONNECTED ] && break
  kill -0 "${PIDS[1]}" 2>/dev/null || { echo "the box exited:" >&2; tail -20 "$DEMO/box.log" >&2; exit 1; }
  sleep 1
done
echo
if [ "$STATUS" = CONNECTED ]; then
  echo "box $UNIT: CONNECTED over TLS with its certificate"
else
  echo "box $UNIT not CONNECTED after ${CONNECT_TIMEOUT_S}s (status: ${STATUS:-none}); see $DEMO/box.log and $DEMO/manager.log" >&2
fi
echo "fleet page: ${FLEET_URL/http:\/\//http://noc:$NOC_TOKEN@}"
echo "  (user noc, password $NOC_TOKEN)"
echo "box config: $DEMO/box-config (edit a file: the running box is reconfigured)"
echo "Ctrl-C stops both."
wait -n "${PIDS[@]}" || true
echo "a process exited; see $DEMO/manager.log and $DEMO/box.log"
